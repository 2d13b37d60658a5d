"""Membership development rules (dangjian/development/rules/): quorum and majority at the branch general meeting. Pure: no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.development.rules import (
    vote_problems,
)

from .scene import (
    MEETING,
    PROBATION_END,
    chk,
    codes,
    history,
)

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
