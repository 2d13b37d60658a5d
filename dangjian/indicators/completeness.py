"""Reads for the figures' entry: an enterprise's teams in the order the monthly form walks them
(by workshop, then as people read the teams' numbers), one team's stored figures of a month, how
complete a month is team by team, and which of an HR's enterprises still miss last month's
figures (the to-do).

A team is complete for a month when it has a figure (not withdrawn) for every indicator the
enterprise collects per team; the enterprise-level indicators are counted on their own. Every
read here is a fixed number of statements, however many teams an enterprise has (700 in the
largest the county knows).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models import Value as V
from django.db.models.functions import Coalesce

from dangjian.access.scopes import CHANGE
from dangjian.organizations.models import Enterprise, ProductionUnit, UnitKind

from . import selectors
from .models import HEADCOUNT, Indicator, Level, Value

if TYPE_CHECKING:
    from dangjian.access.models import User

TODO_ENTERPRISES = 10  # the most enterprises one person's to-do names (an HR keeps one or two)


def ordered_teams(enterprise: Enterprise) -> QuerySet[ProductionUnit]:
    """The enterprise's teams grouped by workshop (teams of no workshop first), as the form's
    team list shows them and "Save and next team" walks them."""
    return selectors.teams_of(enterprise).order_by(
        F("parent__name_key").asc(nulls_first=True), F("parent_id").asc(nulls_first=True), "name_key", "name", "pk"
    )


def split(indicators: Sequence[Indicator]) -> tuple[list[Indicator], list[Indicator]]:
    """The indicators kept per team, and those kept for the whole enterprise."""
    return [i for i in indicators if i.level == Level.TEAM], [i for i in indicators if i.level == Level.ENTERPRISE]


def stored_for(
    enterprise: Enterprise, month: dt.date, team: ProductionUnit | None
) -> dict[tuple[int, int | None], Value]:
    """The figures one form shows: the team's and the enterprise's own of that month, by
    (indicator, team or None)."""
    where = Q(team__isnull=True) if team is None else Q(team=team) | Q(team__isnull=True)
    rows = Value.objects.filter(where, enterprise=enterprise, month=month)
    return {(v.indicator_id, v.team_id): v for v in rows}


def month_rows(
    enterprise: Enterprise, month: dt.date, required: Sequence[int], *, missing_only: bool = False
) -> QuerySet[ProductionUnit]:
    """The enterprise's teams, each with `filled`: how many of the `required` indicators it has a
    figure for that month (one statement for a page of them)."""
    filled = (
        Value.objects.filter(team=OuterRef("pk"), month=month, value__isnull=False, indicator_id__in=list(required))
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = ordered_teams(enterprise).annotate(filled=Coalesce(Subquery(filled, output_field=IntegerField()), V(0)))
    if missing_only:
        qs = qs.filter(filled__lt=len(required))
    return qs


@dataclass(frozen=True)
class MonthSummary:
    teams: int
    complete: int  # teams with every team-level figure
    started: int  # teams with at least one
    enterprise_required: int
    enterprise_filled: int

    @property
    def missing(self) -> int:
        return self.teams - self.complete


def month_summary(
    enterprise: Enterprise, month: dt.date, required: Sequence[int], enterprise_required: Sequence[int] = ()
) -> MonthSummary:
    """How far the month's figures are: teams complete and begun (one statement), and the
    enterprise-level figures stored (one more, when it collects any)."""
    totals = month_rows(enterprise, month, required).aggregate(
        teams=Count("pk"),
        complete=Count("pk", filter=Q(filled__gte=len(required))),
        started=Count("pk", filter=Q(filled__gt=0)),
    )
    filled = 0
    if enterprise_required:
        filled = Value.objects.filter(
            enterprise=enterprise,
            team__isnull=True,
            month=month,
            value__isnull=False,
            indicator_id__in=list(enterprise_required),
        ).count()
    return MonthSummary(
        teams=totals["teams"],
        complete=totals["complete"],
        started=totals["started"],
        enterprise_required=len(enterprise_required),
        enterprise_filled=filled,
    )


@dataclass(frozen=True)
class Missing:
    enterprise: Enterprise
    teams: int
    missing: int  # teams without every team-level figure


def missing_figures(user: User, month: dt.date) -> list[Missing]:
    """The enterprises whose figures the user enters where some team lacks a figure of `month`
    (at most TODO_ENTERPRISES of them), in three statements; none for someone who enters none."""
    enterprises = list(
        selectors.visible_enterprises(user, CHANGE)
        .annotate(team_count=Count("units", filter=Q(units__kind=UnitKind.TEAM)))
        .filter(team_count__gt=0)
        .order_by("name", "pk")[:TODO_ENTERPRISES]
    )
    if not enterprises:
        return []
    ids = [e.pk for e in enterprises]
    required: dict[int | None, set[int]] = defaultdict(set)
    for pk, owner in Indicator.objects.filter(
        Q(enterprise__isnull=True) | Q(enterprise_id__in=ids), archived=False, level=Level.TEAM
    ).values_list("pk", "enterprise_id"):
        required[owner].add(pk)
    complete: dict[int, int] = defaultdict(int)
    rows = (
        Value.objects.filter(
            enterprise_id__in=ids,
            month=month,
            team__isnull=False,
            value__isnull=False,
            indicator_id__in=set().union(*required.values()),
        )
        .order_by()
        .values("enterprise_id", "team_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        needed = len(required[None] | required[row["enterprise_id"]])
        if row["n"] >= needed:
            complete[row["enterprise_id"]] += 1
    found = []
    for e in enterprises:
        teams: int = e.team_count
        if complete[e.pk] < teams:
            found.append(Missing(e, teams, teams - complete[e.pk]))
    return found


def pay_hidden(value: Value, *, may_see_few: bool) -> bool:
    """Whether a team's income figure is withheld from this reader, by the rule the charts keep
    (selectors: fewer than INCOME_MIN_HEADCOUNT people that month, or no headcount stored, and a
    reader who is not the enterprise's HR). One statement, only for a pay figure of a team."""
    if not value.indicator.income or value.team_id is None or may_see_few:
        return False
    head = (
        Value.objects.filter(indicator__enterprise__isnull=True, indicator__code=HEADCOUNT, team_id=value.team_id)
        .filter(month=value.month)
        .values_list("value", flat=True)
        .first()
    )
    return selectors.pay_hidden(value.indicator, head, may_see_few)


def headcounts(
    enterprise: Enterprise, first: dt.date | None, last: dt.date | None
) -> dict[tuple[int, dt.date], Decimal]:
    """Each team's headcount by month (one statement): what decides whether its income shows."""
    qs = Value.objects.filter(
        enterprise=enterprise, indicator__enterprise__isnull=True, indicator__code=HEADCOUNT, team__isnull=False
    ).exclude(value__isnull=True)
    if first is not None:
        qs = qs.filter(month__gte=first)
    if last is not None:
        qs = qs.filter(month__lte=last)
    found: dict[tuple[int, dt.date], Decimal] = {}
    for team_id, month, value in qs.values_list("team_id", "month", "value"):
        if team_id is not None and value is not None:
            found[(team_id, month)] = value
    return found
