"""Membership development rules (dangjian/development/rules/): the order of the steps, repetition and dates. Pure: no database."""

from __future__ import annotations

import pytest

from dangjian.development.rules import (
    ADMITTED,
    stage_of,
)

from .scene import (
    VOTE,
    D,
    chk,
    codes,
    history,
)

# --- order, repetition, dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "number", "on", "data"),
    [
        (2, 3, D(2024, 4, 10), {}),  # designation without the talk
        (1, 2, D(2024, 3, 20), {}),  # talk without an application
        (6, 7, D(2025, 4, 10), {}),  # target without any assessment
        (11, 12, D(2025, 6, 3), {}),  # committee review without the training
        (13, 14, D(2025, 6, 18), {}),  # form before the notice
        (15, 16, D(2025, 7, 2), {}),  # higher talk before the meeting
        (17, 20, D(2025, 9, 1), {}),  # oath before approval
        (20, 22, D(2026, 5, 27), {}),  # conversion application before the oath
        (22, 23, D(2026, 6, 25), VOTE),  # conversion vote without application
        (23, 24, D(2026, 7, 15), {"decision": "on_time"}),
        (24, 25, D(2026, 7, 20), {}),  # archive before the decision
    ],
)
def test_steps_out_of_order_are_refused(before, number, on, data):
    refusals = chk(history(before), number, on, data)
    assert codes(refusals) == ["order"]
    assert refusals[0].blocking


def test_a_step_cannot_be_dated_before_the_step_it_follows():
    hist = history(8)  # step 7 on 2025-04-10
    refusals = chk(hist, 8, D(2025, 4, 9))
    assert codes(refusals) == ["before_previous"] and refusals[0].possible_from == D(2025, 4, 10)


@pytest.mark.parametrize(
    ("number", "on"), [(1, D(2024, 3, 5)), (3, D(2024, 5, 1)), (9, D(2025, 5, 1)), (17, D(2025, 9, 1))]
)
def test_a_non_repeatable_step_twice_is_refused(number, on):
    hist = history(through=number)
    data = {"sponsors": [3, 4]} if number == 9 else {}
    assert codes(chk(hist, number, on, data)) == ["already"]


def test_assessments_repeat_while_an_activist():
    hist = history(7)
    assert chk(hist, 6, D(2025, 4, 9)) == []


def test_future_dates_are_refused():
    hist = history(2)
    refusals = chk(hist, 2, D(2024, 3, 20), today=D(2024, 3, 19))
    assert codes(refusals) == ["future"]
    assert refusals[0].blocking and refusals[0].possible_from == D(2024, 3, 20)
    assert chk(hist, 2, D(2024, 3, 19), today=D(2024, 3, 19)) == []


def test_step_21_is_always_refused_as_automatic():
    for hist in (history(2), history(22), history(25)):
        assert codes(chk(hist, 21, D(2026, 1, 1))) == ["automatic"]


@pytest.mark.parametrize("number", [0, 26, -1])
def test_unknown_steps_are_refused(number):
    assert codes(chk([], number, D(2024, 1, 1))) == ["unknown_step"]


def test_history_order_does_not_matter():
    hist = list(reversed(history(24)))
    assert chk(hist, 24, D(2026, 7, 15), {"decision": "on_time"}) == []
    assert stage_of(hist) == ADMITTED
