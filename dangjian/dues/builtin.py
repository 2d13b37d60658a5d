"""The 2008 regulations' rate bands (rules.DEFAULT_BANDS), installed by migration 0002 — and again
by the tests after a transactional test's flush has dropped them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import rules


def _dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def install(RateBand: Any) -> None:  # noqa: N803 - the model class, historical in the migration
    """Create the default bands that are missing (`RateBand`: the model, or the migration's)."""
    if RateBand.objects.filter(effective_from=rules.DEFAULT_FROM).count() >= len(rules.DEFAULT_BANDS):
        return
    for category, up_to, rate, fixed, fixed_max in rules.DEFAULT_BANDS:
        RateBand.objects.get_or_create(
            category=category,
            effective_from=rules.DEFAULT_FROM,
            up_to=_dec(up_to),
            defaults={"rate": _dec(rate), "fixed": _dec(fixed), "fixed_max": _dec(fixed_max)},
        )
