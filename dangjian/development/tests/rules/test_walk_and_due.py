"""Membership development rules (dangjian/development/rules/): the full walk from application to archive, and what is due at each point. Pure: no database."""

from __future__ import annotations

from dangjian.development.rules import (
    ACTIVIST,
    ADMITTED,
    APPLICANT,
    CLOSED,
    STEPS,
    TARGET,
    Done,
    Due,
    add_years,
    due,
    probation_end,
    stage_of,
)

from .scene import (
    CANDIDATE,
    MEETING,
    PROBATION_END,
    WALK,
    D,
    chk,
    codes,
    history,
)

# --- the full walk ---------------------------------------------------------------------------


def test_the_walk_covers_every_step_but_the_automatic_one():
    assert {n for n, _, _ in WALK} == set(range(1, 26)) - {21}
    assert STEPS[21].automatic and all(not STEPS[n].automatic for n in STEPS if n != 21)


def test_full_walk_every_step_allowed_and_the_stage_moves_forward():
    expected_stage = {
        1: APPLICANT,
        2: APPLICANT,
        3: ACTIVIST,
        6: ACTIVIST,
        7: TARGET,
        16: TARGET,
        17: ADMITTED,
        23: ADMITTED,
        24: CLOSED,
        25: CLOSED,
    }
    hist: list[Done] = []
    seen = []
    assert stage_of(hist) == APPLICANT
    for number, on, data in WALK:
        assert chk(hist, number, on, data) == [], f"step {number} on {on}"
        hist.append(Done(number, on, dict(data)))
        if number in expected_stage:
            assert stage_of(hist) == expected_stage[number], f"after step {number}"
        if not seen or seen[-1] != stage_of(hist):
            seen.append(stage_of(hist))
    assert seen == [APPLICANT, ACTIVIST, TARGET, ADMITTED, CLOSED]
    assert due(hist, CANDIDATE, D(2026, 8, 1)) == []


def test_full_walk_step_21_is_counted_not_recorded():
    hist = history(22)
    refusals = chk(hist, 21, D(2025, 9, 2))
    assert codes(refusals) == ["automatic"]
    assert probation_end(history(17)) is None  # no approval yet, no probation
    assert probation_end(hist) == PROBATION_END == add_years(MEETING, 1)


def test_due_after_the_application_is_the_talk_within_one_month():
    hist = history(2)
    assert due(hist, CANDIDATE, D(2024, 3, 4)) == [Due(2, None, D(2024, 4, 4), False)]
    assert due(hist, CANDIDATE, D(2024, 4, 4)) == [Due(2, None, D(2024, 4, 4), False)]
    assert due(hist, CANDIDATE, D(2024, 4, 5)) == [Due(2, None, D(2024, 4, 4), True)]


def test_due_after_the_talk_is_the_designation():
    assert due(history(3), CANDIDATE, D(2024, 3, 21)) == [Due(3, None, None, False)]


def test_due_for_a_new_activist_is_filing_contacts_and_the_first_assessment():
    items = due(history(4), CANDIDATE, D(2024, 4, 10))
    assert items[0] == Due(6, None, D(2024, 10, 10), False)  # the one with a deadline first
    assert {d.number for d in items} == {4, 5, 6}
    assert [d.step.number for d in items] == [d.number for d in items]


def test_due_for_an_assessed_activist_is_the_target_decision_from_one_year():
    hist = history(7)
    items = {d.number: d for d in due(hist, CANDIDATE, D(2025, 4, 9))}
    assert set(items) == {6, 7}
    assert items[7] == Due(7, D(2025, 4, 10), None, False)
    assert items[6].due_by == D(2025, 10, 8)  # six months after the last assessment


def test_due_after_target_lists_the_four_target_steps_and_no_more_assessments():
    assert {d.number for d in due(history(8), CANDIDATE, D(2025, 4, 10))} == {8, 9, 10, 11}


def test_due_after_the_notice_is_the_form_from_the_day_after():
    assert due(history(14), CANDIDATE, D(2025, 6, 12)) == [Due(14, D(2025, 6, 18), None, False)]


def test_due_after_the_higher_talk_is_the_approval_within_three_months():
    assert due(history(17), CANDIDATE, D(2025, 7, 2)) == [Due(17, None, D(2025, 9, 25), False)]
    assert due(history(17), CANDIDATE, D(2025, 9, 26)) == [Due(17, None, D(2025, 9, 25), True)]


def test_due_during_probation_is_the_conversion_application_window():
    items = due(history(22), CANDIDATE, D(2025, 9, 1))
    assert items == [Due(22, D(2026, 5, 25), PROBATION_END, False)]


def test_due_after_the_conversion_application_is_the_vote_at_probation_end():
    assert due(history(23), CANDIDATE, D(2026, 5, 27)) == [Due(23, PROBATION_END, None, False)]


def test_due_after_the_conversion_vote_is_the_decision_within_three_months():
    assert due(history(24), CANDIDATE, D(2026, 6, 25)) == [Due(24, None, D(2026, 9, 25), False)]


def test_due_after_the_decision_is_only_the_archive():
    assert due(history(25), CANDIDATE, D(2026, 7, 15)) == [Due(25, None, None, False)]


def test_every_step_due_along_the_walk_is_not_refused_for_order():
    """The board and the refusal must agree: a step listed as due is never refused as out of
    order or already done when recorded on its earliest day."""
    hist: list[Done] = []
    for number, on, data in WALK:
        for item in due(hist, CANDIDATE, on):
            day = max(item.earliest or on, on)
            found = codes(chk(hist, item.number, day, today=day))
            assert not {"order", "already", "closed"} & set(found), (item, found)
        hist.append(Done(number, on, dict(data)))
