"""Figures for the indicators' entry pages: a side's stored figure, and an indicator of its own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dangjian.indicators import services
from dangjian.indicators.models import Value
from dangjian.testing.indicators import indicator, last_month


def figure(side, code: str = "output", value: str = "1200", month: dt.date | None = None, team=None) -> Value:
    """A figure of the side's team (or `team`) stored by its manager, last month unless told."""
    outcome = services.record_values(
        actor=side.manager,
        enterprise=side.enterprise,
        entries=[services.Entry(indicator(code), team or side.team, month or last_month(), Decimal(value))],
    )
    return outcome.values[0]
