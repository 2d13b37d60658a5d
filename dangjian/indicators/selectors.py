"""Reads of production indicators: the definitions an enterprise collects, its figures by month
and quarter for a team, an enterprise or a committee's enterprises, and the data the effect
analysis (analysis.py) compares.

Scope: callers pass enterprises the user may read (visible_enterprises, access.permissions);
a team's average income is masked where the team is too small for an average to hide one
person's pay, unless the reader is the enterprise's own HR (`mask_pay`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from dangjian import prepared, versions
from dangjian.access import permissions, scopes
from dangjian.access.scopes import CHANGE, VIEW
from dangjian.organizations import selectors as orgs
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit, UnitKind
from dangjian.production import selectors as production

from .analysis import Observation, period_of
from .models import HEADCOUNT, INCOME_MIN_HEADCOUNT, Aggregation, Indicator, Level, Revision, Value

if TYPE_CHECKING:
    from dangjian.access.models import User


# --- months and quarters ---------------------------------------------------------------------


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def quarter_of(month: dt.date) -> tuple[int, int]:
    return month.year, (month.month - 1) // 3 + 1


def quarter_label(quarter: tuple[int, int]) -> str:
    return f"{quarter[0]} Q{quarter[1]}"


# --- definitions -----------------------------------------------------------------------------


def indicators_of(enterprise: Enterprise | None, *, archived: bool = False) -> QuerySet[Indicator]:
    """The defaults and (for an enterprise) its own indicators, in their order."""
    q = Q(enterprise__isnull=True)
    if enterprise is not None:
        q |= Q(enterprise=enterprise)
    qs = Indicator.objects.filter(q)
    return qs if archived else qs.filter(archived=False)


def defaults() -> QuerySet[Indicator]:
    return Indicator.objects.filter(enterprise__isnull=True)


def headcount_indicator() -> Indicator | None:
    return defaults().filter(code=HEADCOUNT).first()


def indicator_of(enterprise: Enterprise | None, pk: int) -> Indicator | None:
    """An indicator the enterprise collects (or a default, for a committee), by its key."""
    return indicators_of(enterprise, archived=True).filter(pk=pk).first()


def visible_enterprises(user: User, action: str = VIEW) -> QuerySet[Enterprise]:
    """The enterprises whose figures the user reads (VIEW) or enters (CHANGE)."""
    return orgs.enterprises_where(permissions.indicator_enterprises_q(user, action))


def teams_of(enterprise: Enterprise) -> QuerySet[ProductionUnit]:
    return ProductionUnit.objects.filter(enterprise=enterprise, kind=UnitKind.TEAM).select_related("parent")


# --- figures ---------------------------------------------------------------------------------


def stored_figures(
    enterprise: Enterprise,
    *,
    indicator_ids: Iterable[int],
    months: Iterable[dt.date],
    team_ids: Iterable[int] | None = None,
) -> dict[tuple[int, int | None, dt.date], Decimal | None]:
    """The enterprise's stored figures (None: withdrawn) of these indicators and months, by
    (indicator, team or None, month): what an import's check compares its rows with. `team_ids`
    narrows it to those teams (through the figures' unique index, not every team's figures of
    those months) and the enterprise's own figures: two statements."""
    wanted = {"indicator_id__in": list(indicator_ids), "month__in": list(months)}
    if team_ids is None:
        queries = [Value.objects.filter(enterprise=enterprise, **wanted)]
    else:
        queries = [
            Value.objects.filter(team_id__in=list(team_ids), team__enterprise=enterprise, **wanted),
            Value.objects.filter(enterprise=enterprise, team__isnull=True, **wanted),
        ]
    return {
        (i, t, m): v
        for qs in queries
        for i, t, m, v in qs.values_list("indicator_id", "team_id", "month", "value").iterator(chunk_size=5000)
    }


def revisions_of(value: Value) -> QuerySet[Revision]:
    return value.revisions.select_related("changed_by")


def values_of(
    enterprises: QuerySet[Any] | Iterable[int],
    *,
    indicators: Sequence[Indicator] = (),
    first: dt.date | None = None,
    last: dt.date | None = None,
    team: ProductionUnit | None = None,
) -> QuerySet[Value]:
    """Stored figures (withdrawn ones left out) of these enterprises: for the export and the API."""
    qs = Value.objects.filter(enterprise_id__in=enterprises, value__isnull=False)
    if indicators:
        qs = qs.filter(indicator__in=indicators)
    if first is not None:
        qs = qs.filter(month__gte=first)
    if last is not None:
        qs = qs.filter(month__lte=last)
    if team is not None:
        qs = qs.filter(team=team)
    return qs.select_related("indicator", "team", "enterprise").order_by(
        "enterprise_id", "team_id", "indicator__order", "month"
    )


def pay_readers(user: User) -> list[int] | None:
    """The enterprises whose small teams' pay the caller reads (None: every enterprise's). Only
    an enterprise's HR may (permissions.may_see_pay_of_few); they are among those who enter its
    figures, so only those enterprises are asked about."""
    if permissions.indicator_enterprises_q(user, CHANGE) is None:
        return None
    return [e.pk for e in visible_enterprises(user, CHANGE) if permissions.may_see_pay_of_few(user, e)]


def without_pay_of_few(user: User, qs: QuerySet[Value]) -> QuerySet[Value]:
    """`qs` without the pay figures an average cannot hide one person's pay in: a team's of a
    month when its headcount that month is below INCOME_MIN_HEADCOUNT or not known — unless the
    caller is the enterprise's HR (an enterprise's own figure averages the whole enterprise and
    stays, as pay_hidden says)."""
    readers = pay_readers(user)
    if readers is None:
        return qs
    head = headcount_indicator()
    shown = Q(indicator__income=False) | Q(enterprise_id__in=readers) | Q(team__isnull=True)
    if head is None:
        return qs.filter(shown)
    team_head = Value.objects.filter(
        indicator=head, team_id=OuterRef("team_id"), month=OuterRef("month"), value__isnull=False
    ).values("value")[:1]
    return qs.annotate(people=Subquery(team_head)).filter(shown | Q(people__gte=INCOME_MIN_HEADCOUNT))


@dataclass(frozen=True)
class Point:
    """One month (or quarter) of a series: the figure, and how many teams it is made of."""

    month: dt.date
    value: float | None
    teams: int = 1
    masked: bool = False  # withheld: a pay figure of too few people


def _pay_floor(indicator: Indicator, may_see_few: bool) -> int | None:
    """The fewest people a team must have had for its pay to count in an average shown to this
    reader (None: every team's)."""
    return INCOME_MIN_HEADCOUNT if indicator.income and indicator.level == Level.TEAM and not may_see_few else None


def pay_hidden(indicator: Indicator, headcount: Decimal | float | None, may_see_few: bool) -> bool:
    # An enterprise's own figure (not a team's) averages the whole enterprise: never one person's.
    return (
        indicator.income
        and indicator.level == Level.TEAM
        and not may_see_few
        and (headcount is None or headcount < INCOME_MIN_HEADCOUNT)
    )


def team_series(team: ProductionUnit, indicators: Sequence[Indicator], *, may_see_few: bool) -> dict[int, list[Point]]:
    """Each indicator's months for one team, in order (one query)."""
    wanted = [i.pk for i in indicators]
    head = headcount_indicator()
    rows = Value.objects.filter(team=team, value__isnull=False, indicator_id__in=[*wanted, head.pk if head else 0])
    by: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for ind_id, month, value in rows.values_list("indicator_id", "month", "value"):
        if value is not None:
            by[ind_id][month] = value
    heads = by.get(head.pk, {}) if head is not None else {}
    series: dict[int, list[Point]] = {}
    for ind in indicators:
        series[ind.pk] = [
            Point(m, None, masked=True) if pay_hidden(ind, heads.get(m), may_see_few) else Point(m, float(v))
            for m, v in sorted(by.get(ind.pk, {}).items())
        ]
    return series


def monthly_totals(
    enterprise_ids: QuerySet[Any] | Iterable[int], indicator: Indicator, *, may_see_few: bool = False
) -> list[dict[str, Any]]:
    """Per month, over the teams of these enterprises (or the enterprises' own figures, for an
    enterprise-level indicator): Σ value, the count, and the headcount-weighted sums — one
    aggregate statement. A team-level pay average leaves out, unless `may_see_few`, the teams of
    fewer than INCOME_MIN_HEADCOUNT people (or of no known headcount) that month."""
    rows = _with_headcounts(enterprise_ids, [indicator.pk], ["month"], min_people=_pay_floor(indicator, may_see_few))
    keys = ("month", "total", "n", "hv", "hsum", "hn")
    out = [dict(zip(keys, row, strict=True)) for row in rows]
    for row in out:
        row["month"] = prepared.as_date(row["month"])  # SQLite hands a grouped date back as text
        if indicator.level != Level.TEAM:
            row["hv"], row["hsum"], row["hn"] = 0, 0, 0
    return out


def _with_headcounts(
    enterprise_ids: QuerySet[Any] | Iterable[int],
    indicator_ids: Sequence[int],
    group: Sequence[str],
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    min_people: int | None = None,
    head: Indicator | None = None,
) -> list[tuple[Any, ...]]:
    """Grouped by `group` (columns of the figures), the figures' Σ value, count, Σ headcount ×
    value, Σ headcount and how many had a headcount — each team's headcount of the month joined
    once through the figures' unique index (the ORM's subquery annotation repeats the look-up for
    each aggregate that uses it: three times, 10.6 ms against 4.6 ms for an enterprise's month).
    With `min_people`, the sums count only the figures of teams that had at least that many people
    that month (a pay average over all teams would otherwise give away a small team's pay beside
    the others'); a month of none keeps its row with nothing counted.
    Every value is passed as a parameter. `head`: the headcount indicator, if the caller has it."""
    head = head or headcount_indicator()
    if isinstance(enterprise_ids, QuerySet):
        ents_sql, ents_params = enterprise_ids.values("pk").query.sql_with_params()
    else:
        ids = list(enterprise_ids) or [0]
        ents_sql, ents_params = ", ".join(["%s"] * len(ids)), tuple(ids)
    columns = ", ".join(f"v.{c}" for c in group)
    where = [f"v.enterprise_id IN ({ents_sql})", f"v.indicator_id IN ({', '.join(['%s'] * len(indicator_ids))})"]
    params: list[Any] = [head.pk if head is not None else 0, *ents_params, *indicator_ids]
    where.append("v.value IS NOT NULL")
    if first is not None:
        where.append("v.month >= %s")
        params.append(first)
    if last is not None:
        where.append("v.month <= %s")
        params.append(last)
    table = connection.ops.quote_name(Value._meta.db_table)
    if min_people is None:
        sums = "SUM(v.value), COUNT(*), SUM(v.value * h.value), SUM(h.value), COUNT(h.value)"
    else:  # the month stays, counted only over the teams large enough (none: withheld)
        big = f"h.value >= {int(min_people)}"
        sums = (
            f"SUM(CASE WHEN {big} THEN v.value END), COUNT(CASE WHEN {big} THEN 1 END), "
            f"SUM(CASE WHEN {big} THEN v.value * h.value END), SUM(CASE WHEN {big} THEN h.value END), "
            f"COUNT(CASE WHEN {big} THEN h.value END)"
        )
    sql = (
        f"SELECT {columns}, {sums} "
        f"FROM {table} v LEFT JOIN {table} h ON h.indicator_id = %s AND h.team_id = v.team_id "
        f"AND h.month = v.month AND h.value IS NOT NULL "
        f"WHERE {' AND '.join(where)} GROUP BY {columns} ORDER BY {columns}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _combine(indicator: Indicator, total: Any, n: int, hv: Any, hsum: Any, hn: int) -> float | None:
    if not n:
        return None
    if indicator.aggregation == Aggregation.SUM or indicator.code == HEADCOUNT:
        return float(total)  # the teams' output, or their people, add up (a quarter's headcount is a mean)
    if indicator.aggregation == Aggregation.WEIGHTED and hn == n and hsum:
        return float(hv) / float(hsum)
    return float(total) / n


def series(
    enterprise_ids: QuerySet[Any] | Iterable[int], indicator: Indicator, *, may_see_few: bool = False
) -> list[Point]:
    """The indicator's months over these enterprises' teams: summed for a sum (and the headcount),
    otherwise the mean weighted by the teams' headcount (a plain mean where a team's headcount is
    missing)."""
    points = []
    for row in monthly_totals(enterprise_ids, indicator, may_see_few=may_see_few):
        value = _combine(indicator, row["total"], row["n"], row["hv"], row["hsum"], row["hn"])
        people = float(row["hsum"]) if row["hn"] else None
        masked = pay_hidden(indicator, people, may_see_few)
        points.append(Point(row["month"], None if masked else value, teams=row["n"], masked=masked))
    return points


def quarters(indicator: Indicator, points: Sequence[Point]) -> list[tuple[tuple[int, int], float | None, int]]:
    """The series by quarter, (year, quarter) → figure, months behind it: a sum's months summed,
    anything else their mean (months withheld stay withheld)."""
    grouped: dict[tuple[int, int], list[Point]] = defaultdict(list)
    for p in points:
        grouped[quarter_of(p.month)].append(p)
    out: list[tuple[tuple[int, int], float | None, int]] = []
    for quarter, months in sorted(grouped.items()):
        known = [p.value for p in months if p.value is not None]
        if not known or any(p.masked for p in months):
            out.append((quarter, None, len(months)))
            continue
        figure = sum(known) if indicator.aggregation == Aggregation.SUM else sum(known) / len(known)
        out.append((quarter, figure, len(months)))
    return out


def coverage_of(enterprise: Enterprise) -> dict[int, dt.date]:
    """When each team of the enterprise was first in a member's charge (production)."""
    return production.coverage_starts([enterprise.pk])


def coverage_period(start: dt.date) -> int:
    """The month a team counts as covered from: the month of its start, or the next month when
    it started after the 15th (most of its first month was not covered)."""
    month = start if start.day <= 15 else add_months(start.replace(day=1), 1)
    return period_of(month.year, month.month)


def analysis_panel(
    enterprise_ids: QuerySet[Any] | Iterable[int], indicator: Indicator
) -> tuple[list[Observation], dict[int, int]]:
    """The teams' figures of one indicator and each team's first covered month (analysis.estimate's
    input), in two statements."""
    rows = Value.objects.filter(
        enterprise_id__in=enterprise_ids, indicator=indicator, team__isnull=False, value__isnull=False
    ).values_list("team_id", "month", "value")
    observations = [
        Observation(team, period_of(m.year, m.month), float(v)) for team, m, v in rows.iterator(2000) if v is not None
    ]
    starts = {team: coverage_period(day) for team, day in production.coverage_starts(enterprise_ids).items()}
    return observations, starts


def data_version() -> str | None:
    """A token that changes after any write to the figures or the teams' coverage (None: keep
    nothing now)."""
    figures, coverage = versions.current("indicators"), versions.current(production.COVERAGE_VERSION)
    return None if figures is None or coverage is None else f"{figures}.{coverage}"


# --- the charts' and the committees' roll-up's reads (views_charts, rollups) ---------------------


def readable_orgs(user: User) -> QuerySet[Organization]:
    """The organisations whose enterprises' figures the user reads as a body (a committee's
    roll-up, an analysis over an organisation): their organisation department's or committee's
    subtree, an enterprise role's party organisation. The enterprises read under one are still
    only those of `visible_enterprises`."""
    q = scopes.anchor_orgs_q(user, scopes.INDICATOR, VIEW)
    return orgs.all_orgs() if q is None else orgs.orgs_where(q)


def visible_under(user: User, org: Organization) -> QuerySet[Enterprise]:
    """The enterprises under `org` (supervised or covered by its subtree) whose figures the user reads."""
    return visible_enterprises(user).filter(pk__in=orgs.enterprises_under(org.path))


def team_in_scope(user: User, pk: int) -> ProductionUnit | None:
    """A production team of an enterprise whose figures the user reads, with its enterprise."""
    return (
        ProductionUnit.objects.filter(pk=pk, kind=UnitKind.TEAM, enterprise__in=visible_enterprises(user))
        .select_related("enterprise", "parent")
        .first()
    )


@dataclass(frozen=True)
class Parts:
    """A month's figure of some teams in parts that add up across teams and enterprises: Σ value,
    how many, Σ headcount × value, Σ headcount and how many had a headcount (monthly_totals' columns)."""

    total: float = 0.0
    n: int = 0
    hv: float = 0.0
    hsum: float = 0.0
    hn: int = 0

    def __add__(self, other: Parts) -> Parts:
        return Parts(
            self.total + other.total,
            self.n + other.n,
            self.hv + other.hv,
            self.hsum + other.hsum,
            self.hn + other.hn,
        )


def figure_of(indicator: Indicator, parts: Parts | None, month: dt.date, *, may_see_few: bool) -> Point:
    """The month's figure made of its parts, as `series` makes it (masked as it masks)."""
    if parts is None or not parts.n:
        return Point(month, None, teams=0)
    value = _combine(indicator, parts.total, parts.n, parts.hv, parts.hsum, parts.hn)
    masked = pay_hidden(indicator, parts.hsum if parts.hn else None, may_see_few)
    return Point(month, None if masked else value, teams=parts.n, masked=masked)


def _weighs(indicator: Indicator) -> bool:
    """Whether a month's figure needs its teams' headcounts: a headcount-weighted mean, or pay
    (withheld for too few people)."""
    return indicator.level == Level.TEAM and (indicator.aggregation == Aggregation.WEIGHTED or indicator.income)


def parts_by_enterprise(
    enterprise_ids: QuerySet[Any] | Iterable[int], indicators: Sequence[Indicator], first: dt.date, last: dt.date
) -> dict[tuple[int, int, dt.date], Parts]:
    """(indicator, enterprise, month) → the month's parts, for many indicators at once, whatever
    the number of enterprises: one grouped statement for the sums and plain means, one for the
    figures weighed by headcount (each team's headcount of the month looked up through the unique
    index: the cost of a row, so only where it is needed). Grouped by enterprise as the index
    runs (enterprise, indicator, month); a caller wanting months sums the enterprises' parts."""
    out: dict[tuple[int, int, dt.date], Parts] = {}
    plain = [i.pk for i in indicators if not _weighs(i)]
    weighed = [i.pk for i in indicators if _weighs(i)]
    for wanted, weigh in ((plain, False), (weighed, True)):
        if not wanted:
            continue
        qs = Value.objects.filter(
            enterprise_id__in=enterprise_ids,
            indicator__in=wanted,
            value__isnull=False,
            month__gte=first,
            month__lte=last,
        ).order_by()
        if weigh:
            # A committee's roll-up: pay averages leave out the teams too small to average (as
            # monthly_totals does for a reader outside the enterprise's HR).
            pay = {i.pk for i in indicators if i.income}
            head = headcount_indicator()
            rows = [
                row
                for ids, floor in ((sorted(set(wanted) - pay), None), (sorted(set(wanted) & pay), INCOME_MIN_HEADCOUNT))
                if ids
                for row in _with_headcounts(
                    enterprise_ids,
                    ids,
                    ["indicator_id", "enterprise_id", "month"],
                    first=first,
                    last=last,
                    min_people=floor,
                    head=head,
                )
            ]
            for ind, ent, month, total, n, hv, hsum, hn in rows:
                day = prepared.as_date(month)  # SQLite hands a grouped date back as text
                assert day is not None  # a figure's month is never empty
                month = day
                out[(ind, ent, month)] = Parts(float(total or 0), n, float(hv or 0), float(hsum or 0), hn)
        else:
            sums = (
                qs.values("indicator_id", "enterprise_id", "month")
                .annotate(total=Sum("value"), n=Count("pk"))
                .values_list("indicator_id", "enterprise_id", "month", "total", "n")
            )
            for ind, ent, month, total, n in sums:
                out[(ind, ent, month)] = Parts(float(total or 0), n)
    return out


def teams_and_coverage(
    enterprise_ids: QuerySet[Any] | Iterable[int],
) -> tuple[dict[int, int], dict[int, list[dt.date]]]:
    """How many production teams each enterprise has, and its teams' first days in a member's
    charge in order: two statements (the teams with their enterprise, the coverage starts)."""
    owners = dict(
        ProductionUnit.objects.filter(enterprise_id__in=enterprise_ids, kind=UnitKind.TEAM).values_list(
            "pk", "enterprise_id"
        )
    )
    teams: dict[int, int] = defaultdict(int)
    for enterprise in owners.values():
        teams[enterprise] += 1
    starts: dict[int, list[dt.date]] = defaultdict(list)
    for team, day in production.coverage_starts(enterprise_ids).items():
        if team in owners:
            starts[owners[team]].append(day)
    for days in starts.values():
        days.sort()
    return dict(teams), dict(starts)


def reporting_by_enterprise(
    enterprise_ids: QuerySet[Any] | Iterable[int], first: dt.date, last: dt.date
) -> dict[int, int]:
    """How many of each enterprise's teams have any figure in these months (one grouped count)."""
    rows = (
        Value.objects.filter(
            enterprise_id__in=enterprise_ids, team__isnull=False, value__isnull=False, month__gte=first, month__lte=last
        )
        .order_by()
        .values("enterprise_id")
        .annotate(n=Count("team_id", distinct=True))
        .values_list("enterprise_id", "n")
    )
    return dict(rows)


def team_figures(
    enterprise: Enterprise, indicator: Indicator, month: dt.date, *, may_see_few: bool
) -> dict[int, Point]:
    """Each team's figure of one month (a pay figure of too few people masked): one statement."""
    head = headcount_indicator()
    wanted = [indicator.pk, head.pk if head else 0]
    rows = Value.objects.filter(
        enterprise=enterprise, indicator_id__in=wanted, month=month, team__isnull=False, value__isnull=False
    ).values_list("indicator_id", "team_id", "value")
    values: dict[int, Decimal] = {}
    heads: dict[int, Decimal] = {}
    for ind, team, value in rows:
        if value is None:
            continue
        if ind == indicator.pk:
            values[team] = value
        if head is not None and ind == head.pk:
            heads[team] = value
    return {
        team: Point(month, None, masked=True)
        if pay_hidden(indicator, heads.get(team), may_see_few)
        else Point(month, float(value))
        for team, value in values.items()
    }
