"""Writing audit events. Every service that changes data calls `record` inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.db import connection, models, transaction
from django.utils import timezone

from dangjian.bulk import Staging, insert_rows, reserve_ids

from . import hashing
from .context import current
from .models import Action, AuditEvent, AuditReservation
from .sealing import allocated, verify

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from dangjian.access.models import User

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=models.Model)

REDACTED = "***"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | float):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of a row, keyed by attname, JSON-ready."""
    data = {}
    for field in obj._meta.concrete_fields:
        # Timestamps, blind indexes and other values derived from the row's own fields (a field
        # marked `derived`, e.g. a team's natural sort key) are not what anyone changed.
        if (
            field.name in {"created_at", "updated_at"}
            or field.attname.endswith("_index")
            or getattr(field, "derived", False)
        ):
            continue
        data[field.attname] = _jsonable(field.value_from_object(obj))
    return data


def diff(
    before: dict[str, Any] | None, after: dict[str, Any] | None, sensitive: tuple[str, ...] = ()
) -> dict[str, Any]:
    before, after = before or {}, after or {}
    changes: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key in sensitive:
            old = REDACTED if old else old
            new = REDACTED if new else new
        changes[key] = [old, new]
    return changes


def write_transaction(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator for every service that writes: one transaction for the service and the audit
    events it records, so both are saved or neither. It takes no lock of its own: writers append
    events side by side and the worker seals them afterwards (audit.sealing)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic():
            return func(*args, **kwargs)

    return wrapper


def allocate_ids(count: int) -> list[int]:
    """The next `count` event ids, taken before the events are written so that each event's hash
    and MAC can cover its id. PostgreSQL: from the table's sequence, after the transaction has its
    id (so the sealer can tell when a taken id can no longer commit: audit.sealing). SQLite: the
    database has one writer at a time (transactions begin IMMEDIATE), so the next ids are those
    after the highest ever given (AUTOINCREMENT's sqlite_sequence), and a rolled-back write
    leaves no gap."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s) "
                "WHERE pg_current_xact_id() IS NOT NULL",
                [table, count],
            )
            return [int(row[0]) for row in cursor.fetchall()]
    last = allocated()
    return list(range(last + 1, last + 1 + count))


def org_path_of(obj: models.Model | None) -> str:
    getter = getattr(obj, "audit_org_path", None)
    return getter() if callable(getter) else ""


# The columns an event is written with, in order (`_rows` gives its values).
EVENT_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "source",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "org_path",
    "ip",
    "prev_hash",
    "hash",
    "mac",
)
CHANGES_AT = EVENT_COLUMNS.index("changes")


def _rows(
    actor: User | AnonymousUser | None, drafts: Sequence[Draft], ids: Sequence[int] | None = None
) -> tuple[dt.datetime, list[tuple[Any, ...]]]:
    """`drafts` as event rows ready for the database (EVENT_COLUMNS), each with its id, hash and
    MAC. Written without the ORM's per-value work: an import records 100,000 events inside its
    one short write transaction. `hashing.canonical` of each stored event gives the same hash
    (audit/tests hold the two to each other). `ids`: reserved ones (`reserve_event_ids`), else
    taken now. Returns the events' time and their rows."""
    ctx, named, at = current(), _named(actor), timezone.now()
    key = hashing.audit_key()
    stamp = connection.ops.adapt_datetimefield_value(at)
    shared = {
        "at": at.astimezone(dt.UTC).isoformat(),
        "actor_id": named.pk if named is not None else None,
        "actor_name": named.get_username() if named is not None else "",
        "source": ctx.source,
        "ip": ctx.ip,
    }
    rows = []
    for draft, pk in zip(drafts, ids if ids is not None else allocate_ids(len(drafts)), strict=True):
        obj = draft.obj
        object_repr = draft.object_repr if draft.object_repr is not None else str(obj) if obj is not None else ""
        payload = {
            **shared,
            "id": pk,
            "action": str(draft.action),
            "object_type": draft.object_type or (obj._meta.label if obj is not None else ""),
            "object_id": str(obj.pk if obj is not None and not draft.object_id else draft.object_id or ""),
            "object_repr": object_repr[:200],
            "changes": draft.changes or {},
            "org_path": draft.org_path if draft.org_path is not None else org_path_of(obj),
        }
        digest = hashing.hash_payload(payload)
        rows.append(
            (
                pk,
                stamp,
                payload["actor_id"],
                payload["actor_name"],
                payload["source"],
                payload["action"],
                payload["object_type"],
                payload["object_id"],
                payload["object_repr"],
                json.dumps(payload["changes"]),  # as JSONField stores it (its look-ups compare this text on SQLite)
                payload["org_path"],
                payload["ip"],
                "",
                digest,
                hashing.mac(digest, key),
            )
        )
    return at, rows


def _append(actor: User | AnonymousUser | None, drafts: list[Draft]) -> list[AuditEvent]:
    """Write `drafts` as new events, in order: each with its id, hash and MAC. Returns them."""
    if not drafts:
        return []
    with transaction.atomic():
        at, rows = _rows(actor, drafts)
        insert_rows(AuditEvent._meta.db_table, EVENT_COLUMNS, rows)
    events = []
    for row in rows:
        event = AuditEvent(**{name: value for name, value in zip(EVENT_COLUMNS, row, strict=True) if name != "changes"})
        event.at, event.changes = at, json.loads(row[CHANGES_AT])
        event._state.adding = False
        events.append(event)
    return events


@dataclass(frozen=True)
class Draft:
    """One event to record, before it is written: what `record` takes as keywords, for
    `record_many`. `create_draft` and `update_draft` make the usual ones."""

    action: str
    obj: models.Model | None = None
    object_type: str | None = None
    object_id: Any = ""
    object_repr: str | None = None
    changes: dict[str, Any] | None = None
    org_path: str | None = None


def _named(actor: User | AnonymousUser | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


@transaction.atomic
def record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = "",
    object_repr: str | None = None,
    changes: dict[str, Any] | None = None,
    org_path: str | None = None,
) -> AuditEvent:
    draft = Draft(action, obj, object_type, object_id, object_repr, changes, org_path)
    return _append(actor, [draft])[0]


def record_many(*, actor: User | AnonymousUser | None, drafts: Iterable[Draft], batch_size: int = 2000) -> int:
    """Record many events in a few statements, for a bulk write inside one transaction (an import
    staged ahead of its transaction uses `reserve_event_ids` and `stage_events` instead): the same
    events, in the same order, as calling `record` for each draft. Returns how many were written."""
    written = 0
    batch: list[Draft] = []
    table = AuditEvent._meta.db_table
    with transaction.atomic():
        for draft in drafts:
            batch.append(draft)
            if len(batch) >= batch_size:
                insert_rows(table, EVENT_COLUMNS, _rows(actor, batch)[1])
                written += len(batch)
                batch = []
        if batch:
            insert_rows(table, EVENT_COLUMNS, _rows(actor, batch)[1])
            written += len(batch)
    return written


# --- events built ahead of their write transaction (a roster import's) --------------------------


@dataclass(frozen=True)
class Reservation:
    pk: int
    ids: list[int]


def reserve_event_ids(count: int) -> Reservation:
    """`count` event ids taken now, in a short transaction of its own, for events built outside
    the write transaction that will write them (`stage_events`, then `write_staged_events` or
    `record_reserved` inside it). Until then no seal's floor passes them (audit.sealing); ids
    left unused are gaps, as a rolled-back write leaves."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            ids = allocate_ids(count)
        else:
            ids = reserve_ids(AuditEvent._meta.db_table, count)
        if not ids:
            return Reservation(0, [])
        made = AuditReservation.objects.create(ids=hashing.to_ranges(ids), first_id=ids[0], made_at=timezone.now())
    return Reservation(made.pk, ids)


def event_staging() -> Staging:
    """A staging table for events (`stage_events`), to drop once written."""
    return Staging(AuditEvent._meta.db_table, EVENT_COLUMNS)


def stage_events(
    staging: Staging, actor: User | AnonymousUser | None, drafts: Sequence[Draft], ids: Sequence[int]
) -> None:
    """Events built now (ids from a reservation, hashed and keyed, timed now) into `staging`,
    outside any transaction: nothing is recorded until `write_staged_events`."""
    if drafts:
        staging.add(_rows(actor, drafts, ids)[1])


def claim(reservation: Reservation) -> bool:
    """Inside the write transaction that writes the reserved events: whether the reservation
    still stands (False: it lapsed, and its ids may have become gaps — prepare again)."""
    if not reservation.pk:
        return True
    return AuditReservation.objects.filter(pk=reservation.pk).delete()[0] == 1


def release(reservation: Reservation) -> None:
    """Give up a reservation whose events will not be written (its ids become gaps)."""
    if reservation.pk:
        with transaction.atomic():
            AuditReservation.objects.filter(pk=reservation.pk).delete()


def write_staged_events(staging: Staging) -> int:
    """Write the staged events (inside the write transaction that `claim`ed their reservation)."""
    with transaction.atomic():
        return staging.copy_into()


def record_reserved(actor: User | AnonymousUser | None, drafts: Sequence[tuple[int, Draft]]) -> int:
    """Record events with reserved ids (inside the transaction that `claim`ed them)."""
    if not drafts:
        return 0
    with transaction.atomic():
        insert_rows(
            AuditEvent._meta.db_table, EVENT_COLUMNS, _rows(actor, [d for _i, d in drafts], [i for i, _d in drafts])[1]
        )
    return len(drafts)


def create_draft(obj: models.Model) -> Draft:
    sensitive = getattr(obj, "SENSITIVE_FIELDS", ())
    return Draft(Action.CREATE, obj, changes=diff(None, snapshot(obj), sensitive))


def update_draft(obj: models.Model, before: dict[str, Any]) -> Draft | None:
    """The update event of a row changed since `before` (its snapshot), or None if nothing changed."""
    sensitive = getattr(obj, "SENSITIVE_FIELDS", ())
    changes = diff(before, snapshot(obj), sensitive)
    return Draft(Action.UPDATE, obj, changes=changes) if changes else None


def record_create(actor: User | AnonymousUser | None, obj: models.Model) -> AuditEvent:
    return _append(actor, [create_draft(obj)])[0]


def record_update(actor: User | AnonymousUser | None, obj: models.Model, before: dict[str, Any]) -> AuditEvent | None:
    draft = update_draft(obj, before)
    return _append(actor, [draft])[0] if draft is not None else None


def save_and_record(
    actor: User | AnonymousUser | None, obj: models.Model, before: dict[str, Any], *, created: bool
) -> None:
    """Save a row that `get_or_create` may have just made and record it: a new row is one creation
    event with its final values (not an empty creation and an update), an existing one an update
    with what changed."""
    obj.save()
    if created:
        record_create(actor, obj)
    else:
        record_update(actor, obj, before)


def record_delete(
    actor: User | AnonymousUser | None, obj: models.Model, before: dict[str, Any], pk: Any, org_path: str
) -> AuditEvent:
    sensitive = getattr(obj, "SENSITIVE_FIELDS", ())
    return record(
        actor=actor,
        action=Action.DELETE,
        obj=obj,
        object_id=pk,
        changes=diff(before, None, sensitive),
        org_path=org_path,
    )


def _stored_values(obj: models.Model) -> dict[str, Any]:
    return {field.name: field.value_from_object(obj) for field in obj._meta.concrete_fields}


@write_transaction
def update_model(
    *,
    actor: User | None,
    instance: M,
    data: Mapping[str, Any],
    fields: Collection[str] | None = None,
    clean: bool | Callable[[M], None] = True,
) -> tuple[M, bool]:
    """The one way an update service changes a row: snapshot → set fields → validate → save →
    record (HackSoft's `model_update`, audited).

    - `data` maps field names to new values; only the names in `fields` are applied (None: every
      key of `data`), anything else in `data` is ignored, so a service can hand over a form's or
      an API's whole payload.
    - `clean`: True runs `instance.full_clean()`; a callable is the service's own validation
      (it may normalise values and raises ValidationError keyed by field); False skips it.
      Nothing is written if it raises.
    - Only the columns whose values changed are saved (plus `auto_now` ones, e.g. updated_at);
      when nothing changed nothing is written and no event is recorded.
    - Returns (instance, changed). `actor` is the user the audit event names (None: the system).
    Runs in the caller's write transaction (or its own)."""
    before = snapshot(instance)
    stored = _stored_values(instance)
    for name, value in data.items():
        if fields is None or name in fields:
            setattr(instance, name, value)
    if callable(clean):
        clean(instance)
    elif clean:
        instance.full_clean()
    after = _stored_values(instance)
    changed = [name for name in after if after[name] != stored[name]]
    if not changed:
        return instance, False
    auto_now = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    instance.save(update_fields=[*changed, *(n for n in auto_now if n not in changed)])
    record_update(actor, instance, before)
    return instance, True


def verify_chain(batch: int = 5000, progress: Any = None) -> tuple[int, AuditEvent | None, str]:
    """The audit log checked whole (audit.sealing.verify): (events checked, first bad event or
    None, reason — empty when intact)."""
    report = verify(batch=batch, progress=progress)
    return report.checked, report.bad_event, report.problem
