"""The dues rules (中组发〔2008〕3号), pure: the default bands, which band a base falls in, the amount
due (Decimal yuan, ROUND_HALF_UP to the fen), month arithmetic, the six-month flag and "paid up
to". No database here: services and selectors hand the rows in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from dangjian.calendar import add_months

FEN = Decimal("0.01")
# A voluntary payment of this much or more goes wholly to the Central Committee (全额上缴中央).
TO_CENTRE_FROM = Decimal("1000.00")
# Months in a row unpaid (or without organisational life) that are flagged for the branch.
FLAG_MONTHS = 6
# The most months one payment may cover in advance.
MAX_ADVANCE_MONTHS = 12

# The 2008 regulations' bands, effective from their date (1 January 2008): category, base up to
# (inclusive; None: above every band), rate, fixed amount, highest fixed amount.
DEFAULT_FROM = dt.date(2008, 1, 1)
DEFAULT_BANDS: list[tuple[str, str | None, str | None, str | None, str | None]] = [
    ("employed", "3000.00", "0.005", None, None),
    ("employed", "5000.00", "0.01", None, None),
    ("employed", "10000.00", "0.015", None, None),
    ("employed", None, "0.02", None, None),
    ("retired", "5000.00", "0.005", None, None),
    ("retired", None, "0.01", None, None),
    ("farmer", None, None, "0.20", "1.00"),
    ("student", None, None, "0.20", None),
    ("unemployed", None, None, "0.20", None),
    ("relief", None, None, "0.20", None),
]
FIXED_CATEGORIES = frozenset({"farmer", "student", "unemployed", "relief"})


class Band(Protocol):
    @property
    def category(self) -> str: ...
    @property
    def effective_from(self) -> dt.date: ...
    @property
    def up_to(self) -> Decimal | None: ...
    @property
    def rate(self) -> Decimal | None: ...
    @property
    def fixed(self) -> Decimal | None: ...
    @property
    def fixed_max(self) -> Decimal | None: ...


class NoBand(LookupError):
    """No band of the category is in effect that month."""


def month_of(day: dt.date) -> dt.date:
    """The first day of the day's month: how every month is stored."""
    return dt.date(day.year, day.month, 1)


def rate_of_percent(text: str) -> Decimal:
    """The rate a percent written as the bands page shows it stands for: "0.5" or "0.5%" → 0.005.
    ValueError when it is not a number."""
    cleaned = text.strip().removesuffix("%").removesuffix("％").strip()
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value / 100


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The months from `first` to `last`, both included (first days)."""
    out: list[dt.date] = []
    month = month_of(first)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def to_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def bands_in_effect(bands: Iterable[Band], category: str, month: dt.date) -> list[Band]:
    """The category's band set in effect in `month`: the rows of its latest `effective_from` on or
    before the month, lowest band first."""
    own = [b for b in bands if b.category == category and b.effective_from <= month]
    if not own:
        return []
    latest = max(b.effective_from for b in own)
    chosen = [b for b in own if b.effective_from == latest]
    return sorted(chosen, key=lambda b: (b.up_to is None, b.up_to or Decimal(0)))


def band_for(bands: Iterable[Band], category: str, month: dt.date, base: Decimal | None) -> Band:
    """The band a base falls in: the first whose `up_to` is at or above it (3,000.00 is in the
    0.5% band, 3,000.01 in the 1% one). A fixed band takes no base."""
    chosen = bands_in_effect(bands, category, month)
    if not chosen:
        raise NoBand(category)
    for band in chosen:
        if band.up_to is None or (base is not None and base <= band.up_to):
            return band
    return chosen[-1]


def amount_due(band: Band, base: Decimal | None, chosen: Decimal | None = None) -> Decimal:
    """The monthly amount of a band: its rate of the base, to the fen (half up), or its fixed
    amount (a farmer's chosen amount when it lies within the band's range)."""
    if band.rate is not None:
        return to_fen((base or Decimal(0)) * band.rate)
    assert band.fixed is not None  # the table's check constraint: a rate or a fixed amount
    if chosen is not None and band.fixed <= chosen <= (band.fixed_max or band.fixed):
        return to_fen(chosen)
    return to_fen(band.fixed)


def after_relief(regular: Decimal, kind: str | None, amount: Decimal | None) -> Decimal:
    """The amount due once a reduction (to `amount`, never above the regular) or an exemption
    (nothing) is applied."""
    if kind == "exempt":
        return Decimal("0.00")
    if kind == "reduced" and amount is not None:
        return min(regular, to_fen(amount))
    return regular


def goes_to_centre(amount: Decimal) -> bool:
    return amount >= TO_CENTRE_FROM


@dataclass(frozen=True)
class MonthState:
    month: dt.date
    due: Decimal
    paid: Decimal

    @property
    def settled(self) -> bool:
        return self.paid >= self.due


def paid_up_to(months: Sequence[MonthState], today: dt.date) -> dt.date | None:
    """The first day of the last month paid (or exempt) with every earlier month since the first
    month the ledger charged paid or exempt too; None when that first month is not (or nothing was
    ever charged). The months before the platform kept the member's dues are not the platform's to
    judge. Months in advance count; a month never charged after the first breaks the run (nothing
    says it was paid)."""
    if not months:
        return None
    by_month = {m.month: m for m in months}
    month = min(by_month)
    last: dt.date | None = None
    limit = add_months(month_of(today), MAX_ADVANCE_MONTHS)
    while month <= limit:
        state = by_month.get(month)
        if state is None or not state.settled:
            break
        last = month
        month = add_months(month, 1)
    return last


def unpaid_run(months: Sequence[MonthState], through: dt.date) -> int:
    """How many months in a row, ending with `through`, were charged and left unpaid (an exempt
    month is settled and ends the run)."""
    by_month = {m.month: m for m in months}
    run = 0
    month = month_of(through)
    while (state := by_month.get(month)) is not None and not state.settled:
        run += 1
        month = add_months(month, -1)
    return run
