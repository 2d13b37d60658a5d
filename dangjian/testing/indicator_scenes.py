"""Production figures for the indicator pages' tests, written as the platform writes them
(indicators.services.record_values, production.services.take_charge): a side's teams with
figures by month, and a scene for the effect analysis — many teams of sides A and B with
plausible figures from indicators.simulate, some coming into a member's charge at staggered
months (or all at once)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal

from dangjian.indicators import selectors, simulate
from dangjian.indicators.analysis import period_of
from dangjian.indicators.services import Entry, record_values
from dangjian.organizations.models import Enterprise, ProductionUnit
from dangjian.production import services as production
from dangjian.testing.factories import UnitFactory
from dangjian.testing.indicators import indicator


def months_back(n: int, *, last: dt.date | None = None) -> list[dt.date]:
    """The `n` months ending with `last` (by default the month before this one)."""
    last = last or selectors.add_months(selectors.this_month(), -1)
    return selectors.months_between(selectors.add_months(last, -(n - 1)), last)


def record(
    enterprise: Enterprise, rows: Iterable[tuple[str, ProductionUnit | None, dt.date, float | int | str]]
) -> None:
    """Store figures (code, team, month, value) for the enterprise, confirmed where implausible."""
    entries = [Entry(indicator(code), team, month, Decimal(str(value))) for code, team, month, value in rows]
    record_values(actor=None, enterprise=enterprise, entries=entries, confirm=True)


def cover(side, team: ProductionUnit, on: dt.date) -> None:
    """The side's member takes charge of the team from `on`."""
    production.take_charge(actor=None, organization=side.branch, team=team, member=side.member, started_on=on)


def period_month(period: int) -> dt.date:
    return dt.date(period // 12, period % 12 + 1, 1)


def analysis_scene(
    world,
    *,
    teams_per_side: int = 15,
    months: int = 18,
    all_at_once: bool = False,
    effect: float = 1.0,
    seed: int = 7,
    codes: Sequence[str] = ("headcount", "pass_rate"),
) -> dict[int, dt.date]:
    """Sides A and B with `teams_per_side` teams each (their own team among them) and `months`
    months of figures; about half the teams come into a member's charge between a third of the
    way in and four months before the end (or every team a third of the way in, `all_at_once`).
    Returns each covered team's start."""
    rng = random.Random(seed)
    window = months_back(months)
    periods = [period_of(m.year, m.month) for m in window]
    starts: dict[int, dt.date] = {}
    for side in (world.a, world.b):
        teams = [side.team] + [
            UnitFactory(enterprise=side.enterprise, kind="team", name=f"分析班组{i}", parent=side.workshop)
            for i in range(teams_per_side - 1)
        ]
        chosen: dict[int, int] = {}
        for t in teams:
            if all_at_once:
                chosen[t.pk] = periods[months // 3]
            elif rng.random() < 0.5:
                chosen[t.pk] = periods[rng.randrange(months // 3, months - 3)]
        data = simulate.figures(
            [simulate.Team(t.pk, rng.randrange(8, 30)) for t in teams], periods, chosen, effect=effect, seed=seed
        )
        by_pk = {t.pk: t for t in teams}
        record(
            side.enterprise,
            [(code, by_pk[key], period_month(p), value) for code in codes for key, p, value in data[code]],
        )
        for key, p in chosen.items():
            day = period_month(p) + dt.timedelta(days=4)
            cover(side, by_pk[key], day)
            starts[key] = day
    return starts
