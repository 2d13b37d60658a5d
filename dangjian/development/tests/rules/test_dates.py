"""Membership development rules (dangjian/development/rules/): date arithmetic by property. Pure: no database."""

from __future__ import annotations

import calendar

from hypothesis import assume, given
from hypothesis import strategies as st

from dangjian.development.rules import (
    Candidate,
    Done,
    add_months,
    add_years,
    assessments_needed,
)

from .scene import (
    FULL,
    ME,
    ONE_DAY,
    D,
    activist_history,
    chk,
    codes,
    history,
)

# --- date arithmetic by property ---------------------------------------------------------------

DATES = st.dates(D(1900, 1, 1), D(2200, 12, 31))


@given(DATES, st.integers(0, 36))
def test_property_add_months_lands_in_the_right_month_and_clamps(d, n):
    r = add_months(d, n)
    assert r.year * 12 + r.month == d.year * 12 + d.month + n
    assert r.day <= d.day  # never later than the same day
    assert r.day >= d.day - 3  # at most 3 days earlier (31 → 28)
    assert r.day == min(d.day, calendar.monthrange(r.year, r.month)[1])
    if d.day <= 28:
        assert r.day == d.day
    assert add_years(d, n) == add_months(d, 12 * n)


@given(DATES)
def test_property_talk_on_add_months_is_never_late_and_one_day_later_always_is(application):
    hist = [Done(1, application)]
    deadline = add_months(application, 1)
    assert chk(hist, 2, deadline) == []
    late = chk(hist, 2, deadline + ONE_DAY)
    assert codes(late) == ["talk_late"] and late[0].blocking is False


@given(st.dates(D(1990, 1, 1), D(2100, 12, 31)))
def test_property_target_allowed_exactly_from_one_year_as_activist(designated):
    year = add_years(designated, 1)
    hist = activist_history(designated, [add_months(designated, 6), year - ONE_DAY])
    assert chk(hist, 7, year) == []
    refused = chk(hist, 7, year - ONE_DAY)
    assert codes(refused) == ["activist_year"]
    assert refused[0].possible_from == year


@given(st.dates(D(1990, 1, 1), D(2100, 12, 31)), st.dates(D(1990, 1, 1), D(2102, 12, 31)))
def test_property_assessments_needed_counts_complete_half_years(designated, on):
    assume(on >= designated)
    n = assessments_needed(designated, on)
    assert add_months(designated, 6 * n) <= on < add_months(designated, 6 * (n + 1))


def test_details_that_are_not_numbers_are_refused_not_crashed_on():
    assert codes(chk(history(before=11), 11, D(2025, 5, 12), {"days": "abc"})) == ["training"]
    assert "extension" in codes(chk(history(before=24), 24, D(2026, 7, 15), {"decision": "extend", "months": "six"}))
    assert codes(chk(history(before=9), 9, D(2025, 4, 14), {"sponsors": ["x", 4]})) == ["sponsors"]


def test_assessments_are_one_in_each_half_year_not_two_at_the_start():
    designated = D(2025, 1, 10)
    early = activist_history(designated, [D(2025, 1, 20), D(2025, 1, 21)])
    refused = chk(early, 7, D(2026, 1, 10))
    assert codes(refused) == ["assessments"] and "2025-07-10" in refused[0].message
    spaced = activist_history(designated, [D(2025, 7, 1), D(2026, 1, 5)])
    assert chk(spaced, 7, D(2026, 1, 10)) == []


def test_no_assessment_once_a_development_target():
    assert codes(chk(history(8), 6, D(2025, 4, 14))) == ["order"]


def test_a_29_february_birth_comes_of_age_on_1_march():
    leapling = Candidate(birth_date=D(2008, 2, 29), full_members=FULL, person_id=ME)
    refused = chk([], 1, D(2026, 2, 28), candidate=leapling)
    assert codes(refused) == ["age"] and refused[0].possible_from == D(2026, 3, 1)
    assert chk([], 1, D(2026, 3, 1), candidate=leapling) == []
