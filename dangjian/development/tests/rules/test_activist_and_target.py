"""Membership development rules (dangjian/development/rules/): activists: contacts, half-yearly assessments, a year before becoming a target; sponsors, review, training. Pure: no database."""

from __future__ import annotations

import pytest

from dangjian.development import rules
from dangjian.development.rules import (
    assessments_needed,
)

from .scene import (
    ME,
    PROBATIONARY,
    D,
    activist_history,
    chk,
    codes,
    history,
)

# --- activist and development target ----------------------------------------------------------


def test_contacts_one_or_two_full_members():
    hist = history(5)
    on = D(2024, 4, 15)
    assert chk(hist, 5, on, {"contacts": [1]}) == []
    assert chk(hist, 5, on, {"contacts": [1, 2]}) == []
    assert chk(hist, 5, on, {"contacts": ["1", "2"]}) == []
    for bad in ([], None, [1, 2, 3], [1, 1], [PROBATIONARY], [1, PROBATIONARY], [ME], [99]):
        assert codes(chk(hist, 5, on, {"contacts": bad})) == ["contacts"], bad


def test_activist_364_days_refused_365_days_allowed():
    hist = activist_history(D(2025, 3, 1), [D(2025, 8, 29), D(2026, 2, 27)])
    refused = chk(hist, 7, D(2026, 2, 28))
    assert codes(refused) == ["activist_year"]
    assert refused[0].possible_from == D(2026, 3, 1)
    assert refused[0].blocking
    assert chk(hist, 7, D(2026, 3, 1)) == []
    assert rules.target_from(hist) == D(2026, 3, 1)


def test_activist_designated_on_29_february_can_be_target_from_28_february():
    hist = activist_history(D(2024, 2, 29), [D(2024, 8, 29), D(2025, 2, 27)])
    refused = chk(hist, 7, D(2025, 2, 27))
    assert codes(refused) == ["activist_year"]
    assert refused[0].possible_from == D(2025, 2, 28)
    assert chk(hist, 7, D(2025, 2, 28)) == []
    assert assessments_needed(D(2024, 2, 29), D(2025, 2, 28)) == 2


def test_target_needs_one_assessment_per_complete_half_year():
    designated, on = D(2025, 1, 10), D(2026, 1, 10)
    assert assessments_needed(designated, on) == 2
    assert assessments_needed(designated, D(2026, 1, 9)) == 1
    assert assessments_needed(designated, D(2025, 7, 9)) == 0
    assert assessments_needed(designated, D(2025, 7, 10)) == 1
    one = activist_history(designated, [D(2025, 7, 8)])
    refused = chk(one, 7, on)
    assert codes(refused) == ["assessments"]
    assert refused[0].blocking
    two = activist_history(designated, [D(2025, 7, 8), D(2026, 1, 5)])
    assert chk(two, 7, on) == []


def test_sponsors_exactly_two_distinct_full_members():
    hist = history(9)
    on = D(2025, 4, 14)
    assert chk(hist, 9, on, {"sponsors": [3, 4]}) == []
    assert chk(hist, 9, on, {"sponsors": [1, 4]}) == []
    for bad in (
        [3, PROBATIONARY],  # a probationary member is not a full member
        [3, ME],  # the candidate themself
        [3],  # one sponsor
        [3, 3],  # the same person twice
        [1, 2, 3],  # three
        [],
        None,
        [3, 99],  # not a member of this branch
    ):
        refusals = chk(hist, 9, on, {"sponsors": bad})
        assert codes(refusals) == ["sponsors"], bad
        assert refusals[0].blocking


def test_political_review_needs_a_written_conclusion():
    hist = history(10)
    assert codes(chk(hist, 10, D(2025, 5, 6), {"conclusion": "  "})) == ["conclusion"]
    assert codes(chk(hist, 10, D(2025, 5, 6), {})) == ["conclusion"]


@pytest.mark.parametrize(
    ("data", "ok"),
    [
        ({"days": 3}, True),
        ({"hours": 24}, True),
        ({"days": 2, "hours": 24}, True),
        ({"days": 2.5}, False),
        ({"hours": 23.5}, False),
        ({"days": 2, "hours": 16}, False),
        ({}, False),
    ],
)
def test_training_at_least_3_days_or_24_hours(data, ok):
    found = codes(chk(history(11), 11, D(2025, 5, 12), data))
    assert found == ([] if ok else ["training"])
