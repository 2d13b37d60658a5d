"""The rating is secret (民主测评 is anonymous): no appraisal table points at a ballot, a mark or
an option; casting writes that a person rated and nothing of how; the count is shown only after
the rating is closed, per member and grade, never per voter."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from dangjian.appraisal.models import Grade, Participant, Step
from dangjian.audit.models import AuditEvent
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import Ballot, Mark, Option, Question
from dangjian.testing import appraisal as scene


def test_no_appraisal_table_points_at_a_ballot_a_mark_or_an_option():
    for model in apps.get_app_config("appraisal").get_models():
        for f in model._meta.get_fields():
            if isinstance(f, models.Field):
                assert f.related_model not in (Ballot, Mark, Option, Question), f"{model.__name__}.{f.name}"


def _choices(r, grade_for):
    out = {}
    for q in ballot_selectors.questions(r.poll):
        wanted = grade_for(int(q.ref))
        out[q.pk] = next(o.pk for o in q.options.all() if o.ref == wanted)
    return out


def test_a_cast_records_that_a_person_rated_never_how(world):
    r = scene.at_step(scene.round_of(world.a), Step.VOTE)
    member_line = Participant.objects.get(round=r, person=world.a.member)
    before = AuditEvent.objects.count()
    voter = ballot_selectors.voter_line(r.poll, world.a.member.pk)
    choices = _choices(r, lambda pid: Grade.UNQUALIFIED if pid != member_line.pk else Grade.EXCELLENT)
    ballots.cast(actor=None, voter=voter, choices=choices)
    events = list(AuditEvent.objects.order_by("pk")[before:].values("object_type", "changes"))
    assert events == [{"object_type": "ballots.Voter", "changes": {"voted": [False, True]}}]


def test_the_count_is_kept_until_the_rating_closes_and_then_shows_totals_only(world):
    r = scene.at_step(scene.round_of(world.a), Step.VOTE)
    from dangjian.appraisal import selectors

    scene.cast_all(r, Grade.EXCELLENT)
    assert selectors.tally(r) is None  # open: no figure that could move with the next voter
    scene.at_step(r, Step.PROPOSAL)
    tally = selectors.tally(r)
    assert tally is not None and tally.turnout == 2
    assert {m.votes[Grade.EXCELLENT] for m in tally.members} == {2}
    # A member's line says how many ballots gave each grade, nothing of whose.
    assert set(vars(tally.members[0])) == {"participant_id", "name", "votes", "blank", "proposed", "grade"}


def test_side_bs_member_is_not_on_as_roll(world):
    r = scene.at_step(scene.round_of(world.a), Step.VOTE)
    assert ballot_selectors.voter_line(r.poll, world.b.member.pk) is None
