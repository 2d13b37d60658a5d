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

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from dangjian import versions
from dangjian.access import permissions
from dangjian.access.scopes import VIEW
from dangjian.organizations import selectors as orgs
from dangjian.organizations.models import Enterprise, ProductionUnit, UnitKind
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


def stored(enterprise: Enterprise, month: dt.date) -> dict[tuple[int, int | None], Value]:
    """The enterprise's stored figures of a month, by (indicator, team or None)."""
    rows = Value.objects.filter(enterprise=enterprise, month=month)
    return {(v.indicator_id, v.team_id): v for v in rows}


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


@dataclass(frozen=True)
class Point:
    """One month (or quarter) of a series: the figure, and how many teams it is made of."""

    month: dt.date
    value: float | None
    teams: int = 1
    masked: bool = False  # withheld: a pay figure of too few people


def _pay_hidden(indicator: Indicator, headcount: Decimal | float | None, may_see_few: bool) -> bool:
    return indicator.income and not may_see_few and (headcount is None or headcount < INCOME_MIN_HEADCOUNT)


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
            Point(m, None, masked=True) if _pay_hidden(ind, heads.get(m), may_see_few) else Point(m, float(v))
            for m, v in sorted(by.get(ind.pk, {}).items())
        ]
    return series


def monthly_totals(enterprise_ids: QuerySet[Any] | Iterable[int], indicator: Indicator) -> QuerySet[Any]:
    """Per month, over the teams of these enterprises (or the enterprises' own figures, for an
    enterprise-level indicator): Σ value, the count, and the headcount-weighted sums — one
    aggregate statement."""
    qs = Value.objects.filter(enterprise_id__in=enterprise_ids, indicator=indicator, value__isnull=False)
    head = headcount_indicator()
    if head is not None and indicator.level == Level.TEAM:
        heads = Value.objects.filter(indicator=head, team_id=OuterRef("team_id"), month=OuterRef("month")).values(
            "value"
        )[:1]
        qs = qs.annotate(h=Subquery(heads))
    else:
        qs = qs.annotate(h=F("value") * 0)
    return (
        qs.values("month")
        .annotate(total=Sum("value"), n=Count("pk"), hv=Sum(F("h") * F("value")), hsum=Sum("h"), hn=Count("h"))
        .order_by("month")
    )


def _combine(indicator: Indicator, total: Any, n: int, hv: Any, hsum: Any, hn: int) -> float | None:
    if not n:
        return None
    if indicator.aggregation == Aggregation.SUM:
        return float(total)
    if indicator.aggregation == Aggregation.WEIGHTED and hn == n and hsum:
        return float(hv) / float(hsum)
    return float(total) / n


def series(
    enterprise_ids: QuerySet[Any] | Iterable[int], indicator: Indicator, *, may_see_few: bool = False
) -> list[Point]:
    """The indicator's months over these enterprises' teams: summed for a sum, otherwise the mean
    weighted by the teams' headcount (a plain mean where a team's headcount is missing)."""
    points = []
    for row in monthly_totals(enterprise_ids, indicator):
        value = _combine(indicator, row["total"], row["n"], row["hv"], row["hsum"], row["hn"])
        people = float(row["hsum"]) if row["hn"] else None
        masked = _pay_hidden(indicator, people, may_see_few)
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


def covered_share(enterprise_ids: QuerySet[Any] | Iterable[int], months: Sequence[dt.date]) -> dict[dt.date, float]:
    """The share of the enterprises' teams covered by each month's end (first coverage)."""
    ids = list(enterprise_ids) if not isinstance(enterprise_ids, QuerySet) else enterprise_ids
    teams = ProductionUnit.objects.filter(enterprise_id__in=ids, kind=UnitKind.TEAM).count()
    if not teams:
        return {}
    starts = sorted(production.coverage_starts(ids).values())
    share, i = {}, 0
    for m in months:
        end = add_months(m, 1)
        while i < len(starts) and starts[i] < end:
            i += 1
        share[m] = i / teams
    return share


# --- the analysis's data -----------------------------------------------------------------------


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
