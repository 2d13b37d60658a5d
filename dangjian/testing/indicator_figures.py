"""Production indicators of a side of the `world`, for the API's tests: an indicator of the
enterprise's own, a stored figure, and a small scene for the effect analysis — teams with
simulated monthly figures (indicators.simulate, the demo's recipe) and the months a member took
charge of them (production.services.take_charge)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from dangjian.indicators import selectors, services, simulate
from dangjian.indicators.analysis import period_of
from dangjian.indicators.models import HEADCOUNT, PASS_RATE, Value
from dangjian.organizations.models import ProductionUnit
from dangjian.production import services as production
from dangjian.testing.factories import UnitFactory
from dangjian.testing.indicators import indicator, last_month


def figure(side, code: str = PASS_RATE, value: str = "95.5", month: dt.date | None = None, team=None) -> Value:
    """One stored figure of the side's team (or `team`)."""
    outcome = services.record_values(
        actor=None,
        enterprise=side.enterprise,
        entries=[services.Entry(indicator(code), team or side.team, month or last_month(), Decimal(value))],
    )
    return outcome.values[0]


def teams(side, n: int) -> list[ProductionUnit]:
    """The side's team and n − 1 more in its workshop."""
    extra = [
        UnitFactory(
            enterprise=side.enterprise, kind="team", name=f"{side.enterprise.name}班组{i}", parent=side.workshop
        )
        for i in range(2, n + 1)
    ]
    return [side.team, *extra]


def scene(side, starts: Sequence[int | None], *, months: int = 18, effect: float = 1.0, seed: int = 1) -> list:
    """len(starts) teams of the side with `months` months of simulated figures up to last month
    (pass rate and headcount); team i is taken in charge by the side's member at the start of
    month starts[i] (counted from the first month), or never (None)."""
    units = teams(side, len(starts))
    first = last_month(months)
    month_list = [selectors.add_months(first, i) for i in range(months)]
    periods = [period_of(m.year, m.month) for m in month_list]
    by_period = dict(zip(periods, month_list, strict=True))
    covered = {u.pk: periods[s] for u, s in zip(units, starts, strict=True) if s is not None}
    sims = simulate.figures(
        [simulate.Team(u.pk, 12 + i) for i, u in enumerate(units)], periods, covered, effect=effect, seed=seed
    )
    by_pk = {u.pk: u for u in units}
    entries = [
        services.Entry(indicator(code), by_pk[team], by_period[period], Decimal(str(value)))
        for code in (PASS_RATE, HEADCOUNT)
        for team, period, value in sims[code]
    ]
    services.record_values(actor=None, enterprise=side.enterprise, entries=entries, confirm=True)
    for unit, start in zip(units, starts, strict=True):
        if start is not None:
            production.take_charge(
                actor=None, organization=side.branch, team=unit, member=side.member, started_on=month_list[start]
            )
    return units
