"""The monthly and yearly statements (Excel): per organisation of the subtree, the members
charged, due, paid, unpaid, voluntary payments (what goes to the Centre) and what was handed
upward; a month's statement adds one line per member. Written through dangjian.sheets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from dangjian.calendar import add_months
from dangjian.organizations.models import Organization
from dangjian.sheets import Workbook, download_name, labelled, titled

from . import selectors
from .models import Charge

STEM = gettext_lazy("Dues statement")


def sync_charges() -> int:
    """Above this many monthly charges a statement is written in the background, with progress."""
    return int(settings.DUES_STATEMENT_SYNC_CHARGES)


def period(year: int, month: int | None) -> tuple[dt.date, dt.date]:
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 1)
    first = dt.date(year, month, 1)
    return first, first


def size(org: Organization, first: dt.date, last: dt.date) -> int:
    return Charge.objects.filter(organization__path__startswith=org.path, month__gte=first, month__lte=last).count()


def _money(value: Decimal) -> float:
    # Excel holds numbers as doubles; two decimals of yuan are exact enough for a sum sheet and
    # the cells stay numbers a reader can add up.
    return float(value)


def workbook(
    org: Organization, year: int, month: int | None, progress: Callable[[int], None] | None = None
) -> tuple[bytes, str, int]:
    """(bytes, file name, rows written)."""
    first, last = period(year, month)
    rows = selectors.statement(org, first, last)
    total = selectors.statement_total(rows)
    when = f"{first:%Y-%m}" if month else str(year)
    book = Workbook()
    columns = labelled(
        [
            (_("party organisation"), 28),
            (_("members charged"), 10),
            (pgettext("dues", "due"), 12),
            (_("paid"), 12),
            (_("members with dues unpaid"), 12),
            (_("voluntary payments"), 12),
            (_("of which to the Central Committee"), 14),
            (_("handed upward"), 12),
        ]
    )
    lines = [
        [
            r.organization,
            r.members,
            _money(r.due),
            _money(r.paid),
            r.unpaid_members,
            _money(r.voluntary),
            _money(r.to_centre),
            _money(r.handed_up),
        ]
        for r in [*rows, total]
    ]
    lines[-1][0] = _("Total")
    count = book.table(str(STEM), columns, lines, title=titled(STEM, org.name, when), progress=progress)
    if month:
        members = (
            Charge.objects.filter(organization__path__startswith=org.path, month=first)
            .select_related("person", "organization", "payment__paid_by")
            .order_by("organization__name", "person__name")
        )
        member_cols = labelled(
            [
                (_("name"), 14),
                (_("party organisation"), 24),
                (_("category"), 14),
                (pgettext("dues", "due"), 10),
                (_("paid"), 10),
                (_("paid on"), 12),
                (_("paid on the member's behalf by"), 14),
            ]
        )
        count += book.table(
            _("Members"),
            member_cols,
            (
                [
                    c.person.name,
                    c.organization.name,
                    c.get_category_display(),
                    _money(c.due),
                    _money(c.paid),
                    c.payment.paid_on if c.payment else None,
                    c.payment.paid_by.name if c.payment and c.payment.paid_by else "",
                ]
                for c in members.iterator(chunk_size=2000)
            ),
            title=titled(STEM, org.name, when),
        )
    name = download_name(f"{STEM}-{org.name}-{when}")
    return book.close(), name, count


def months_of(year: int) -> list[dt.date]:
    return [add_months(dt.date(year, 1, 1), i) for i in range(12)]
