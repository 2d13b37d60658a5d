"""Running a whole import: `check` (the dry run) and `apply` (prepared outside any transaction,
then merged in one short one, or nothing), each taking the rows through parse → match → validate
→ write in chunks and storing the report."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.access.permissions import may_import_into
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.organizations.models import Enterprise, Organization

from ..columns import COUNTY_KINDS, DUES_BASES, EMPLOYEES, INDICATORS
from ..models import ImportStatus, RosterImport, RowOutcome
from ..reading import Roster, RosterFileError
from . import county, figures, payroll
from .match import match_chunk
from .parse import Parsed, RowResult, parse_row
from .read import describe_columns, roster_of
from .report import fail, save_rows
from .stage import Stage, Staged, Stale, merge, stage_out
from .validate import NEW, Gate
from .write import Writer

if TYPE_CHECKING:
    from dangjian.access.models import User

CHUNK = 500
PREPARE_ATTEMPTS = 3  # a file whose records keep changing under it is prepared at most this often
ALIVE_EVERY = 5  # seconds between a check's signs of life
ALIVE_TTL = 24 * 60 * 60

ProgressFn = Callable[[int, int], None]


def alive_key(import_id: int) -> str:
    return f"rosters:alive:{import_id}"


class ImportRejected(Exception):
    """Raised inside the import's transaction when a row fails, to roll every write back."""

    def __init__(self, rejected: int) -> None:
        super().__init__(rejected)
        self.rejected = rejected


class Importer:
    """Runs rows through matching and validation; with `write=True` also through the services."""

    def __init__(
        self,
        *,
        actor: User | None,
        target: Enterprise | Organization,
        roster: Roster,
        write: bool,
        create_teams: bool,
        stage: Stage | None = None,
    ) -> None:
        self.writer = Writer(
            actor=actor, target=target, roster=roster, write=write, create_teams=create_teams, stage=stage
        )
        self.gate = Gate(actor=actor, roster=roster, write=write)
        self.actor, self.kind, self.roster, self.write, self.stage = actor, self.writer.kind, roster, write, stage

    def run(self, rows: Iterable[tuple[int, list[Any]]], progress: ProgressFn | None = None) -> Iterable[RowResult]:
        chunk: list[Parsed] = []
        done = 0
        for number, cells in rows:
            parsed = parse_row(self.roster, number, cells)
            if parsed is None:
                continue
            chunk.append(parsed)
            if len(chunk) >= CHUNK:
                yield from self._run_chunk(chunk)
                done += len(chunk)
                chunk = []
                if progress:
                    progress(done, max(self.roster.total_rows, done))
        if chunk:
            yield from self._run_chunk(chunk)
            done += len(chunk)
        if progress:
            progress(done, done)

    def _run_chunk(self, chunk: list[Parsed]) -> Iterable[RowResult]:
        match = match_chunk(self.actor, self.kind, chunk)
        if self.stage is not None:
            self.stage.matched(match)
        self.gate.start_chunk()
        for _number, values, result in chunk:
            if result.outcome != RowOutcome.REJECTED:
                person = self.gate.admit(values, result, match)
                if person is not None:
                    self._write(values, result, None if person is NEW else person, match.open_memberships)
            elif self.kind == EMPLOYEES and values.get("team") and not self.writer.create_teams:
                self.writer.team(values, self.writer.enterprise, result)  # report every problem of the row at once
            if self.stage is not None:
                self.stage.end_row(result)
            yield result

    def _write(self, values: dict[str, Any], result: RowResult, person: Any, open_memberships: dict[int, Any]) -> None:
        try:
            self.writer.person_and_membership(values, result, person, open_memberships)
        except ValidationError as exc:
            self.writer.rejected_by(exc, values, result)


def alive(imp: RosterImport, progress: ProgressFn | None) -> ProgressFn:
    """The check's progress, leaving a sign of life on the way (at most every few seconds), which
    tells a check still running from one whose process was killed (selectors.interrupted)."""
    last = [time.time()]
    cache.set(alive_key(imp.pk), last[0], ALIVE_TTL)

    def report(done: int, total: int) -> None:
        now = time.time()
        if now - last[0] >= ALIVE_EVERY:
            cache.set(alive_key(imp.pk), now, ALIVE_TTL)
            last[0] = now
        if progress is not None:
            progress(done, total)

    return report


def check(imp: RosterImport, progress: ProgressFn | None = None) -> RosterImport:
    """The dry run: every row's outcome, nothing written but the report."""
    progress = alive(imp, progress)
    imp.rows.all().delete()
    try:
        roster = roster_of(imp)
    except RosterFileError as exc:
        fail(imp, str(exc))
        return imp
    counts: dict[str, int] = {}
    results: Iterable[RowResult]
    if imp.kind == INDICATORS:
        results = figures.Sheet(enterprise=figures.enterprise_of(imp), roster=roster).checked(roster.rows, progress)
    elif imp.kind == DUES_BASES:
        results = payroll.checked(imp, roster, progress)
    elif imp.kind in COUNTY_KINDS:
        results = county.checked(imp, roster, progress)
    else:
        importer = Importer(
            actor=imp.requested_by, target=imp.target, roster=roster, write=False, create_teams=imp.create_teams
        )
        results = importer.run(roster.rows, progress)
    save_rows(imp, results, counts)
    imp.columns = describe_columns(roster)
    imp.header_row = roster.header_row
    imp.counts = counts
    imp.status = ImportStatus.CHECKED
    imp.checked_at = timezone.now()
    imp.message = "" if counts.get("rows") else _("The roster has a header row but no data rows under it.")
    imp.save(update_fields=["columns", "header_row", "counts", "status", "checked_at", "message"])
    return imp


def apply(imp: RosterImport, progress: ProgressFn | None = None) -> RosterImport:
    """Write the whole file in one short transaction, or nothing.

    The rows are prepared first, outside any transaction (`prepare`: the check's own row logic,
    planning what each row writes into a Stage); then `_merge_in_transaction` takes the write
    lock, makes sure nothing the preparation read has changed, and writes it all set-based. If
    something changed meanwhile, the file is prepared again (a few times at most). The time the
    lock was held is kept in `imp.timings` (seconds: prepare, merge) for the benchmark."""
    if not may_import_into(
        imp.requested_by,
        imp.target,
        figures=imp.kind == INDICATORS,
        dues=imp.kind == DUES_BASES,
        county=imp.kind in COUNTY_KINDS,
    ):
        fail(imp, _("You may no longer import into %(target)s.") % {"target": imp.target})
        return imp
    imp.timings = {"prepare": 0.0, "stage": 0.0, "merge": 0.0}
    try:
        if imp.kind == INDICATORS:
            _apply_figures(imp, progress)
            return imp
        if imp.kind in (DUES_BASES, *COUNTY_KINDS):
            t0 = time.perf_counter()
            _merge_payroll_in_transaction(imp)
            imp.timings["merge"] += time.perf_counter() - t0
            return imp
        for _attempt in range(PREPARE_ATTEMPTS):
            if RosterImport.objects.filter(pk=imp.pk).values_list("status", flat=True).get() != ImportStatus.CHECKED:
                imp.refresh_from_db()  # imported (or discarded) meanwhile: nothing to do
                return imp
            t0 = time.perf_counter()
            stage, total = prepare(imp, progress)
            imp.timings["prepare"] += time.perf_counter() - t0
            if stage.counts.get(RowOutcome.REJECTED):
                raise ImportRejected(stage.counts[RowOutcome.REJECTED])
            t0 = time.perf_counter()
            staged = stage_out(
                imp, stage, actor=imp.requested_by, target=imp.target, progress=_share(progress, total, total, 0.8)
            )
            imp.timings["stage"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            try:
                _merge_in_transaction(imp, stage, staged, total, progress)
                return imp
            except Stale:
                continue
            finally:
                imp.timings["merge"] += time.perf_counter() - t0
                staged.drop()
        fail(
            imp,
            _(
                "Nothing was imported: the records this file changes kept changing while it was being imported. "
                "Confirm the import again."
            ),
        )
    except ImportRejected as exc:
        # Nothing was written. The data changed since the check: check again, so the report
        # shows what stands in the way now.
        check(imp)
        fail(
            imp,
            _(
                "Nothing was imported: %(n)d rows could not be written (the records changed since the file was "
                "checked). The report below shows why; correct the file and upload it again."
            )
            % {"n": exc.rejected},
        )
    except RosterFileError as exc:
        fail(imp, str(exc))
    except Exception:
        fail(imp, _("Nothing was imported: the import stopped on an unexpected error. The database is unchanged."))
        raise
    return imp


def _apply_figures(imp: RosterImport, progress: ProgressFn | None) -> None:
    """An indicator sheet, as a roster: its rows prepared outside any transaction (parsed,
    resolved, validated), compared with the stored figures and staged through the figures' own
    write path (figures.stage), then merged in one short transaction — or, when a stored figure
    changed meanwhile, prepared again (a few times at most)."""
    for _attempt in range(PREPARE_ATTEMPTS):
        status, imp.confirmed_outside = (
            RosterImport.objects.filter(pk=imp.pk).values_list("status", "confirmed_outside").get()
        )
        if status != ImportStatus.CHECKED:
            imp.refresh_from_db()  # imported (or discarded) meanwhile: nothing to do
            return
        t0 = time.perf_counter()
        rows = figures.prepare(imp, progress)
        imp.timings["prepare"] += time.perf_counter() - t0
        rejected = sum(1 for p in rows if p.result.outcome == RowOutcome.REJECTED)
        if rejected:
            raise ImportRejected(rejected)
        t0 = time.perf_counter()
        try:
            ready = figures.stage(imp, rows, actor=imp.requested_by)
        except figures.NeedsConfirmation as exc:
            _ask_again(imp, exc.n)
            return
        finally:
            imp.timings["stage"] += time.perf_counter() - t0
        if progress is not None:
            progress(len(rows) + int(0.9 * len(rows)), 2 * len(rows))  # the write transaction begins
        t0 = time.perf_counter()
        try:
            _merge_figures_in_transaction(imp, ready)
            return
        except figures.Stale:
            continue
        finally:
            imp.timings["merge"] += time.perf_counter() - t0
            ready.staged.drop()
    fail(
        imp,
        _(
            "Nothing was imported: the records this file changes kept changing while it was being imported. "
            "Confirm the import again."
        ),
    )


def _ask_again(imp: RosterImport, n: int) -> None:
    """Nothing was written: more figures outside their range than were confirmed would have been.
    Check again, so the report marks the figures to confirm now."""
    check(imp)
    imp.confirmed_outside = 0
    imp.message = ngettext(
        "Nothing was imported: since the check, %(n)d figure to be written is outside its indicator's "
        "plausible range. The report below marks it; confirm the import again if it is right.",
        "Nothing was imported: since the check, %(n)d figures to be written are outside their indicators' "
        "plausible ranges. The report below marks them; confirm the import again if they are right.",
        n,
    ) % {"n": n}
    RosterImport.objects.filter(pk=imp.pk).update(confirmed_outside=0, message=imp.message)


@audit.write_transaction
def _merge_figures_in_transaction(imp: RosterImport, ready: figures.Ready) -> None:
    # Under the import's lock, as _merge_in_transaction: a second run of the same import waits
    # here, then finds the first one's work committed.
    status = RosterImport.objects.select_for_update().values_list("status", flat=True).get(pk=imp.pk)
    if status != ImportStatus.CHECKED:
        imp.refresh_from_db()
        return
    counts = figures.merge(imp, ready)
    imp.counts = counts
    imp.status = ImportStatus.IMPORTED
    imp.imported_at = timezone.now()
    imp.message = ""
    imp.save(update_fields=["counts", "status", "imported_at", "message"])
    audit.record(actor=imp.requested_by, action=Action.IMPORT, obj=imp, changes=imp.audit_facts(**counts))


@audit.write_transaction
def _merge_payroll_in_transaction(imp: RosterImport) -> None:
    """A payroll of dues bases, or a county's set-up file (pipeline.county): every row checked
    again and written through the services in this one transaction (ImportRejected, rolling all
    of it back, when a row fails now)."""
    status = RosterImport.objects.select_for_update().values_list("status", flat=True).get(pk=imp.pk)
    if status != ImportStatus.CHECKED:
        imp.refresh_from_db()
        return
    write = county.write if imp.kind in COUNTY_KINDS else payroll.write
    results, rejected = write(imp, roster_of(imp), actor=imp.requested_by)
    if rejected:
        raise ImportRejected(rejected)
    imp.rows.all().delete()
    counts: dict[str, int] = {}
    save_rows(imp, results, counts)
    imp.counts = counts
    imp.status = ImportStatus.IMPORTED
    imp.imported_at = timezone.now()
    imp.message = ""
    imp.save(update_fields=["counts", "status", "imported_at", "message"])
    audit.record(actor=imp.requested_by, action=Action.IMPORT, obj=imp, changes=imp.audit_facts(**counts))


def prepare(imp: RosterImport, progress: ProgressFn | None) -> tuple[Stage, int]:
    """Every row checked again and planned (nothing written): the first half of the progress."""
    roster = roster_of(imp)
    stage = Stage()
    importer = Importer(
        actor=imp.requested_by,
        target=imp.target,
        roster=roster,
        write=True,
        create_teams=imp.create_teams,
        stage=stage,
    )

    def half(done: int, total: int) -> None:
        if progress is not None:
            progress(done, 2 * total)

    for _result in importer.run(roster.rows, half):
        pass
    return stage, stage.counts.get("rows", 0)


def _share(progress: ProgressFn | None, total: int, start: int, part: float) -> Callable[[int], None] | None:
    """Progress of a step over the rows, shown as the `part` of the second half it takes."""
    if progress is None:
        return None

    def report(done: int) -> None:
        progress(start + int(done * part), 2 * total)

    return report


@audit.write_transaction
def _merge_in_transaction(
    imp: RosterImport, stage: Stage, staged: Staged, total: int, progress: ProgressFn | None
) -> None:
    # Under the write lock: a second run of the same import (confirmed again after a worker
    # died, or started twice) waits here, then finds the first one's work committed.
    status = RosterImport.objects.select_for_update().values_list("status", flat=True).get(pk=imp.pk)
    if status != ImportStatus.CHECKED:
        imp.refresh_from_db()
        return
    if progress is not None:
        progress(total + int(0.9 * total), 2 * total)  # the write transaction has begun
    merge(imp, stage, staged, actor=imp.requested_by, target=imp.target)
    counts = stage.counts
    imp.counts = counts
    imp.status = ImportStatus.IMPORTED
    imp.imported_at = timezone.now()
    imp.message = ""
    imp.save(update_fields=["counts", "status", "imported_at", "message"])
    audit.record(actor=imp.requested_by, action=Action.IMPORT, obj=imp, changes=imp.audit_facts(**counts))
