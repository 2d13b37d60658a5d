"""Calendar periods — a month, a quarter or a year — for every rule that counts by period: the
meeting frequencies of the compliance calendar (branchlife) and the political-birthday cohorts
(birthdays). Pure; no database."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTH, QUARTER, YEAR = "month", "quarter", "year"
MONTHS_PER = {MONTH: 1, QUARTER: 3, YEAR: 12}


@dataclass(frozen=True, order=True)
class Period:
    """Month `index` 1–12, quarter 1–4 or the year (index 1) of `year`."""

    year: int
    index: int
    kind: str = MONTH

    def __post_init__(self) -> None:
        if self.kind not in MONTHS_PER:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if not 1 <= self.index <= self.count:
            raise ValueError(f"{self.kind} {self.index} does not exist")
        if not dt.MINYEAR < self.year < dt.MAXYEAR:
            raise ValueError(f"year {self.year} is out of range")

    @property
    def count(self) -> int:
        """Periods of this kind in a year."""
        return 12 // MONTHS_PER[self.kind]

    @functools.cached_property
    def months(self) -> tuple[int, ...]:
        first = (self.index - 1) * MONTHS_PER[self.kind] + 1
        return tuple(range(first, first + MONTHS_PER[self.kind]))

    @functools.cached_property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.months[0], 1)

    @functools.cached_property
    def last_day(self) -> dt.date:
        last_month = self.months[-1]
        if last_month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, last_month + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind == QUARTER:
            return _("Q%(quarter)d %(year)d") % {"quarter": self.index, "year": self.year}
        return str(self.year)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first_day <= day <= self.last_day

    def next(self) -> Period:
        """The period after this one: after December (or Q4) comes January (Q1) of the next year."""
        if self.index == self.count:
            return Period(self.year + 1, 1, self.kind)
        return Period(self.year, self.index + 1, self.kind)

    def previous(self) -> Period:
        """The period before this one: before January (or Q1) comes December (Q4) of the year before."""
        if self.index == 1:
            return Period(self.year - 1, self.count, self.kind)
        return Period(self.year, self.index - 1, self.kind)


def period_of(day: dt.date, kind: str = MONTH) -> Period:
    """The period of `kind` containing `day`."""
    return Period(day.year, (day.month - 1) // MONTHS_PER[kind] + 1, kind)


@functools.lru_cache(maxsize=64)
def periods_in(year: int, kind: str) -> tuple[Period, ...]:
    """The year's periods of `kind`, in order (shared: a roll-up asks for them thousands of times)."""
    return tuple(Period(year, i, kind) for i in range(1, 12 // MONTHS_PER[kind] + 1))
