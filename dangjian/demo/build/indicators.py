"""The teams' monthly production figures (DOMAIN.md §5): two years of the six default indicators
for every production team of the demo — the garment company's 26 and those of the county's other
enterprises and of the two other counties — ending with the last complete month.

The figures come from `indicators.simulate.figures`, the recipe the generator and the analysis's
tests use too: a season (Q2 busy: "various indicators improved steadily in the second quarter"),
noise, and a moderate effect of coverage from the month each team came into a member's charge
(production's charges, already written: the garment company's teams at the branch's founding,
the county's other teams on their own dates, some never). So the county's comparison of covered
with not-yet-covered teams finds a real, moderate difference with an honest interval, and the
garment company alone — every team covered at once — has no comparison group, as the analysis
says. A household's saving (the income-model couple's 40,000 yuan) is no indicator: it appears
only in the pacesetter round's evidence (demo.build.selections).

Stored through `indicators.services.record_values` (actor None, an audit event per figure, like
the rest of the demo), one enterprise at a time; then a few garment figures are corrected with a
reason and one figure outside its plausible range is confirmed (demo.data.indicators). The
simulator's stream is its own (a fixed seed), so every other name and date of the demo stays as
it was.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count

from dangjian.demo.build.base import Builder
from dangjian.demo.data.indicators import CORRECTIONS, MONTHS, OUT_OF_RANGE, SIMULATION_SEED
from dangjian.indicators import selectors, services, simulate
from dangjian.indicators.analysis import period_of
from dangjian.indicators.models import Indicator
from dangjian.indicators.services import Entry
from dangjian.organizations.models import Enterprise, ProductionUnit, UnitKind
from dangjian.people.models import Person
from dangjian.production import selectors as production


def last_complete_month(today: dt.date) -> dt.date:
    return selectors.add_months(today.replace(day=1), -1)


def demo_months(today: dt.date) -> list[dt.date]:
    """The months with figures: MONTHS of them, ending with the last complete month."""
    last = last_complete_month(today)
    return selectors.months_between(selectors.add_months(last, 1 - MONTHS), last)


def _figure(value: float) -> Decimal:
    return Decimal(str(value))


def build_indicators(b: Builder) -> None:
    assert b.garment is not None
    months = demo_months(b.today)
    periods = [period_of(m.year, m.month) for m in months]
    month_of = dict(zip(periods, months, strict=True))
    teams = list(ProductionUnit.objects.filter(kind=UnitKind.TEAM).order_by("enterprise_id", "pk"))
    sizes = dict(Person.objects.filter(team__in=teams).values_list("team").annotate(n=Count("pk")))
    enterprise_ids = sorted({t.enterprise_id for t in teams})
    # A team counts as covered from the month analysis_panel will count it from.
    starts = {team: selectors.coverage_period(day) for team, day in production.coverage_starts(enterprise_ids).items()}
    figures = simulate.figures(
        [simulate.Team(t.pk, max(sizes.get(t.pk, 0), 3)) for t in teams],
        periods,
        starts,
        seed=SIMULATION_SEED,
    )
    indicators: dict[str, Indicator] = {i.code: i for i in selectors.defaults()}
    by_pk = {t.pk: t for t in teams}
    garment_team = {t.name: t for t in teams if t.enterprise_id == b.garment.pk}
    last = months[-1]

    def cell(team_name: str, code: str, months_back: int) -> tuple[int, int, dt.date]:
        return indicators[code].pk, garment_team[team_name].pk, selectors.add_months(last, -months_back)

    corrected = {cell(c.team, c.code, c.months_back): c for c in CORRECTIONS}
    odd = cell(OUT_OF_RANGE.team, OUT_OF_RANGE.code, OUT_OF_RANGE.months_back)
    per_enterprise: dict[int, list[Entry]] = defaultdict(list)
    truth: dict[tuple[int, int, dt.date], Decimal] = {}
    for code, rows in figures.items():
        indicator = indicators[code]
        for team_pk, period, value in rows:
            team, month = by_pk[team_pk], month_of[period]
            key = (indicator.pk, team_pk, month)
            if key == odd:
                continue  # entered on its own, confirmed (below)
            figure = _figure(value)
            if key in corrected:
                truth[key] = figure
                figure += corrected[key].entered_off
            per_enterprise[team.enterprise_id].append(Entry(indicator, team, month, figure))
    enterprises = Enterprise.objects.in_bulk(enterprise_ids)
    for pk in enterprise_ids:
        services.record_values(actor=None, enterprise=enterprises[pk], entries=per_enterprise[pk])
    for key, correction in corrected.items():
        _indicator_pk, team_pk, month = key
        entry = Entry(indicators[correction.code], by_pk[team_pk], month, truth[key])
        services.record_values(actor=None, enterprise=b.garment, entries=[entry], reason=correction.reason)
    _indicator_pk, team_pk, month = odd
    entry = Entry(indicators[OUT_OF_RANGE.code], by_pk[team_pk], month, OUT_OF_RANGE.value)
    services.record_values(actor=None, enterprise=b.garment, entries=[entry], confirm=True)
