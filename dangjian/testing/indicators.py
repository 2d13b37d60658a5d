"""Scenes for the indicators' tests: figures entered through the one write path, teams added to
a side, and coverage given by a member taking charge of a team."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from dangjian.indicators import builtin, selectors, services
from dangjian.indicators.models import Indicator
from dangjian.organizations.models import ProductionUnit


def install_defaults() -> None:
    """The six defaults, installed again where a transactional test's flush removed the migration's
    (one query when present)."""
    builtin.install(Indicator)


def indicator(code: str) -> Indicator:
    """A default indicator by its code."""
    install_defaults()
    return selectors.defaults().get(code=code)


def last_month(back: int = 1) -> dt.date:
    return selectors.add_months(selectors.this_month(), -back)


def own_indicator(side, name: str = "返工率", **spec) -> Indicator:
    """An indicator of the side's enterprise's own."""
    return services.define_indicator(
        actor=None, enterprise=side.enterprise, spec=services.IndicatorSpec(name=name, **spec)
    )


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
