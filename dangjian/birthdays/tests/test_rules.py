"""The pure date rules: anniversaries (29 February), years, cohort periods across year ends."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian import calendar as periods
from dangjian.birthdays import rules
from dangjian.calendar import MONTH, QUARTER, Period

LEAP_DAY = dt.date(2016, 2, 29)


def test_a_29_february_falls_on_28_february_in_common_years():
    assert rules.anniversary(LEAP_DAY, 2025) == dt.date(2025, 2, 28)
    assert rules.anniversary(LEAP_DAY, 2028) == dt.date(2028, 2, 29)
    assert rules.anniversary(dt.date(2015, 7, 1), 2026) == dt.date(2026, 7, 1)


def test_years_in_the_party_and_no_anniversary_in_the_first_year():
    assert rules.years_in_party(dt.date(2015, 7, 1), 2026) == 11
    assert not rules.celebrates_in(dt.date(2026, 3, 1), Period(2026, 3))
    assert rules.celebrates_in(dt.date(2025, 3, 1), Period(2026, 3))
    assert not rules.celebrates_on(dt.date(2026, 3, 1), dt.date(2026, 3, 1))


def test_celebrates_on_the_28th_for_a_leap_day_only_in_common_years():
    assert rules.celebrates_on(LEAP_DAY, dt.date(2025, 2, 28))
    assert not rules.celebrates_on(LEAP_DAY, dt.date(2024, 2, 28))
    assert rules.celebrates_on(LEAP_DAY, dt.date(2024, 2, 29))


def test_the_period_containing_a_day():
    assert periods.period_of(dt.date(2026, 11, 25)) == Period(2026, 11, MONTH)
    assert periods.period_of(dt.date(2026, 11, 25), QUARTER) == Period(2026, 4, QUARTER)
    assert periods.period_of(dt.date(2026, 1, 1), QUARTER) == Period(2026, 1, QUARTER)
    assert periods.period_of(dt.date(2026, 6, 30), QUARTER) == Period(2026, 2, QUARTER)


def test_periods_cross_year_ends_both_ways():
    assert Period(2026, 12).next() == Period(2027, 1)
    assert Period(2027, 1).previous() == Period(2026, 12)
    assert Period(2026, 4, QUARTER).next() == Period(2027, 1, QUARTER)
    assert Period(2027, 1, QUARTER).previous() == Period(2026, 4, QUARTER)
    assert Period(2026, 6).next() == Period(2026, 7)


def test_period_bounds_and_membership():
    q1 = Period(2024, 1, QUARTER)
    assert q1.months == (1, 2, 3)
    assert (q1.first_day, q1.last_day) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert Period(2024, 2).last_day == dt.date(2024, 2, 29)
    assert Period(2025, 2).last_day == dt.date(2025, 2, 28)
    assert Period(2026, 12).last_day == dt.date(2026, 12, 31)
    assert dt.date(2024, 3, 31) in q1 and dt.date(2024, 4, 1) not in q1
    assert rules.celebrates_in(LEAP_DAY, Period(2025, 1, QUARTER))


@pytest.mark.parametrize(("index", "kind"), [(0, MONTH), (13, MONTH), (5, QUARTER)])
def test_periods_that_do_not_exist_are_refused(index, kind):
    with pytest.raises(ValueError):
        Period(2026, index, kind)


def test_the_basis_is_admission_unless_the_county_chose_conversion():
    admitted, converted = dt.date(2015, 7, 1), dt.date(2016, 7, 3)
    assert rules.basis_date(admitted, converted) == admitted
    assert rules.basis_date(admitted, converted, rules.CONVERSION) == converted
    assert rules.basis_date(admitted, None, rules.CONVERSION) is None


def test_the_greeting_follows_the_language():
    config = rules.Config(message_zh="中文", message_en="English")
    assert config.message("en") == "English"
    assert config.message("zh-hans") == "中文"
    assert rules.Config(message_en="").message("en") == rules.DEFAULT_MESSAGE_EN
    assert rules.message_too_long("message_zh", "字" * 161)
    assert not rules.message_too_long("message_zh", rules.DEFAULT_MESSAGE_ZH)
