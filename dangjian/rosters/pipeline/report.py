"""Report: each row's outcome stored (ImportRow) and counted, in batches; or the import failed
with a message saying why."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..models import ImportRow, ImportStatus, RosterImport
from .parse import RowResult


def outcomes(
    rows: Iterable[tuple[RowResult, Any]], total: int, progress: Callable[[int, int], None] | None
) -> Iterator[RowResult]:
    """A dry run's outcomes of `rows` ((outcome, what it would write) pairs, the plans dropped),
    telling `progress` every hundred rows of about `total`, and once more at the end of these."""
    done = 0
    for result, _plan in rows:
        done += 1
        if progress is not None and done % 100 == 0:
            progress(done, max(total, done))
        yield result
    if progress is not None:
        progress(done, max(total, done))


def save_rows(imp: RosterImport, results: Iterable[RowResult], counts: dict[str, int]) -> None:
    batch: list[ImportRow] = []
    for r in results:
        outcome = str(r.outcome)
        counts[outcome] = counts.get(outcome, 0) + 1
        counts["rows"] = counts.get("rows", 0) + 1
        batch.append(
            ImportRow(
                roster_import=imp,
                row_number=r.row,
                outcome=r.outcome,
                name=r.name,
                problems=r.problems,
                notes=r.notes,
                changed=r.changed,
                person_id=r.person_id,
            )
        )
        if len(batch) >= 1000:
            ImportRow.objects.bulk_create(batch)
            batch = []
    if batch:
        ImportRow.objects.bulk_create(batch)


def fail(imp: RosterImport, message: str) -> None:
    imp.status = ImportStatus.FAILED
    imp.message = message
    RosterImport.objects.filter(pk=imp.pk).update(status=imp.status, message=message)
