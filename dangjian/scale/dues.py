"""The dues benchmark group: the busiest branch's monthly ledger and a county's unpaid list
against the SQL they cannot avoid (the floor: the month's members and their charges; the unpaid
charges grouped by member), and a prefecture's yearly statement (the Excel a job writes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.models import Count

from dangjian.dues import selectors, statements
from dangjian.dues.models import Charge
from dangjian.organizations.models import Organization

from .bench import Figure, Settings, World, measured, peak_mb, reset_peak, time_calls


def last_month() -> dt.date | None:
    return Charge.objects.order_by("-month").values_list("month", flat=True).first()


def busiest_branch(path: str, month: dt.date) -> Organization | None:
    row = (
        Charge.objects.filter(organization__path__startswith=path, month=month)
        .values("organization_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return Organization.objects.get(pk=row["organization_id"]) if row else None


def ledger_sql(path: str, month: dt.date) -> int:
    """The ledger's rows read by hand: the month's members of the subtree with their names, their
    charge for the month, its relief and who paid it (代缴): what a ledger line shows. Returns how
    many."""
    end = month.replace(day=28) + dt.timedelta(days=4)
    end = end - dt.timedelta(days=end.day)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT m.person_id, p.name, c.due, c.paid, r.kind, y.paid_by_id, b.name
                 FROM people_membership m
                 JOIN organizations_organization o ON o.id = m.organization_id
                 JOIN people_person p ON p.id = m.person_id
                 LEFT JOIN dues_charge c ON c.person_id = m.person_id AND c.month = %s
                 LEFT JOIN dues_relief r ON r.id = c.relief_id
                 LEFT JOIN dues_payment y ON y.id = c.payment_id
                 LEFT JOIN people_person b ON b.id = y.paid_by_id
                WHERE o.path LIKE %s AND m.admitted_on <= %s AND (m.ended_on IS NULL OR m.ended_on >= %s)""",
            [month, path + "%", end, month],
        )
        return len(cursor.fetchall())


def unpaid_sql(path: str, month: dt.date) -> int:
    """The unpaid list read by hand: unpaid charges up to the month grouped by member."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.person_id, p.name, o.name, COUNT(*), MIN(c.month), SUM(c.due - c.paid)
                 FROM dues_charge c
                 JOIN organizations_organization o ON o.id = c.organization_id
                 JOIN people_person p ON p.id = c.person_id
                WHERE o.path LIKE %s AND c.month <= %s AND c.paid < c.due
                GROUP BY c.person_id, p.name, o.name
                ORDER BY MIN(c.month), p.name, c.person_id
                LIMIT 500""",
            [path + "%", month],
        )
        return len(cursor.fetchall())


def run_on(world: World, s: Settings) -> Iterator[Figure]:
    month = last_month()
    if month is None:
        yield Figure("dues", 0, 0.0, 0.0, note="not measured: the dataset has no dues", detail={})
        return
    county = world.county.org
    branch = busiest_branch(world.widest.org.path, month)
    if branch is not None:
        f = measured("sql.dues.ledger", lambda _i: ledger_sql(branch.path, month), s)
        yield f

        def ledger(_i: int) -> Any:
            rows = selectors.ledger(branch, month)
            return rows, selectors.totals(rows), selectors.is_closed(branch, month)

        fig = measured("dues.ledger", ledger, s)
        fig.floor, fig.ratio = f.scenario, fig.median_ms / f.median_ms if f.median_ms else None
        members = len(selectors.ledger(branch, month))
        fig.note, fig.detail = f"{members} members", {"members": members}
        yield fig
    f = measured("sql.dues.unpaid.county", lambda _i: unpaid_sql(county.path, month), s)
    yield f
    fig = measured("dues.unpaid.county", lambda _i: selectors.unpaid_list(county, month), s)
    fig.floor, fig.ratio = f.scenario, fig.median_ms / f.median_ms if f.median_ms else None
    rows = len(selectors.unpaid_list(county, month))
    fig.note, fig.detail = f"{rows} members listed", {"members": rows}
    yield fig
    # The widest place's yearly statement, as the background job writes it.
    place = world.widest.org
    first, last = statements.period(month.year, None)
    charges = statements.size(place, first, last)
    reset_peak()
    times = time_calls(
        lambda _i: statements.workbook(place, month.year, None), Settings(seconds=0.0, min_runs=1, max_runs=1), warmup=0
    )
    fig = Figure.of("dues.statement.year", times, peak_rss_mb=peak_mb())
    job = charges > statements.sync_charges()
    fig.note = f"{charges:,} charges → " + ("a background job" if job else "at once")
    fig.detail = {"charges": charges, "background": job}
    yield fig
