"""Exporting a list: build the file, then record who took which rows (one audit event each)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from dangjian.jobs.services import Output, record_export
from dangjian.sheets import XLSX_CONTENT_TYPE, download_name

from . import selectors
from .sheets import SHEETS, build


class ExportRefused(Exception):
    """A background export that may not run (another account's job, a refused filter)."""


def sync_limit() -> int:
    """Rows up to which a download is built in the request; above it, a background job."""
    return int(getattr(settings, "EXPORT_SYNC_ROWS", 5000))


def as_params(params: dict[str, list[str]]) -> QueryDict:
    """A job's stored filter parameters as the query the page would have sent."""
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, list(values))
    return query


if TYPE_CHECKING:
    from dangjian.access.models import User


@dataclass(frozen=True)
class ExportFile:
    name: str
    data: bytes
    rows: int
    revealed: int


def filters_of(params: QueryDict) -> dict[str, Any]:
    """The non-empty query parameters, as the audit event keeps them (the page number is not a filter)."""
    kept: dict[str, Any] = {}
    for key, values in params.lists():
        values = [v.replace("\x00", "")[:200] for v in values if v]
        if values and key != "page":
            kept[key[:50]] = values[0] if len(values) == 1 else values
    return kept


def export(
    *,
    actor: User,
    kind: str,
    queryset: QuerySet[Any],
    params: QueryDict,
    progress: Callable[[int], None] | None = None,
    job_id: int | None = None,
) -> ExportFile:
    """Write `queryset` (from selectors, for `actor`) as the `kind` sheet and record the export.
    The rows are read outside any transaction: a long export must not hold SQLite's
    write lock. With `job_id`, the file is kept on that job."""
    sheet = SHEETS[kind]
    built = build(sheet, queryset, progress)
    name = download_name(str(sheet.stem), timezone.localdate())
    exported = ExportFile(name=name, data=built.data, rows=built.rows, revealed=built.revealed)
    output = Output.of(name, built.data, XLSX_CONTENT_TYPE) if job_id is not None else None
    record_export(
        actor=actor,
        object_type=f"exports.{kind}",
        name=name,
        changes={"rows": built.rows, "revealed": built.revealed, "filters": filters_of(params)},
        org_path=selectors.covering_org_path(actor, sheet.resource),
        job_id=job_id,
        output=output,
    )
    return exported
