"""The default indicators every enterprise has (DOMAIN.md §5), installed by migration 0002 — and
again by the tests after a transactional test's flush has dropped them. Their names are
translated by code (models.DEFAULT_NAMES); the stored names are the Chinese ones, for exports and
for a reader of the database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

DEFAULTS = [
    # code, name, unit, direction, aggregation, decimals, plausible min, max, income
    ("output", "产量", "件", "higher", "sum", 0, "0", "200000", False),
    ("pass_rate", "质量合格率", "%", "higher", "weighted", 1, "50", "100", False),
    ("on_time", "按期交货率", "%", "higher", "weighted", 1, "30", "100", False),
    ("efficiency", "人均工时产出", "件/工时", "higher", "weighted", 2, "0", "50", False),
    ("income", "人均月收入", "元", "higher", "weighted", 0, "1000", "30000", True),
    ("headcount", "人数", "人", "higher", "mean", 0, "1", "500", False),
]


def install(Indicator: Any) -> None:  # noqa: N803 - the model class, historical in the migration
    """Create the defaults that are missing (`Indicator`: the model, or the migration's)."""
    if Indicator.objects.filter(enterprise=None).count() >= len(DEFAULTS):
        return
    for order, (code, name, unit, direction, aggregation, decimals, low, high, income) in enumerate(DEFAULTS):
        Indicator.objects.get_or_create(
            enterprise=None,
            code=code,
            defaults=dict(
                name=name,
                unit=unit,
                direction=direction,
                level="team",
                aggregation=aggregation,
                decimals=decimals,
                plausible_min=Decimal(low),
                plausible_max=Decimal(high),
                income=income,
                order=10 * (order + 1),
            ),
        )
