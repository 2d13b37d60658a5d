"""Membership development rules (dangjian/development/rules/): probation, its one extension, and conversion. Pure: no database."""

from __future__ import annotations

import pytest

from dangjian.development import rules
from dangjian.development.rules import (
    ADMITTED,
    CLOSED,
    Config,
    Done,
    Due,
    add_months,
    due,
    probation_end,
    stage_of,
)

from .scene import (
    CANDIDATE,
    PROBATION_END,
    VOTE,
    D,
    chk,
    codes,
    history,
)

# --- probation and conversion -------------------------------------------------------------------


def test_probation_is_one_year_from_the_admitting_meeting():
    leap = [Done(15, D(2024, 2, 29), VOTE), Done(17, D(2024, 3, 15))]
    assert probation_end(leap) == D(2025, 2, 28)
    assert probation_end([Done(15, D(2024, 2, 29), VOTE)]) is None


def test_conversion_application_not_earlier_than_one_month_before_probation_end():
    hist = history(22)
    refused = chk(hist, 22, D(2026, 5, 24))
    assert codes(refused) == ["probation"]
    assert refused[0].possible_from == D(2026, 5, 25) == rules.add_months(PROBATION_END, -1)
    assert chk(hist, 22, D(2026, 5, 25)) == []
    assert chk(hist, 22, PROBATION_END) == []


@pytest.mark.parametrize("prompt", [10, 400])
def test_the_reminder_setting_never_moves_the_conversion_rule(prompt):
    """conversion_prompt_days is local practice for the reminder; the regulation's window stays."""
    hist, config = history(22), Config(conversion_prompt_days=prompt)
    assert codes(chk(hist, 22, D(2026, 5, 24), config=config)) == ["probation"]
    assert chk(hist, 22, D(2026, 5, 25), config=config) == []
    assert due(hist, CANDIDATE, D(2025, 9, 1), config)[0].earliest == D(2026, 5, 25)


def test_conversion_vote_not_before_probation_end():
    hist = history(23)
    refused = chk(hist, 23, D(2026, 6, 24), VOTE)
    assert codes(refused) == ["probation"]
    assert refused[0].possible_from == PROBATION_END
    assert chk(hist, 23, PROBATION_END, VOTE) == []


def test_convert_on_time_closes_the_candidacy():
    hist = history(24) + [Done(24, D(2026, 7, 15), {"decision": "on_time"})]
    assert stage_of(hist) == CLOSED
    assert rules.decision(hist) == "on_time"
    assert chk(hist, 25, D(2026, 7, 20)) == []


@pytest.mark.parametrize("data", [{}, {"decision": "maybe"}, {"decision": ""}])
def test_conversion_decision_must_be_one_of_three(data):
    assert codes(chk(history(24), 24, D(2026, 7, 15), data)) == ["decision"]


@pytest.mark.parametrize(("months", "ok"), [(5, False), (6, True), (9, True), (12, True), (13, False), (0, False)])
def test_extension_lasts_6_to_12_months(months, ok):
    found = codes(chk(history(24), 24, D(2026, 7, 15), {"decision": "extend", "months": months}))
    assert found == ([] if ok else ["extension"])


def test_extension_without_months_is_refused():
    assert codes(chk(history(24), 24, D(2026, 7, 15), {"decision": "extend"})) == ["extension"]


def extended(months: int = 6) -> list[Done]:
    return history(24) + [Done(24, D(2026, 7, 15), {"decision": "extend", "months": months})]


@pytest.mark.parametrize(("months", "end"), [(6, D(2026, 12, 25)), (12, D(2027, 6, 25))])
def test_extension_moves_probation_end_by_its_months(months, end):
    hist = extended(months)
    assert probation_end(hist) == end == add_months(PROBATION_END, months)
    assert stage_of(hist) == ADMITTED
    assert rules.decision(hist) == "extend"


def test_after_an_extension_a_second_round_of_22_to_24_is_allowed():
    hist = extended(6)  # probation now ends 2026-12-25
    # 25 cannot follow an extension.
    assert codes(chk(hist, 25, D(2026, 7, 20))) == ["order"]
    # The second round keeps its order.
    assert codes(chk(hist, 23, D(2026, 12, 25), VOTE)) == ["order"]
    assert codes(chk(hist, 24, D(2026, 12, 30), {"decision": "on_time"})) == ["order"]
    # The application follows the extended probation end.
    refused = chk(hist, 22, D(2026, 11, 24))
    assert codes(refused) == ["probation"] and refused[0].possible_from == D(2026, 11, 25)
    assert chk(hist, 22, D(2026, 11, 25)) == []
    hist = hist + [Done(22, D(2026, 11, 25))]
    assert codes(chk(hist, 22, D(2026, 11, 26))) == ["already"]
    assert codes(chk(hist, 23, D(2026, 12, 24), VOTE)) == ["probation"]
    assert chk(hist, 23, D(2026, 12, 25), VOTE) == []
    hist = hist + [Done(23, D(2026, 12, 25), VOTE)]
    assert codes(chk(hist, 23, D(2026, 12, 26), VOTE)) == ["already"]
    # The decision is timed from the second meeting, and a second extension is refused.
    second = chk(hist, 24, D(2027, 1, 10), {"decision": "extend", "months": 6})
    assert codes(second) == ["extension"] and second[0].blocking
    assert chk(hist, 24, D(2027, 3, 25), {"decision": "on_time"}) == []
    assert codes(chk(hist, 24, D(2027, 3, 26), {"decision": "on_time"})) == ["approval_late"]
    hist = hist + [Done(24, D(2027, 1, 10), {"decision": "on_time"})]
    assert stage_of(hist) == CLOSED
    for n in (22, 23, 24):
        assert codes(chk(hist, n, D(2027, 1, 11), {"decision": "on_time"})) == ["closed"]
    assert chk(hist, 25, D(2027, 1, 20)) == []
    assert due(hist, CANDIDATE, D(2027, 1, 11)) == [Due(25, None, None, False)]


def test_cancel_closes_the_candidacy_and_only_the_archive_follows():
    hist = history(24) + [Done(24, D(2026, 7, 15), {"decision": "cancel"})]
    assert stage_of(hist) == CLOSED
    on = D(2026, 7, 20)
    for n in (1, 6, 16, 20, 22, 23, 24):
        assert codes(chk(hist, n, on, {"decision": "on_time"})) == ["closed"], n
    assert due(hist, CANDIDATE, on) == [Due(25, None, None, False)]
    assert chk(hist, 25, on) == []
    archived = hist + [Done(25, on)]
    assert due(archived, CANDIDATE, on) == []
    assert codes(chk(archived, 25, on)) == ["already"]


def test_cancel_after_an_extension_closes_too():
    hist = extended(6) + [Done(22, D(2026, 11, 25)), Done(23, D(2026, 12, 25), VOTE)]
    assert chk(hist, 24, D(2027, 1, 10), {"decision": "cancel"}) == []
    hist = hist + [Done(24, D(2027, 1, 10), {"decision": "cancel"})]
    assert stage_of(hist) == CLOSED
    assert codes(chk(hist, 22, D(2027, 1, 11))) == ["closed"]


def test_due_after_an_extension_lists_only_the_new_conversion_application():
    hist = extended(6)
    items = due(hist, CANDIDATE, D(2026, 10, 1))
    assert [d.number for d in items] == [22]
    assert items[0] == Due(22, D(2026, 11, 25), D(2026, 12, 25), False)


def test_every_step_due_after_an_extension_is_not_refused_for_order():
    hist = extended(6)
    today = D(2026, 12, 25)
    for item in due(hist, CANDIDATE, today):
        day = max(item.earliest or today, today)
        data = VOTE if item.number == 23 else {"decision": "on_time"}
        assert "order" not in codes(chk(hist, item.number, day, data, today=day)), item


def test_due_after_the_second_round_vote_is_the_decision_from_that_meeting():
    hist = extended(6) + [Done(22, D(2026, 11, 25)), Done(23, D(2026, 12, 25), VOTE)]
    assert due(hist, CANDIDATE, D(2026, 12, 26))[0] == Due(24, None, D(2027, 3, 25), False)


@pytest.mark.parametrize("second_round", [False, True])
def test_due_does_not_offer_the_archive_while_an_extended_probation_runs(second_round):
    hist = extended(6)
    if second_round:
        hist += [Done(22, D(2026, 11, 25)), Done(23, D(2026, 12, 25), VOTE)]
    assert codes(chk(hist, 25, D(2026, 12, 26))) == ["order"]
    assert 25 not in [d.number for d in due(hist, CANDIDATE, D(2026, 12, 26))]
