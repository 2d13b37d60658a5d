"""党龄 (party age) counts whole years from conversion to full membership (DOMAIN.md §2)."""

import datetime as dt

import pytest

from dangjian.people.rules import party_age_years


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (dt.date(2016, 6, 30), None),  # not yet converted
        (dt.date(2016, 7, 1), 0),  # the conversion day itself
        (dt.date(2026, 6, 30), 9),  # the day before the tenth anniversary
        (dt.date(2026, 7, 1), 10),  # the anniversary day counts
        (dt.date(2026, 7, 2), 10),
    ],
)
def test_anniversary_day_completes_the_year(today, years):
    assert party_age_years(dt.date(2016, 7, 1), today) == years


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (dt.date(2017, 2, 28), 0),  # no 29 February in 2017: the year completes the day after
        (dt.date(2017, 3, 1), 1),
        (dt.date(2020, 2, 28), 3),
        (dt.date(2020, 2, 29), 4),  # a leap year has the day itself
        (dt.date(2021, 3, 1), 5),
    ],
)
def test_conversion_on_29_february(today, years):
    assert party_age_years(dt.date(2016, 2, 29), today) == years


def test_no_conversion_no_party_age():
    assert party_age_years(None, dt.date(2026, 1, 1)) is None
