"""The pure rules: periods across month, quarter and year ends, the state of a calendar cell,
the committee's quorum and what a county may change."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian import calendar as periods

from .. import rules
from ..models import MeetingKind, Period

D = dt.date


def label_of(span) -> str:
    """A cell's period as the tests name it, whatever the language: 2026-03, 2026 Q1, 2026."""
    return {"month": f"{span.year}-{span.index:02d}", "quarter": f"{span.year} Q{span.index}"}.get(
        span.kind, str(span.year)
    )


@pytest.mark.parametrize(
    ("kind", "day", "start", "end"),
    [
        (Period.MONTH, D(2024, 2, 29), D(2024, 2, 1), D(2024, 2, 29)),  # leap February
        (Period.MONTH, D(2025, 2, 28), D(2025, 2, 1), D(2025, 2, 28)),
        (Period.MONTH, D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31)),
        (Period.QUARTER, D(2026, 3, 31), D(2026, 1, 1), D(2026, 3, 31)),
        (Period.QUARTER, D(2026, 4, 1), D(2026, 4, 1), D(2026, 6, 30)),
        (Period.QUARTER, D(2026, 12, 31), D(2026, 10, 1), D(2026, 12, 31)),
        (Period.YEAR, D(2026, 1, 1), D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_the_period_of_a_day(kind, day, start, end):
    span = periods.period_of(day, kind)
    assert (span.first_day, span.last_day) == (start, end)
    assert day in span


def test_periods_roll_over_the_year_end():
    assert periods.period_of(D(2026, 12, 5), Period.MONTH).next() == periods.period_of(D(2027, 1, 5), Period.MONTH)
    assert periods.period_of(D(2026, 11, 5), Period.QUARTER).next().first_day == D(2027, 1, 1)
    assert periods.period_of(D(2027, 1, 5), Period.MONTH).previous().last_day == D(2026, 12, 31)
    assert periods.period_of(D(2027, 2, 5), Period.QUARTER).previous().first_day == D(2026, 10, 1)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)), st.sampled_from(list(Period)))
def test_periods_tile_the_calendar(day, kind):
    span = periods.period_of(day, kind)
    assert span.first_day <= day <= span.last_day
    assert span.next().first_day == span.last_day + dt.timedelta(days=1)
    assert span.next().previous() == span


def cell(rule_kind: str, held_months: dict[int, int], today: D, since=None, year=2026):
    rule = rules.DEFAULT_RULES[rule_kind]
    return {label_of(c.span): c.state for c in rules.cells(rule, year, held_months, {}, today, since)}


def test_a_monthly_meeting_is_due_in_its_month_and_overdue_the_day_after():
    states = cell(MeetingKind.THEME_DAY, {1: 1}, today=D(2026, 3, 31))
    assert states["2026-01"] == rules.HELD
    assert states["2026-02"] == rules.OVERDUE
    assert states["2026-03"] == rules.DUE  # the last day of the month is still in time
    assert states["2026-04"] == rules.UPCOMING
    assert cell(MeetingKind.THEME_DAY, {}, today=D(2026, 4, 1))["2026-03"] == rules.OVERDUE


def test_a_quarterly_meeting_counts_any_month_of_its_quarter():
    states = cell(MeetingKind.GENERAL, {3: 1, 5: 2}, today=D(2026, 10, 1))
    assert states["2026 Q1"] == rules.HELD  # held in March
    assert states["2026 Q2"] == rules.HELD  # two in May: one is enough
    assert states["2026 Q3"] == rules.OVERDUE  # ended yesterday
    assert states["2026 Q4"] == rules.DUE


def test_the_yearly_life_meeting_is_due_until_new_year():
    assert cell(MeetingKind.LIFE, {}, today=D(2026, 12, 31))["2026"] == rules.DUE
    assert cell(MeetingKind.LIFE, {}, today=D(2027, 1, 1))["2026"] == rules.OVERDUE
    assert cell(MeetingKind.LIFE, {12: 1}, today=D(2027, 1, 1))["2026"] == rules.HELD


def test_nothing_is_required_before_the_branch_was_founded():
    states = cell(MeetingKind.THEME_DAY, {}, today=D(2026, 7, 1), since=D(2026, 5, 4))
    assert states["2026-04"] == rules.NOT_REQUIRED
    assert states["2026-05"] == rules.OVERDUE  # founded on 4 May: May's theme day was due
    assert cell(MeetingKind.GENERAL, {}, today=D(2026, 7, 1), since=D(2026, 5, 4))["2026 Q2"] == rules.OVERDUE


@pytest.mark.parametrize(
    ("present", "size", "ok"), [(0, 4, False), (1, 4, False), (2, 4, True), (2, 5, False), (3, 5, True), (0, 0, False)]
)
def test_committee_quorum_is_half_the_committee(present, size, ok):
    assert rules.quorate(MeetingKind.COMMITTEE, present, size) is ok
    assert rules.quorate(MeetingKind.GENERAL, present, size) is True  # other kinds have no quorum here


def test_a_county_may_ask_for_more_never_less():
    floor = rules.DEFAULT_RULES
    assert rules.looser_than(
        rules.Rule(MeetingKind.GENERAL, Period.YEAR, 4), floor["general"]
    )  # 4 in December ≠ quarterly
    assert rules.looser_than(rules.Rule(MeetingKind.COMMITTEE, Period.QUARTER, 1), floor["committee"])
    assert not rules.looser_than(rules.Rule(MeetingKind.GENERAL, Period.MONTH, 1), floor["general"])
    assert MeetingKind.LECTURE not in rules.REGULATED  # local practice: a county may ask less


def test_a_group_holds_group_meetings_and_a_branch_without_committee_no_committee_meetings():
    assert MeetingKind.GROUP in rules.kinds_for("group", False)
    assert MeetingKind.GENERAL not in rules.kinds_for("group", False)
    assert MeetingKind.COMMITTEE not in rules.kinds_for("branch", False)
    assert MeetingKind.COMMITTEE in rules.kinds_for("branch", True)
    assert rules.kinds_for("county", True) == []
