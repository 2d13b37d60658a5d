"""The calendar every rule counts with. Pure; no database.

Periods — a month, a quarter or a year — for every rule that counts by period: the meeting
frequencies of the compliance calendar (branchlife) and the political-birthday cohorts (birthdays).

Anniversaries — the 29-February rule, written once: a date returns in a later year on the same
month and day, and a 29 February on 28 February of a year without one ("one year" after 29
February 2024 is 28 February 2025; a political birthday of 29 February is celebrated on the 28th).
Counting months likewise ends on the month's last day when it is shorter. Age is the exception
the law makes: a person born on 29 February turns 18 on 1 March of a common year, the first day
`people.rules.age_on` counts 18.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MONTH, QUARTER, YEAR = "month", "quarter", "year"
MONTHS_PER = {MONTH: 1, QUARTER: 3, YEAR: 12}


class PeriodKind(models.TextChoices):
    """The kinds of `Period`, as a model field's choices (a meeting rule's "every month")."""

    MONTH = MONTH, gettext_lazy("month")
    QUARTER = QUARTER, gettext_lazy("quarter")
    YEAR = YEAR, gettext_lazy("year")


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


# --- anniversaries ------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier when negative), or the month's last day when it is
    shorter: "within one month" of 31 January ends on 28 (29) February."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later: "one year" after 29 February is 28 February of a common year."""
    return add_months(day, 12 * years)


def anniversary(day: dt.date, year: int) -> dt.date:
    """The day `day` returns in `year`: the same month and day, 28 February for a 29 February in
    a year that has none."""
    return add_years(day, year - day.year)


def anniversaries_on(day: dt.date) -> tuple[tuple[int, int], ...]:
    """The (month, day) pairs whose anniversary is `day`: its own, and 29 February as well when
    `day` is 28 February of a common year (for a query over stored dates)."""
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        return ((2, 28), (2, 29))
    return ((day.month, day.day),)


def birthday(birth: dt.date, age: int) -> dt.date:
    """The day a person born on `birth` turns `age`: for a 29 February birth in a common year,
    1 March, the first day `people.rules.age_on` counts the new age (the person page and the
    membership rules count age the same way)."""
    year = birth.year + age
    if (birth.month, birth.day) == (2, 29) and not calendar.isleap(year):
        return dt.date(year, 3, 1)
    return birth.replace(year=year)
