"""How often an instructor must visit, and whether they kept to it: the rule the county's table
of who is behind, the instructor's to-do and the roll-ups read."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from dangjian.calendar import MONTH, QUARTER, YEAR, period_of
from dangjian.guidance.rules import cadence

D = dt.date


def test_a_quarter_without_a_visit_is_missed_and_the_current_one_is_due():
    c = cadence(D(2025, 6, 1), [D(2026, 2, 10), D(2026, 8, 3)], D(2026, 11, 20), QUARTER)
    assert [p.index for p in c.missed] == [2]
    assert c.behind and c.due_by == D(2026, 12, 31)
    assert [(p.index, n) for p, n in c.periods] == [(1, 1), (2, 0), (3, 1), (4, 0)]


def test_a_visit_in_the_current_period_means_nothing_is_due():
    c = cadence(D(2025, 6, 1), [D(2026, 1, 10), D(2026, 4, 3), D(2026, 7, 9), D(2026, 10, 2)], D(2026, 11, 20), QUARTER)
    assert not c.behind and c.due_by is None


def test_an_instructor_assigned_in_the_middle_of_a_period_is_not_behind_for_it():
    c = cadence(D(2026, 5, 10), [], D(2026, 8, 1), QUARTER)
    assert c.missed == () and c.due_by == D(2026, 9, 30)
    # ...but the first whole quarter without a visit is missed.
    c = cadence(D(2026, 5, 10), [], D(2026, 10, 1), QUARTER)
    assert [p.index for p in c.missed] == [3]


def test_last_years_visits_and_future_ones_do_not_count():
    c = cadence(D(2024, 1, 1), [D(2025, 12, 30), D(2026, 12, 30)], D(2026, 3, 5), MONTH)
    assert [p.index for p in c.missed] == [1, 2] and c.due_by == D(2026, 3, 31)


def test_a_yearly_frequency_is_never_behind_within_the_year():
    c = cadence(D(2020, 1, 1), [], D(2026, 12, 31), YEAR)
    assert c.missed == () and c.due_by == D(2026, 12, 31)


def test_an_assignment_that_starts_after_today_counts_nothing():
    c = cadence(D(2026, 12, 1), [], D(2026, 11, 1), QUARTER)
    assert c.periods == () and c.due_by is None and not c.behind


days = st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31))


@given(start=days, today=days, visits=st.lists(days, max_size=12), kind=st.sampled_from([MONTH, QUARTER, YEAR]))
def test_missed_periods_are_ended_empty_and_within_the_assignment(start, today, visits, kind):
    c = cadence(start, visits, today, kind)
    counted = {p: n for p, n in c.periods}
    for p in c.missed:
        assert p.last_day < today and counted[p] == 0
        assert p.first_day >= start and p.year == today.year
        assert not any(v in p for v in visits if start <= v <= today)
    if c.periods:
        assert c.periods[-1][0] == period_of(today, kind)
        assert (c.due_by is None) == any(v in period_of(today, kind) and start <= v <= today for v in visits)
