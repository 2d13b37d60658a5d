"""The one calendar: periods and the 29-February rule (anniversaries, "one year", coming of age)."""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from dangjian import calendar
from dangjian.calendar import PeriodKind
from dangjian.people.rules import age_on

LEAP_DAY = dt.date(2016, 2, 29)
days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
years = st.integers(min_value=1900, max_value=2150)


def test_a_29_february_returns_on_28_february_of_a_common_year():
    assert calendar.anniversary(LEAP_DAY, 2025) == dt.date(2025, 2, 28)
    assert calendar.anniversary(LEAP_DAY, 2028) == dt.date(2028, 2, 29)
    assert calendar.add_years(LEAP_DAY, 1) == dt.date(2017, 2, 28)
    assert calendar.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert calendar.add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)


def test_a_person_born_on_29_february_turns_18_on_1_march():
    assert calendar.birthday(LEAP_DAY, 18) == dt.date(2034, 3, 1)
    assert calendar.birthday(LEAP_DAY, 20) == dt.date(2036, 2, 29)
    assert calendar.birthday(dt.date(2008, 7, 1), 18) == dt.date(2026, 7, 1)


@given(days, years)
def test_an_anniversary_keeps_the_month_and_the_day_where_the_year_has_it(day, year):
    back = calendar.anniversary(day, year)
    assert back.year == year
    if (day.month, day.day) == (2, 29) and not stdlib_calendar.isleap(year):
        assert (back.month, back.day) == (2, 28)
    else:
        assert (back.month, back.day) == (day.month, day.day)


@given(days, days)
def test_the_days_a_query_matches_are_the_days_whose_anniversary_it_is(basis, day):
    matches = (basis.month, basis.day) in calendar.anniversaries_on(day)
    assert matches == (calendar.anniversary(basis, day.year) == day)


@given(days, st.integers(min_value=1, max_value=100))
def test_the_birthday_is_the_first_day_the_age_counts(birth, age):
    turns = calendar.birthday(birth, age)
    assert age_on(birth, turns) == age
    assert age_on(birth, turns - dt.timedelta(days=1)) == age - 1


@given(days, st.integers(min_value=-600, max_value=600))
def test_adding_months_lands_in_the_right_month_and_never_past_its_end(day, months):
    later = calendar.add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == min(day.day, stdlib_calendar.monthrange(later.year, later.month)[1])


@given(days, st.sampled_from(list(PeriodKind)))
def test_every_day_lies_in_its_period_and_between_its_neighbours(day, kind):
    period = calendar.period_of(day, kind)
    assert day in period
    assert period.previous().last_day + dt.timedelta(days=1) == period.first_day
    assert period.next().first_day == period.last_day + dt.timedelta(days=1)
    assert period in calendar.periods_in(day.year, kind)
