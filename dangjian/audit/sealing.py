"""Sealing the audit log, checking it, and anchoring it outside the database
(docs/architecture.md, "The audit log").

- `seal()` (the background worker, every AUDIT_SEAL_INTERVAL_SECONDS; `manage.py seal_audit` on
  demand) writes one `AuditSeal` over every committed event no seal covers yet, linked to the
  seal before it and keyed with the audit key, then appends it as a checkpoint line to
  AUDIT_CHECKPOINT_FILE — a file the database does not hold.
- `status()` says how many events wait for a seal and how old the oldest is (the audit page,
  /health/).
- `verify()` checks every seal and every event and names the first one broken, missing,
  reordered, altered or forged; `verify_against()` compares the database's seals with
  checkpoints kept elsewhere.

Concurrent writers commit out of id order (PostgreSQL): an event with a lower id may commit after
a seal took a higher one. So a seal lists exactly the ids it covers, and `floor` (every id at or
under it is sealed or will never commit) only moves to an id high-water recorded by an earlier
seal once every transaction running at that seal has ended (`next_xid` ≤ the oldest running
transaction now). Writers take their transaction id before their event ids
(services.allocate_ids), which is what makes that rule sound.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.bulk import sqlite_high_water

from . import hashing
from .hashing import GENESIS
from .models import AuditEvent, AuditReservation, AuditSeal

logger = logging.getLogger(__name__)

# Two sealers (two worker hosts) never build on the same seal: `prev` is unique, and on
# PostgreSQL the second one skips its turn on this advisory lock instead of failing.
_SEAL_LOCK = 0x5EA1_A0D1
# Past this many sealed id spans above the floor, `status` counts in Python rather than in one
# query with a condition per span (SQLite takes at most 999 parameters).
MAX_SPANS_IN_SQL = 200


# --- sealing ------------------------------------------------------------------------------


def allocated() -> int:
    """The highest event id given out so far (committed, reserved or not)."""
    table = AuditEvent._meta.db_table
    if connection.vendor != "postgresql":
        return sqlite_high_water(table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')::regclass), 0)", [table]
        )
        return int(cursor.fetchone()[0])


def _horizon() -> tuple[int, int]:
    """(oldest transaction still running, next transaction id) on PostgreSQL; (0, 0) on SQLite,
    where the sealer holds the one write lock and nothing else is in flight."""
    if connection.vendor != "postgresql":
        return 0, 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint "
            "FROM (SELECT pg_current_snapshot() AS s) AS now"
        )
        xmin, xmax = cursor.fetchone()
        return int(xmin), int(xmax)


def _sealed_above(floor: int) -> list[tuple[int, int]]:
    """The id spans sealed above `floor`, sorted, adjacent ones joined."""
    spans: list[tuple[int, int]] = []
    for text in AuditSeal.objects.filter(last_id__gt=floor).values_list("ids", flat=True):
        spans.extend(span for span in hashing.from_ranges(text) if span[1] > floor)
    joined: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        if joined and low <= joined[-1][1] + 1:
            joined[-1] = (joined[-1][0], max(high, joined[-1][1]))
        else:
            joined.append((low, high))
    return joined


def _covered(spans: list[tuple[int, int]], event_id: int) -> bool:
    i = bisect.bisect_right(spans, (event_id, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= event_id <= spans[i][1]


def _unsealed(floor: int) -> Iterator[tuple[int, str, dt.datetime]]:
    spans = _sealed_above(floor)
    rows = AuditEvent.objects.filter(pk__gt=floor).order_by("pk").values_list("pk", "hash", "at")
    for pk, event_hash, at in rows.iterator(chunk_size=5000):
        if not _covered(spans, pk):
            yield pk, event_hash, at


def _standing_reservations(now: dt.datetime) -> int | None:
    """The lowest event id reserved by an import still to write its events (None: none). Lapsed
    reservations (older than AUDIT_RESERVATION_TTL_SECONDS: their import was killed) are deleted
    here, and their ids become gaps; an import that comes back to one finds it gone and
    prepares again."""
    lapse = now - dt.timedelta(seconds=settings.AUDIT_RESERVATION_TTL_SECONDS)
    lapsed = list(
        AuditReservation.objects.select_for_update(skip_locked=True)
        .filter(made_at__lt=lapse)
        .values_list("pk", flat=True)
    )
    if lapsed:
        AuditReservation.objects.filter(pk__in=lapsed).delete()
        logger.warning("audit id reservations lapsed (their imports never wrote them): %s", lapsed)
    lowest: int | None = AuditReservation.objects.aggregate(low=Min("first_id"))["low"]
    return lowest


def _latest() -> AuditSeal | None:
    return AuditSeal.objects.order_by("-pk").first()


def seal(now: dt.datetime | None = None) -> AuditSeal | None:
    """Seal every committed event no seal covers yet. Returns the new seal, or None when there
    was nothing to seal (or another sealer holds the turn)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEAL_LOCK])
                if not cursor.fetchone()[0]:
                    return None
        last = _latest()
        floor = last.floor if last is not None else 0
        # Before the events are read: a reservation claimed meanwhile has its events committed.
        reserved_from = _standing_reservations(now or timezone.now())
        given = allocated()  # before the horizon: see the module's docstring
        oldest_running, next_xid = _horizon()
        if connection.vendor == "postgresql":
            settled = (
                AuditSeal.objects.filter(next_xid__gt=0, next_xid__lte=oldest_running)
                .order_by("-pk")
                .values_list("allocated", flat=True)
                .first()
            )
        else:
            settled = given
        events = [(pk, event_hash) for pk, event_hash, _at in _unsealed(floor)]
        if not events:
            return None
        key = hashing.audit_key()
        ids = [pk for pk, _h in events]
        new = AuditSeal(
            sealed_at=now or timezone.now(),
            ids=hashing.to_ranges(ids),
            count=len(ids),
            first_id=ids[0],
            last_id=ids[-1],
            root=hashing.merkle_root([hashing.leaf(pk, h) for pk, h in events]),
            prev=last.hash if last is not None else GENESIS,
            key_id=hashing.key_id(key),
            floor=max(floor, settled or 0 if reserved_from is None else min(settled or 0, reserved_from - 1)),
            allocated=given,
            next_xid=next_xid,
        )
        new.hash = hashing.seal_hash(new)
        new.mac = hashing.mac(f"seal|{new.hash}", key)
        new.save()
        transaction.on_commit(lambda: write_checkpoint(new))
        return new


# --- checkpoints outside the database ------------------------------------------------------


def checkpoint(sealed: AuditSeal) -> dict[str, Any]:
    body = {"seal": sealed.pk, "hash": sealed.hash, "last_id": sealed.last_id, "at": sealed.sealed_at.isoformat()}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return {**body, "key_id": sealed.key_id, "mac": hashing.mac(f"checkpoint|{text}")}


def write_checkpoint(sealed: AuditSeal) -> None:
    path = getattr(settings, "AUDIT_CHECKPOINT_FILE", "")
    if not path:
        return
    try:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as out:
            out.write(json.dumps(checkpoint(sealed), sort_keys=True) + "\n")
    except OSError:
        # The seal stands in the database; the next seal's checkpoint covers it (each links to
        # the one before), and the audit page shows when the last checkpoint was written.
        logger.exception("could not write the audit checkpoint to %s", path)


def read_checkpoints(path: str | Path) -> list[dict[str, Any]]:
    found = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            found.append(json.loads(line))
    return found


def verify_against(checkpoints: list[dict[str, Any]]) -> list[str]:
    """What differs between the database's seals and checkpoints kept outside it."""
    problems = []
    key = hashing.audit_key()
    for point in checkpoints:
        body = {k: point.get(k) for k in ("seal", "hash", "last_id", "at")}
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
        if point.get("mac") != hashing.mac(f"checkpoint|{text}", key):
            problems.append(
                _("checkpoint of seal #%(seal)s: its MAC does not match (written with another key, or edited)")
                % {"seal": point.get("seal")}
            )
            continue
        stored = AuditSeal.objects.filter(pk=point["seal"]).values_list("hash", flat=True).first()
        if stored is None:
            problems.append(
                _("seal #%(seal)s of the checkpoint is missing from the database (the newest seals were removed)")
                % {"seal": point["seal"]}
            )
        elif stored != point["hash"]:
            problems.append(
                _("seal #%(seal)s differs from the checkpoint (the log was rewritten after it was sealed)")
                % {"seal": point["seal"]}
            )
    return problems


# --- status -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    unsealed: int
    oldest_unsealed_at: dt.datetime | None
    last_seal: AuditSeal | None
    max_age: int

    @property
    def oldest_age_seconds(self) -> float:
        if self.oldest_unsealed_at is None:
            return 0.0
        return max((timezone.now() - self.oldest_unsealed_at).total_seconds(), 0.0)

    @property
    def late(self) -> bool:
        """Events have waited longer than the setting allows: the worker is down or stuck."""
        return self.oldest_unsealed_at is not None and self.oldest_age_seconds > self.max_age


def status() -> Status:
    """Counted in one query (the audit page and every /health/ probe read it, also when the
    workers have been down for a day): the events above the floor outside the seals above it."""
    last = _latest()
    floor = last.floor if last is not None else 0
    spans = _sealed_above(floor)
    if len(spans) > MAX_SPANS_IN_SQL:  # many writers committing out of order for a long while
        count, oldest = 0, None
        for _pk, _h, at in _unsealed(floor):
            count, oldest = count + 1, at if oldest is None or at < oldest else oldest
        return Status(count, oldest, last, settings.AUDIT_SEAL_MAX_AGE_SECONDS)
    waiting = AuditEvent.objects.filter(pk__gt=floor)
    for low, high in spans:
        waiting = waiting.exclude(pk__range=(low, high))
    found = waiting.aggregate(n=Count("pk"), oldest=Min("at"))
    return Status(found["n"], found["oldest"], last, settings.AUDIT_SEAL_MAX_AGE_SECONDS)


# --- verifying ----------------------------------------------------------------------------


@dataclass
class Report:
    checked: int = 0
    seals: int = 0
    bad_event: AuditEvent | None = None
    bad_id: int | None = None
    problem: str = ""
    unsealed: int = 0
    oldest_unsealed_at: dt.datetime | None = None
    # Ids given out and never sealed nor present: a write rolled back or cut off — or an event
    # removed before it was sealed, which nothing in the database can tell apart.
    gaps: list[tuple[int, int]] = field(default_factory=list)

    @property
    def gap_count(self) -> int:
        return sum(high - low + 1 for low, high in self.gaps)


class _Broken(Exception):
    def __init__(self, problem: str, *, event: AuditEvent | None = None, event_id: int | None = None) -> None:
        super().__init__(problem)
        self.problem, self.event, self.event_id = problem, event, event_id


def _check_seals(report: Report, key: bytes) -> tuple[list[tuple[int, int, int]], dict[int, AuditSeal]]:
    """The seals' own chain; returns their spans (low, high, seal pk) sorted, and the seals."""
    prev = GENESIS
    spans: list[tuple[int, int, int]] = []
    seals: dict[int, AuditSeal] = {}
    for sealed in AuditSeal.objects.order_by("pk").iterator(chunk_size=2000):
        if sealed.prev != prev:
            raise _Broken(
                _("seal #%(seal)s does not link to the seal before it (a seal was removed, inserted or changed)")
                % {"seal": sealed.pk}
            )
        if hashing.seal_hash(sealed) != sealed.hash:
            raise _Broken(_("seal #%(seal)s was changed after it was written") % {"seal": sealed.pk})
        if sealed.mac != hashing.mac(f"seal|{sealed.hash}", key):
            raise _Broken(
                _("seal #%(seal)s: its MAC does not match (not made with this installation's audit key)")
                % {"seal": sealed.pk}
            )
        prev = sealed.hash
        seals[sealed.pk] = sealed
        spans.extend((low, high, sealed.pk) for low, high in hashing.from_ranges(sealed.ids))
        report.seals += 1
    spans.sort()
    for (_l1, high1, s1), (low2, _h2, s2) in zip(spans, spans[1:], strict=False):
        if low2 <= high1:
            raise _Broken(
                _("seals #%(a)s and #%(b)s both claim event #%(id)s") % {"a": s1, "b": s2, "id": low2},
                event_id=low2,
            )
    return spans, seals


def _seal_of(spans: list[tuple[int, int, int]], starts: list[int], event_id: int) -> int | None:
    i = bisect.bisect_right(starts, event_id) - 1
    return spans[i][2] if i >= 0 and spans[i][0] <= event_id <= spans[i][1] else None


def _missing_sealed(
    spans: list[tuple[int, int, int]], starts: list[int], low: int, high: int
) -> tuple[int, int] | None:
    """The first sealed id in [low, high], with its seal, if any."""
    i = max(bisect.bisect_right(starts, low) - 1, 0)
    while i < len(spans) and spans[i][0] <= high:
        span_low, span_high, seal_pk = spans[i]
        if span_high >= low:
            return max(span_low, low), seal_pk
        i += 1
    return None


def verify(batch: int = 5000, progress: Callable[[int], Any] | None = None) -> Report:
    report = Report()
    key = hashing.audit_key()
    try:
        spans, seals = _check_seals(report, key)
        starts = [low for low, _h, _s in spans]
        leaves: dict[int, list[bytes]] = {}
        floor = max((s.floor for s in seals.values()), default=0)
        legacy_prev, legacy_open = GENESIS, True
        # The log begins at its first sealed (or, before any seal, its first) event: ids given out
        # before it (PostgreSQL's sequence does not roll back) are not gaps in it.
        begins = spans[0][0] if spans else AuditEvent.objects.order_by("id").values_list("id", flat=True).first()
        begins = begins or 1
        last_id = 0
        while True:
            rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
            if not rows:
                break
            for event in rows:
                _check_gap(report, spans, starts, max(last_id + 1, begins), event.pk - 1)
                if event.prev_hash:  # the old chain
                    if not legacy_open or event.prev_hash != legacy_prev:
                        raise _Broken(
                            _("its link to the event before it is broken (an event was removed, inserted or changed)"),
                            event=event,
                        )
                    legacy_prev = event.hash
                else:
                    legacy_open = False
                if hashing.compute_hash(event) != event.hash:
                    raise _Broken(
                        _("its contents do not match its hash (it was changed after it was written)"), event=event
                    )
                if not event.prev_hash and event.mac != hashing.mac(event.hash, key):
                    raise _Broken(
                        _("its MAC does not match: it was not written by this installation (inserted or forged)"),
                        event=event,
                    )
                seal_pk = _seal_of(spans, starts, event.pk)
                if seal_pk is None:
                    if event.pk <= floor:
                        raise _Broken(
                            _("it is in no seal although every event before #%(floor)s was sealed (it was inserted)")
                            % {"floor": floor},
                            event=event,
                        )
                    report.unsealed += 1
                    if report.oldest_unsealed_at is None or event.at < report.oldest_unsealed_at:
                        report.oldest_unsealed_at = event.at
                else:
                    collected = leaves.setdefault(seal_pk, [])
                    collected.append(hashing.leaf(event.pk, event.hash))
                    if len(collected) == seals[seal_pk].count:
                        if hashing.merkle_root(collected) != seals[seal_pk].root:
                            raise _Broken(
                                _("seal #%(seal)s does not match its events (one was changed, swapped or replaced)")
                                % {"seal": seal_pk},
                                event=event,
                            )
                        del leaves[seal_pk]
                report.checked += 1
                last_id = event.pk
            if progress is not None:
                progress(report.checked)
        top = max(allocated(), spans[-1][1] if spans else 0)
        if top > last_id and (connection.vendor != "postgresql" or not _others_in_flight()):
            _check_gap(report, spans, starts, max(last_id + 1, begins), top)
        for seal_pk in leaves:
            raise _Broken(
                _("seal #%(seal)s does not match its events (one was changed, swapped or replaced)") % {"seal": seal_pk}
            )
    except _Broken as broken:
        report.problem, report.bad_event = broken.problem, broken.event
        report.bad_id = broken.event.pk if broken.event is not None else broken.event_id
    return report


def _check_gap(report: Report, spans: list[tuple[int, int, int]], starts: list[int], low: int, high: int) -> None:
    if high < low:
        return
    missing = _missing_sealed(spans, starts, low, high)
    if missing is not None:
        event_id, seal_pk = missing
        raise _Broken(
            _("event #%(id)s was sealed in seal #%(seal)s and is missing (it was deleted)")
            % {"id": event_id, "seal": seal_pk},
            event_id=event_id,
        )
    report.gaps.append((low, high))


def _others_in_flight() -> bool:
    """Whether another transaction in this database may still commit events (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND (backend_xid IS NOT NULL OR state LIKE 'idle in transaction%%'))"
        )
        return bool(cursor.fetchone()[0])
