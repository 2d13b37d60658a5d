"""The concurrency benchmark (`manage.py benchmark --only concurrency`, issue 14): W people saving
at once through the served site, first on a quiet database, then while a roster import is
confirmed and applied.

Half the writers (rounded up) are branch secretaries ticking attendance at a meeting of their
branch, one htmx tap per person; the others are HR managers correcting an employee's post
through the edit form (`writeclient` says exactly what each sends). Every writer is a different
account with a session of its own, logged in as a browser would be (audited), and writes to
objects no other writer touches, so that what they wait for is each other's transactions, not
the same row. The workers' sealing round runs beside them (`Sealer`), as in production.

Each phase has a gunicorn of its own with one sync worker per writer (every writer's request is
in the database at once, the contention being measured) and the writers in a process of their
own (`writeclient`). The figures: audited writes per second, each write's time (p50, p95, max;
refusals included, they are waits too), refusals by kind (503 busy, other 5xx, anything else),
PostgreSQL's deadlock count over the phase (`pg_stat_database`, read once the phase's server has
stopped, so every backend has reported), and the audit check: every successful write has exactly
one audit event (per object, by the writers' accounts, since the phase began), none is lost or
doubled, and the whole log verifies once the last events are sealed. During the import phase, also how long the import took:
it runs as the page runs it (bench.import_ours: upload, check, confirm, prepare and stage outside
any transaction, then the one short merge). On PostgreSQL it runs in a transaction rolled back
afterwards (no lock other writers need); on SQLite, where such a transaction would hold the one
write lock throughout, it commits into a scratch copy of the database (`scratch_copy`) that the
phase's server uses too and that is deleted afterwards. The phase's writes start with the import
and stop when it is done.

What it leaves: one meeting a day (topic `TOPIC`, load.meeting_today) in each tapping
secretary's branch, reused by later runs that day; the writers' sessions; and the audit events
of the logins and the writes. The writers put the attendance states and the posts they changed
back as they were (those writes are audited and checked too, not timed).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.db.models import Count
from django.utils import timezone

from dangjian.access.models import Role, RoleAssignment, User
from dangjian.audit import sealing
from dangjian.audit.models import AuditEvent
from dangjian.branchlife import services as branchlife
from dangjian.busy import is_busy
from dangjian.organizations import selectors as org_selectors
from dangjian.organizations.models import Organization
from dangjian.people.models import Person

from .bench import BASE_DIR, Figure, Server, Settings, World, import_ours, rolled_back, session_headers
from .load import branch_secretaries, meeting_today
from .roster import employee_roster

TOPIC = "主题党日：基准测试（并发写入）"
WRITERS = 8


@dataclass
class Writer:
    user: User
    kind: str  # "tap" or "edit"
    page: str


def writers_of(county: Organization, n: int) -> list[Writer]:
    """n writers under `county`: ceil(n/2) secretaries, each at a meeting of their branch, and
    the others HR managers, each at the edit form of the first employee of their enterprise."""
    taps, edits = math.ceil(n / 2), n // 2
    found: list[Writer] = []
    for user, branch in branch_secretaries(county):
        if len([w for w in found if w.kind == "tap"]) >= taps:
            break
        if not branchlife.members_under(branch).exists():  # its meeting expects no one to tap
            continue
        found.append(Writer(user, "tap", f"/meetings/{meeting_today(branch, timezone.localdate(), TOPIC).pk}/"))
    ents = org_selectors.enterprises_supervised_under(county)
    managers = RoleAssignment.objects.filter(role=Role.MANAGER, enterprise__in=ents).select_related("user")
    seen = {w.user.pk for w in found}
    for r in managers.annotate(n=Count("enterprise__employees")).filter(n__gt=0).order_by("-n", "pk"):
        if len(found) >= taps + edits:
            break
        if r.user_id in seen:
            continue
        seen.add(r.user_id)
        person = Person.objects.filter(employer_id=r.enterprise_id).order_by("pk").first()
        if person is not None:
            found.append(Writer(r.user, "edit", f"/people/{person.pk}/edit/"))
    if len(found) < n:
        raise RuntimeError(f"only {len(found)} writers found under {county}: the dataset is too small for {n}")
    return found


class Writers:
    """The writer process (`writeclient`) for one phase, for the length of a `with`."""

    def __init__(self, port: int, writers: list[Writer], cookies: dict[int, str], folder: Path) -> None:
        self.plan = folder / "bench-writers.json"
        self.plan.write_text(
            json.dumps(
                {
                    "port": port,
                    "writers": [{"kind": w.kind, "page": w.page, "cookie": cookies[w.user.pk]} for w in writers],
                }
            )
        )
        self.log_path = folder / "bench-writers.log"

    def __enter__(self) -> Writers:
        self.log = open(self.log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dangjian.scale.writeclient", "--plan", str(self.plan)],
            cwd=BASE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        assert self.proc.stdout is not None
        if '"ready"' not in self.proc.stdout.readline():
            self.__exit__()
            raise RuntimeError(f"the writers did not get ready: see {self.log_path}")
        return self

    def say(self, word: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(word + "\n")
        self.proc.stdin.flush()

    def result(self) -> dict[str, Any]:
        """Stop the writers and read what they did."""
        self.say("stop")
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        self.proc.wait(300)
        try:
            return json.loads(line)
        except ValueError as exc:
            raise RuntimeError(f"the writers failed: see {self.log_path}") from exc

    def __exit__(self, *exc: Any) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(20)
        self.log.close()


def deadlocks() -> int | None:
    """PostgreSQL's count of deadlocks detected in this database since its statistics were
    reset (None on SQLite, which has one writer and no deadlocks)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


def audit_check(since: int, writers: list[Writer], saved: Counter[str]) -> dict[str, Any]:
    """Events since event `since` by the writers' accounts, per object, against the writes the
    writers saw succeed; and the chain verified whole."""
    rows = (
        AuditEvent.objects.filter(pk__gt=since, actor_id__in=[w.user.pk for w in writers])
        .values_list("object_type", "object_id")
        .annotate(n=Count("pk"))
    )
    events: Counter[str] = Counter({f"{t}:{pk}": n for t, pk, n in rows})
    sealing.seal()  # what the workers' next round would seal
    report = sealing.verify()
    checked, reason = report.checked, report.problem
    return {
        "saved": sum(saved.values()),
        "events": sum(events.values()),
        "lost": sum((saved - events).values()),  # writes answered as saved without their event
        "extra": sum((events - saved).values()),  # events of writes not answered as saved
        "chain_events": checked,
        "chain_verified": not reason,
        "chain_problem": str(reason),
        "unsealed": report.unsealed,
        "gaps": report.gap_count,  # ids of writes rolled back (the import's, on PostgreSQL)
    }


class Sealer:
    """The workers' sealing round, in a thread, every AUDIT_SEAL_INTERVAL_SECONDS while a phase
    runs: its seals are part of the load. Notes the longest any round took."""

    def __init__(self) -> None:
        self.running = True
        self.seals = 0
        self.refused = 0
        self.longest = 0.0
        self.thread = threading.Thread(target=self._run, name="bench-sealer", daemon=True)

    def _run(self) -> None:
        try:
            while self.running:
                t0 = time.perf_counter()
                try:
                    if sealing.seal() is not None:
                        self.seals += 1
                except DatabaseError as exc:
                    if not is_busy(exc):
                        raise
                    self.refused += 1  # SQLite while the import writes: the next round seals it
                self.longest = max(self.longest, time.perf_counter() - t0)
                time.sleep(settings.AUDIT_SEAL_INTERVAL_SECONDS)
        finally:
            connection.close()

    def __enter__(self) -> Sealer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join()


def phase(
    name: str,
    writers: list[Writer],
    cookies: dict[int, str],
    during: Callable[[], float] | None,
    seconds: float,
) -> Figure:
    """One phase: the writers write for `seconds`, or for as long as `during` (the import) runs,
    which returns its own duration."""
    folder = Path(settings.VAR_DIR)
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    locks_before = deadlocks()
    took: float | None = None
    with (
        Server(len(writers), log=folder / "bench-server.log") as server,
        Writers(server.port, writers, cookies, folder) as client,
        Sealer() as sealer,
    ):
        if during is None:
            client.say("go")
            time.sleep(seconds)
        else:
            outcome: list[float | BaseException] = []

            def work() -> None:
                try:
                    outcome.append(during())
                except BaseException as exc:  # raised below; the thread must not die silently
                    outcome.append(exc)
                finally:
                    connection.close()

            thread = threading.Thread(target=work)
            thread.start()
            client.say("go")
            thread.join()
            if isinstance(outcome[0], BaseException):
                client.result()
                raise outcome[0]
            took = outcome[0]
        done = client.result()
    time.sleep(1)  # the server's backends have gone and reported their statistics
    locks_after = deadlocks()
    writes = [tuple(w) for r in done["writers"] for w in r["writes"]]
    kinds = Counter(outcome for _t0, _s, outcome in writes)
    saved: Counter[str] = Counter()
    for r in done["writers"]:
        saved.update(r["saved"])
    times = [s for _t0, s, _o in writes] or [0.0]
    detail: dict[str, Any] = {
        "writers": len(writers),
        "taps": sum(1 for w in writers if w.kind == "tap"),
        "edits": sum(1 for w in writers if w.kind == "edit"),
        "seconds": round(done["seconds"], 2),
        "writes": len(writes),
        "ok": kinds["ok"],
        "writes_per_s": round(kinds["ok"] / done["seconds"], 1) if done["seconds"] else 0.0,
        "max_ms": round(max(times) * 1000, 1),
        "errors": {"busy": kinds["busy"], "5xx": kinds["5xx"], "other": kinds["other"]},
        "deadlocks": None if locks_before is None or locks_after is None else locks_after - locks_before,
        "not_restored": [p for r in done["writers"] for p in r["not_restored"]],
        "problems": [p for r in done["writers"] for p in r["problems"]][:10],
        "seals": sealer.seals,
        "seals_refused": sealer.refused,
        "longest_seal_ms": round(sealer.longest * 1000, 1),
        **audit_check(since, writers, saved),
    }
    if took is not None:
        detail["import_seconds"] = round(took, 2)
    fig = Figure.of(name, times, note=_note(detail))
    fig.runs = len(writes)
    fig.detail = detail
    return fig


def _note(d: dict[str, Any]) -> str:
    errors = d["errors"]
    parts = [
        f"{d['writers']} writers, {d['seconds']:.1f} s: {d['writes_per_s']:.1f} audited writes/s",
        f"max {d['max_ms']:,.0f} ms",
        f"errors {sum(errors.values())} (busy {errors['busy']}, 5xx {errors['5xx']}, other {errors['other']})",
    ]
    if d["deadlocks"] is not None:
        parts.append(f"deadlocks {d['deadlocks']}")
    parts.append(
        f"events {d['events']} for {d['saved']} saved (lost {d['lost']}, extra {d['extra']}), "
        f"log {'verified' if d['chain_verified'] else 'BROKEN: ' + d['chain_problem']}"
        f" ({d['seals']} seals, {d['seals_refused']} rounds refused as busy, longest {d['longest_seal_ms']:,.0f} ms;"
        f" {d['gaps']} ids of rolled-back writes)"
    )
    if "import_seconds" in d:
        parts.append(f"import {d['import_seconds']:.1f} s")
    return "; ".join(parts)


def run_on(world: World, s: Settings, n: int = WRITERS) -> Iterator[Figure]:
    """Both phases: n writers on a quiet database for `s.seconds`, then during an import of
    `s.import_rows` rows."""
    writers = writers_of(world.county.org, n)
    cookies = {w.user.pk: session_headers(w.user)["Cookie"] for w in writers}
    yield phase("concurrency.writes", writers, cookies, None, s.seconds)
    data = employee_roster(s.import_rows, seed=6)
    sqlite = connection.vendor == "sqlite"

    def importing() -> float:
        t0 = time.perf_counter()
        if sqlite:  # committed, as in production, into the scratch copy (below)
            import_ours(data, world.county.org)
        else:
            with rolled_back():
                import_ours(data, world.county.org)
        return time.perf_counter() - t0

    # On SQLite a transaction rolled back at the end would hold the one write lock for the whole
    # import, which a real import does only for its short merge: there the import commits, into
    # a copy of the database thrown away afterwards (the dataset stays as it was).
    with scratch_copy() if sqlite else contextlib.nullcontext():
        busy = phase("concurrency.writes_during_import", writers, cookies, importing, s.seconds)
    busy.note = f"{s.import_rows:,} rows; {busy.note}"
    yield busy


@contextlib.contextmanager
def scratch_copy() -> Iterator[Path]:
    """This process and the servers it starts use a copy of the SQLite database for the block;
    the copy is deleted afterwards."""
    db = settings.DATABASES["default"]
    original = str(db["NAME"])
    copy = Path(original).with_name(Path(original).stem + ".scratch.sqlite3")
    connections.close_all()
    with contextlib.closing(sqlite3.connect(original)) as src, contextlib.closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
    url = os.environ.get("DATABASE_URL")
    db["NAME"] = connection.settings_dict["NAME"] = str(copy)
    os.environ["DATABASE_URL"] = f"sqlite:///{copy.resolve()}"
    try:
        yield copy
    finally:
        connections.close_all()
        db["NAME"] = connection.settings_dict["NAME"] = original
        if url is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = url
        for leftover in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            leftover.unlink(missing_ok=True)
