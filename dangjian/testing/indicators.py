"""Scenes for the indicators' tests: figures entered through the one write path, teams added to
a side, and coverage given by a member taking charge of a team."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from dangjian.indicators import selectors, services
from dangjian.indicators.models import Indicator
from dangjian.organizations.models import ProductionUnit


def indicator(code: str) -> Indicator:
    return selectors.defaults().get(code=code)


def month(year: int, m: int) -> dt.date:
    return dt.date(year, m, 1)


def enter(
    side, code: str, figures: dict[dt.date, object], *, team: ProductionUnit | None = None, actor=None, **kwargs
) -> services.Outcome:
    """Store one indicator's figures for a team (the side's own by default), month by month."""
    ind = indicator(code)
    entries = [
        services.Entry(ind, team or side.team, m, None if v is None else Decimal(str(v))) for m, v in figures.items()
    ]
    return services.record_values(actor=actor, enterprise=side.enterprise, entries=entries, **kwargs)


def months(first: dt.date, count: int) -> Sequence[dt.date]:
    return [selectors.add_months(first, i) for i in range(count)]
