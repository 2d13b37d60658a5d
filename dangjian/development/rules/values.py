"""Reading the values a form or the API sent with a step (numbers, dates): what cannot be read
is None (or raises, for a tally), so each rule can say what is missing."""

from __future__ import annotations

import datetime as dt
from typing import Any


def as_count(value: Any) -> int:
    """A whole, non-negative number from a form or the API; anything else raises ValueError."""
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_number(value: Any) -> float | None:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return None


def as_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
