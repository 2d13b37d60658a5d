"""Figures for the indicators' entry pages: a side's stored figure, and an indicator of its own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dangjian.indicators import builtin, selectors, services
from dangjian.indicators.models import Indicator, Value
from dangjian.testing.indicators import indicator


def last_month() -> dt.date:
    return selectors.add_months(selectors.this_month(), -1)


def ensure_defaults() -> None:
    """The six defaults, installed again where a transactional test's flush removed the migration's."""
    builtin.install(Indicator)


def default(code: str) -> Indicator:
    ensure_defaults()
    return indicator(code)


def figure(side, code: str = "output", value: str = "1200", month: dt.date | None = None, team=None) -> Value:
    """A figure of the side's team (or `team`) stored by its manager, last month unless told."""
    outcome = services.record_values(
        actor=side.manager,
        enterprise=side.enterprise,
        entries=[services.Entry(default(code), team or side.team, month or last_month(), Decimal(value))],
    )
    return outcome.values[0]


def own_indicator(side, name: str = "返工率", **spec) -> Indicator:
    return services.define_indicator(
        actor=side.manager,
        enterprise=side.enterprise,
        spec=services.IndicatorSpec(name=name, unit="%", **spec),
    )
