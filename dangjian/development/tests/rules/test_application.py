"""Membership development rules (dangjian/development/rules/): the application (18 and older) and the talk within a month. Pure: no database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dangjian.development import rules
from dangjian.development.rules import (
    Candidate,
    Done,
    add_years,
)

from .scene import (
    FULL,
    ME,
    ONE_DAY,
    D,
    chk,
    codes,
)

# --- application and talk --------------------------------------------------------------------


def test_talk_on_the_last_day_of_the_month_is_on_time_and_the_next_day_late():
    hist = [Done(1, D(2026, 4, 1))]
    assert rules.talk_due(hist) == D(2026, 5, 1)
    assert chk(hist, 2, D(2026, 5, 1)) == []  # day 30
    late = chk(hist, 2, D(2026, 5, 2))  # day 31
    assert codes(late) == ["talk_late"]
    assert late[0].blocking is False


def test_talk_deadline_clamps_to_the_end_of_a_short_month():
    hist = [Done(1, D(2026, 1, 31))]
    assert rules.talk_due(hist) == D(2026, 2, 28)
    assert chk(hist, 2, D(2026, 2, 28)) == []
    assert codes(chk(hist, 2, D(2026, 3, 1))) == ["talk_late"]


def test_talk_before_the_application_is_refused():
    hist = [Done(1, D(2026, 4, 10))]
    refusals = chk(hist, 2, D(2026, 4, 9))
    assert codes(refusals) == ["before_previous"]
    assert refusals[0].possible_from == D(2026, 4, 10)


def test_applicant_one_day_short_of_18_is_refused_until_the_birthday():
    young = Candidate(birth_date=D(2008, 4, 2), full_members=FULL, person_id=ME)
    refusals = chk([], 1, D(2026, 4, 1), candidate=young)  # 17 years 364 days
    assert codes(refusals) == ["age"]
    assert refusals[0].possible_from == D(2026, 4, 2)
    assert refusals[0].blocking
    assert chk([], 1, D(2026, 4, 2), candidate=young) == []  # exactly 18


def test_applicant_without_a_known_birth_date_is_not_refused_for_age():
    assert chk([], 1, D(2026, 4, 1), candidate=Candidate(birth_date=None)) == []


def test_leap_day_birth_possible_from_is_a_day_the_application_is_allowed():
    leapling = Candidate(birth_date=D(2008, 2, 29), full_members=FULL, person_id=ME)
    refusals = chk([], 1, D(2026, 2, 27), candidate=leapling)
    assert codes(refusals) == ["age"]
    day = refusals[0].possible_from
    assert chk([], 1, day, candidate=leapling) == []


@given(birth=st.dates(D(1950, 1, 1), D(2030, 12, 31)).filter(lambda d: (d.month, d.day) != (2, 29)))
def test_property_application_allowed_exactly_from_the_18th_birthday(birth):
    person = Candidate(birth_date=birth, full_members=FULL, person_id=ME)
    adult = add_years(birth, 18)
    assert adult == birth.replace(year=birth.year + 18)
    assert chk([], 1, adult, candidate=person) == []
    refusals = chk([], 1, adult - ONE_DAY, candidate=person)
    assert codes(refusals) == ["age"] and refusals[0].possible_from == adult
