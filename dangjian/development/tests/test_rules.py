"""The 25 steps of membership development (DOMAIN.md §2) against dangjian/development/rules/.

Pure tests: no database. They walk one candidate from the written application to the archived
dossier, then take every dated rule to the day on either side of its boundary, then check the
counting rules of a branch general meeting by property against plain integer arithmetic.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dangjian.development import rules
from dangjian.development.rules import (
    ACTIVIST,
    ADMITTED,
    APPLICANT,
    CLOSED,
    STEPS,
    TARGET,
    Candidate,
    Config,
    Done,
    Due,
    add_months,
    add_years,
    assessments_needed,
    check,
    due,
    probation_end,
    stage_of,
    vote_problems,
)

D = dt.date
ONE_DAY = dt.timedelta(days=1)

# The branch: persons 1–4 are full members, 5 is a probationary member, 100 is the candidate.
FULL = frozenset({1, 2, 3, 4})
PROBATIONARY = 5
ME = 100
CANDIDATE = Candidate(birth_date=D(1998, 6, 15), full_members=FULL, person_id=ME)

VOTE = {"entitled": 20, "full_entitled": 20, "present": 15, "yes": 14, "written_yes": 3}

# One candidate's realistic path, in the order the steps are taken (21 is counted, not recorded).
WALK: list[tuple[int, dt.date, dict]] = [
    (1, D(2024, 3, 4), {}),
    (2, D(2024, 3, 20), {}),
    (3, D(2024, 4, 10), {}),
    (4, D(2024, 4, 15), {}),
    (5, D(2024, 4, 15), {"contacts": [1, 2]}),
    (6, D(2024, 10, 9), {}),
    (6, D(2025, 4, 8), {}),
    (7, D(2025, 4, 10), {}),  # exactly one year after step 3
    (8, D(2025, 4, 14), {}),
    (9, D(2025, 4, 14), {"sponsors": [3, 4]}),
    (10, D(2025, 5, 6), {"conclusion": "政治可靠，历史清白，同意列为发展对象。"}),
    (11, D(2025, 5, 12), {"days": 3}),
    (12, D(2025, 6, 3), {}),
    (13, D(2025, 6, 10), {"notice_from": "2025-06-11", "notice_to": "2025-06-17"}),
    (14, D(2025, 6, 18), {}),
    (15, D(2025, 6, 25), VOTE),
    (16, D(2025, 7, 2), {}),
    (17, D(2025, 8, 20), {}),
    (18, D(2025, 8, 28), {}),
    (19, D(2025, 8, 28), {}),
    (20, D(2025, 9, 1), {}),
    (22, D(2026, 5, 27), {}),
    (23, D(2026, 6, 25), VOTE),
    (24, D(2026, 7, 15), {"decision": "on_time"}),
    (25, D(2026, 7, 20), {}),
]
MEETING = D(2025, 6, 25)
PROBATION_END = D(2026, 6, 25)


def history(before: int | None = None, *, through: int | None = None) -> list[Done]:
    """The walk's steps recorded before the first occurrence of step `before` (or up to and
    including the last occurrence of step `through`)."""
    out: list[Done] = []
    for i, (number, on, data) in enumerate(WALK):
        if before is not None and number == before:
            break
        out.append(Done(number, on, dict(data)))
        if through is not None and number == through and all(n != through for n, _, _ in WALK[i + 1 :]):
            break
    return out


DEFAULT = Config()


def chk(hist, number, on, data=None, candidate=CANDIDATE, today=None, config=DEFAULT):
    return check(hist, number, on, data or {}, candidate, today or on, config)


def codes(refusals) -> list[str]:
    return [r.rule for r in refusals]


def blocking(refusals) -> list[str]:
    return [r.rule for r in refusals if r.blocking]


def activist_history(designated: dt.date, assessments: list[dt.date]) -> list[Done]:
    """Steps 1–6 for an activist designated on `designated`, contacts assigned the same day."""
    return [
        Done(1, designated - dt.timedelta(days=40)),
        Done(2, designated - dt.timedelta(days=20)),
        Done(3, designated),
        Done(4, designated),
        Done(5, designated, {"contacts": [1]}),
        *[Done(6, a) for a in assessments],
    ]


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


# --- public notice and the application form --------------------------------------------------


@pytest.mark.parametrize(
    ("config", "days", "ok"),
    [
        (Config(), 4, False),
        (Config(), 5, True),
        (Config(), 7, True),
        (Config(), 8, False),
        (Config(notice_min_days=7, notice_max_days=10), 4, False),
        (Config(notice_min_days=7, notice_max_days=10), 5, False),
        (Config(notice_min_days=7, notice_max_days=10), 7, True),
        (Config(notice_min_days=7, notice_max_days=10), 8, True),
        (Config(notice_min_days=7, notice_max_days=10), 10, True),
        (Config(notice_min_days=7, notice_max_days=10), 11, False),
    ],
)
def test_public_notice_length(config, days, ok):
    start = D(2025, 6, 11)
    data = {"notice_from": start.isoformat(), "notice_to": (start + dt.timedelta(days=days - 1)).isoformat()}
    found = codes(chk(history(13), 13, D(2025, 6, 10), data, config=config))
    assert found == ([] if ok else ["notice_days"])


def test_public_notice_may_start_on_the_pre_review_day_but_not_before():
    hist, on = history(13), D(2025, 6, 10)
    assert chk(hist, 13, on, {"notice_from": "2025-06-10", "notice_to": "2025-06-14"}) == []
    assert codes(chk(hist, 13, on, {"notice_from": "2025-06-09", "notice_to": "2025-06-13"})) == ["notice"]


@pytest.mark.parametrize(
    "data",
    [{}, {"notice_from": "2025-06-11"}, {"notice_to": "2025-06-17"}, {"notice_from": "11/06/2025", "notice_to": "x"}],
)
def test_public_notice_needs_both_days(data):
    assert codes(chk(history(13), 13, D(2025, 6, 10), data)) == ["notice"]


def test_application_form_refused_while_the_notice_runs():
    hist = history(14)  # notice 2025-06-11 .. 2025-06-17
    for day in (D(2025, 6, 10), D(2025, 6, 12), D(2025, 6, 17)):
        refused = chk(hist, 14, day)
        assert codes(refused) == ["notice_running"], day
        assert refused[0].possible_from == D(2025, 6, 18)
    assert chk(hist, 14, D(2025, 6, 18)) == []


# --- the branch general meeting ----------------------------------------------------------------


def tally(entitled, present, yes, written=0, full=None):
    return {
        "entitled": entitled,
        "full_entitled": entitled if full is None else full,
        "present": present,
        "yes": yes,
        "written_yes": written,
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (tally(20, 10, 10), ["quorum", "majority"]),  # exactly half present, exactly half yes
        (tally(20, 10, 10, written=1), ["quorum"]),  # written opinions do not make a quorum
        (tally(20, 11, 11), []),  # half + 1 present, half + 1 yes
        (tally(20, 11, 10), ["majority"]),  # yes exactly half of full_entitled
        (tally(21, 10, 10), ["quorum", "majority"]),  # 10 of 21 is not more than half
        (tally(21, 11, 11), []),
        (tally(20, 11, 8, written=3), []),  # 8 + 3 written = 11 > 10
        (tally(20, 11, 8, written=2), ["majority"]),  # 8 + 2 = 10, exactly half
        (tally(20, 20, 11, full=20), []),
        (tally(20, 20, 20), []),
        (tally(1, 1, 1), []),
        (tally(0, 0, 0), ["quorum", "majority"]),
    ],
)
def test_quorum_and_majority(data, expected):
    assert codes(vote_problems(data)) == expected
    assert all(r.blocking for r in vote_problems(data))


@pytest.mark.parametrize(
    "data",
    [
        tally(20, 11, 12),  # yes > present
        tally(20, 21, 11),  # present > entitled
        tally(20, 15, 11, written=6),  # written_yes > entitled - present
        tally(20, 20, 11, written=1),  # nobody absent, yet a written opinion
        tally(20, 11, 11, full=21),  # more full members entitled than members entitled
        tally(20, 12, 10, full=18),  # probationary members counted as entitled: they have no vote
        tally(20, -1, 0),
        tally(20, 11, -1),
        tally(20, 11, 11, written=-1),
        tally(20, 11.5, 11),  # not a whole number
        tally(True, 1, 1),
        {"entitled": "twenty", "full_entitled": 20, "present": 11, "yes": 11},
        {"entitled": None, "full_entitled": 20, "present": 11, "yes": 11},
        {},
    ],
)
def test_impossible_or_missing_tally(data):
    assert codes(vote_problems(data)) == ["tally"]


def test_admission_and_conversion_meetings_both_apply_the_vote_rules():
    assert codes(chk(history(15), 15, MEETING, tally(20, 10, 10))) == ["quorum", "majority"]
    assert codes(chk(history(23), 23, PROBATION_END, tally(20, 11, 10))) == ["majority"]
    assert codes(chk(history(15), 15, MEETING, {})) == ["tally"]


@st.composite
def consistent_tallies(draw):
    entitled = draw(st.integers(0, 300))
    full = entitled  # only full members vote
    present = draw(st.integers(0, entitled))
    yes = draw(st.integers(0, present))
    written = draw(st.integers(0, entitled - present))
    return entitled, full, present, yes, written


@given(consistent_tallies())
def test_property_vote_problems_is_the_integer_arithmetic(t):
    entitled, full, present, yes, written = t
    data = {"entitled": entitled, "full_entitled": full, "present": present, "yes": yes, "written_yes": written}
    expected = []
    if not 2 * present > entitled:
        expected.append("quorum")
    if not 2 * (yes + written) > full:
        expected.append("majority")
    assert codes(vote_problems(data)) == expected
    # Written opinions never change the quorum.
    assert ("quorum" in codes(vote_problems({**data, "written_yes": 0}))) == ("quorum" in expected)


@given(*(st.integers(-3, 40) for _ in range(5)))
def test_property_tally_refused_exactly_when_inconsistent(entitled, full, present, yes, written):
    data = {"entitled": entitled, "full_entitled": full, "present": present, "yes": yes, "written_yes": written}
    consistent = 0 <= full == entitled and 0 <= present <= entitled and 0 <= yes <= present
    consistent = consistent and 0 <= written <= entitled - present
    assert ("tally" in codes(vote_problems(data))) == (not consistent)
    if not consistent:
        assert codes(vote_problems(data)) == ["tally"]


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
