"""The membership development ledger (发展党员台账) as an Excel download: one row per candidacy
(selectors.ledger_rows), written by the one .xlsx writer (dangjian.sheets)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.models import Organization
from dangjian.sheets import Col, labelled, one_table, titled

from . import selectors
from .models import Candidacy

LEDGER_STEM = _("Membership development ledger")

LEDGER_COLUMNS = [
    (_("name"), 12),
    (_("gender"), 6),
    (_("ethnicity"), 8),
    (_("date of birth"), 12),
    (_("education"), 12),
    (_("employer"), 20),
    (_("post"), 12),
    (_("party organisation"), 20),
    (_("application received on"), 12),
    (_("talk on"), 12),
    (_("designated activist on"), 12),
    (_("cultivation contacts"), 16),
    (_("designated development target on"), 12),
    (_("sponsors"), 16),
    (_("political review concluded on"), 12),
    (_("training"), 14),
    (_("public notice"), 22),
    (_("admitted on (branch meeting)"), 12),
    (_("admission approved on"), 12),
    (_("oath taken on"), 12),
    (_("probation ends on"), 12),
    (_("conversion decided on"), 12),
    (_("conversion decision"), 16),
    (_("stage"), 12),
    (_("outcome"), 14),
]


def ledger_columns() -> list[Col]:
    return labelled(LEDGER_COLUMNS)


def workbook(qs: QuerySet[Candidacy], org: Organization | None) -> tuple[bytes, str, int]:
    """The ledger of `qs` as .xlsx: (bytes, file name, rows), titled with the chosen organisation."""
    title = titled(LEDGER_STEM, org.display_name if org else None)
    return one_table(LEDGER_STEM, ledger_columns(), selectors.ledger_rows(qs), title=title, today=timezone.localdate())


PIPELINE_STEM = _("Membership development by branch")


def pipeline_workbook(rows: list[selectors.PipelineRow], org: Organization) -> tuple[bytes, str, int]:
    """The pipeline page's table as .xlsx: each organisation's candidates per stage and overdue."""
    columns = labelled(
        [
            (_("party organisation"), 32),
            (_("kind"), 14),
            *((selectors.STAGE_LABELS[s], 12) for s in selectors.BOARD_STAGES),
            (_("Overdue"), 10),
        ]
    )
    body = ([r.org.display_name, r.org.get_kind_display(), *r.counts(), r.overdue] for r in rows)
    title = titled(PIPELINE_STEM, org.display_name)
    return one_table(f"{PIPELINE_STEM}-{org.display_name}", columns, body, title=title, today=timezone.localdate())
