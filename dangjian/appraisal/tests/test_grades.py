"""The committee's proposal and the general meeting's confirmation: at most one third of the graded
members excellent (10 graded → 3 allowed, 4 refused with the count), probationary members on the
rating's roll but never graded, the steps in order, nothing half-stored."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dangjian.appraisal import rules, selectors, services
from dangjian.appraisal.models import Grade, Part, Participant, Step
from dangjian.ballots import selectors as ballot_selectors
from dangjian.testing import appraisal as scene


def _excellent(r, n):
    """Grades for every graded member, the first `n` by name excellent."""
    graded = [p for p in selectors.roll(r) if p.part == Part.MEMBER]
    return {p.pk: (Grade.EXCELLENT if i < n else Grade.QUALIFIED) for i, p in enumerate(graded)}


@pytest.fixture
def ten(world):
    """A's branch with 10 full members (the world's member and secretary and 8 more) and 2
    probationary ones, its rating counted."""
    scene.members(world.a, full=8, probationary=2)
    return scene.counted(scene.round_of(world.a))


def test_the_cap_is_one_third_rounded_down():
    assert [rules.excellent_cap(n) for n in (0, 2, 3, 9, 10, 11, 12)] == [0, 0, 1, 3, 3, 3, 4]


def test_three_excellent_of_ten_are_allowed_and_the_count_is_shown(ten):
    services.propose_grades(actor=None, round=ten, grades=_excellent(ten, 3))
    cap = selectors.excellent_cap(ten)
    assert (cap.excellent, cap.allowed, cap.graded) == (3, 3, 10)


def test_four_excellent_of_ten_are_refused_with_the_count_and_nothing_is_stored(ten):
    with pytest.raises(ValidationError) as refused:
        services.propose_grades(actor=None, round=ten, grades=_excellent(ten, 4))
    message = " ".join(refused.value.messages)
    assert "4" in message and "at most 3" in message and "10 graded" in message
    assert not Participant.objects.filter(round=ten).exclude(proposed_grade="").exists()
    ten.refresh_from_db()
    assert ten.proposed_on is None


def test_probationary_members_vote_but_are_not_graded(ten):
    probationary = Participant.objects.filter(round=ten, part=Part.PROBATIONARY)
    assert probationary.count() == 2
    # On the rating's roll, and they voted.
    voted = set(ballot_selectors.roll_lines(ten.poll, voted=True).values_list("person_id", flat=True))
    assert set(probationary.values_list("person_id", flat=True)) <= voted
    # Not a question of the ballot: nobody rates them.
    refs = {q.ref for q in ballot_selectors.questions(ten.poll)}
    assert not refs & {str(p.pk) for p in probationary}
    # And a grade for one is refused, naming them.
    grades = _excellent(ten, 0)
    one = probationary.select_related("person").first()
    grades[one.pk] = Grade.QUALIFIED
    with pytest.raises(ValidationError, match="not graded"):
        services.propose_grades(actor=None, round=ten, grades=grades)


def test_every_graded_member_needs_a_grade(ten):
    grades = _excellent(ten, 1)
    grades.popitem()
    with pytest.raises(ValidationError, match="has no grade yet"):
        services.propose_grades(actor=None, round=ten, grades=grades)


def test_no_grades_before_the_rating_is_counted(world):
    r = scene.at_step(scene.round_of(world.a), Step.VOTE)
    with pytest.raises(ValidationError, match="not possible now"):
        services.propose_grades(actor=None, round=r, grades=scene.all_grades(r))


def test_no_confirmation_before_the_proposal(world):
    r = scene.counted(scene.round_of(world.a))
    with pytest.raises(ValidationError, match="not proposed the grades yet"):
        services.confirm(actor=None, round=r)
    r.refresh_from_db()
    assert r.step == Step.PROPOSAL
    assert not Participant.objects.filter(round=r).exclude(grade="").exists()


def test_officers_cannot_skip_the_meetings_confirmation(world):
    r = scene.counted(scene.round_of(world.a))
    with pytest.raises(ValidationError, match="general meeting confirms"):
        services.advance(actor=None, round=r)


def test_the_confirmation_records_each_grade_and_leaves_status_alone(world):
    r = scene.confirmed(scene.round_of(world.a), **{world.a.member.name: Grade.UNQUALIFIED})
    line = Participant.objects.get(round=r, person=world.a.member)
    assert (r.step, line.grade) == (Step.CONFIRMED, Grade.UNQUALIFIED)
    services.record_follow_up(actor=None, participant=line, text="限期改正六个月，由支部书记帮扶")
    world.a.member.refresh_from_db()
    assert world.a.member.political_status == "full"
    qualified = Participant.objects.exclude(pk=line.pk).get(round=r, part=Part.MEMBER)
    with pytest.raises(ValidationError, match="unqualified"):
        services.record_follow_up(actor=None, participant=qualified, text="不需要")


def test_side_bs_round_rolls_only_bs_members(world):
    a = scene.round_of(world.a)
    b = scene.round_of(world.b)
    assert {p.person_id for p in selectors.roll(a)} == {world.a.member.pk, world.a.secretary.person_id}
    assert {p.person_id for p in selectors.roll(b)} == {world.b.member.pk, world.b.secretary.person_id}


def test_one_round_a_year(world):
    scene.round_of(world.a)
    with pytest.raises(ValidationError, match="one a year"):
        scene.round_of(world.a)


def test_a_branchs_result_is_what_its_meeting_confirmed_by_the_day(world):
    import datetime as dt

    r = scene.confirmed(scene.round_of(world.a), **{world.a.member.name: Grade.BASIC})
    result = selectors.branch_result(world.a.branch.pk, r.year)
    assert (result.held, result.graded, result.qualified) == (True, 2, 1) and result.good_share == 0.5
    assert not selectors.branch_result(world.a.branch.pk, r.year, on=r.confirmed_on - dt.timedelta(days=1)).held
    assert not selectors.branch_result(world.b.branch.pk, r.year).held
