"""The meetings roll-up of a committee (every grassroots organisation under it, the furthest
behind first) as an Excel download, as the calendar page shows it (selectors.rollup), written by
the one .xlsx writer (dangjian.sheets)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.organizations.models import Organization
from dangjian.sheets import labelled, one_table, titled

from . import selectors

ROLLUP_STEM = gettext_lazy("Meetings roll-up")

ROLLUP_COLUMNS = [
    (gettext_lazy("party organisation"), 32),
    (gettext_lazy("Overdue"), 9),
    (gettext_lazy("what is overdue"), 48),
    (gettext_lazy("Due now"), 9),
    (gettext_lazy("met"), 9),
    (gettext_lazy("ended"), 9),
    (gettext_lazy("Last meeting"), 12),
]


def workbook(org: Organization, year: int, today: dt.date) -> tuple[bytes, str, int]:
    """The roll-up of `org` for `year` as .xlsx: (bytes, file name, rows)."""
    rows = (
        [
            c.org.display_name,
            len(c.overdue),
            _("; ").join(f"{r.label} {cell.span.label}" for r, cell in c.overdue),
            len(c.due_now),
            c.met,
            c.ended,
            c.last_held,
        ]
        for c in selectors.rollup(org, year, today)
    )
    title = titled(ROLLUP_STEM, org.display_name, year)
    return one_table(
        f"{ROLLUP_STEM}-{org.display_name}-{year}", labelled(ROLLUP_COLUMNS), rows, title=title, today=today
    )
