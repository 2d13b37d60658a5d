"""Membership development rules (dangjian/development/rules/): approval by the higher committee within 3 months, 6 at most. Pure: no database."""

from __future__ import annotations

import pytest

from dangjian.development import rules

from .scene import (
    MEETING,
    D,
    chk,
    codes,
    history,
)

# --- approval by the higher committee ---------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected", "is_blocking"),
    [
        (D(2025, 9, 25), [], None),  # exactly 3 months after the meeting
        (D(2025, 9, 26), ["approval_late"], False),
        (D(2025, 12, 25), ["approval_late"], False),  # exactly 6 months: late but possible
        (D(2025, 12, 26), ["approval_limit"], True),
    ],
)
def test_admission_approval_within_3_months_at_most_6(on, expected, is_blocking):
    assert rules.approval_deadlines(MEETING) == (D(2025, 9, 25), D(2025, 12, 25))
    refusals = chk(history(17), 17, on)
    assert codes(refusals) == expected
    if expected:
        assert refusals[0].blocking is is_blocking


def test_conversion_decision_within_3_months_at_most_6_of_the_conversion_vote():
    hist = history(24)
    assert chk(hist, 24, D(2026, 9, 25), {"decision": "on_time"}) == []
    late = chk(hist, 24, D(2026, 9, 26), {"decision": "on_time"})
    assert codes(late) == ["approval_late"] and not late[0].blocking
    assert codes(chk(hist, 24, D(2026, 12, 26), {"decision": "on_time"})) == ["approval_limit"]
