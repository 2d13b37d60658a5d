"""A write checks the round's step as stored, not as a copy loaded before the round moved on
(another request's, or a page's): nothing lands in a step the round has left."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dangjian.appraisal import selectors, services
from dangjian.appraisal.models import Part, Participant, PeerComment, Round, Step
from dangjian.testing import appraisal as scene


def _moved_on(r: Round, step: str) -> None:
    """The round moved on elsewhere: `r` itself still says its old step."""
    scene.at_step(Round.objects.get(pk=r.pk), step)


def test_a_self_assessment_is_refused_once_the_rating_has_opened(world):
    r = scene.at_step(scene.round_of(world.a), Step.MUTUAL)
    line = selectors.participant_of(r, world.a.member.pk)
    _moved_on(r, Step.VOTE)
    with pytest.raises(ValidationError, match="democratic rating"):
        services.write_self_assessment(actor=None, participant=line, text="迟到的自评")
    assert Participant.objects.get(pk=line.pk).self_assessment == ""


def test_a_comment_is_refused_once_the_mutual_assessment_has_ended(world):
    r = scene.at_step(scene.round_of(world.a), Step.MUTUAL)
    author = selectors.participant_of(r, world.a.member.pk)
    subject = selectors.participant_of(r, world.a.secretary.person_id)
    _moved_on(r, Step.VOTE)
    with pytest.raises(ValidationError, match="democratic rating"):
        services.comment_on_peer(actor=None, author=author, subject=subject, text="迟到的评议")
    assert not PeerComment.objects.exists()


def test_a_representative_is_not_invited_once_the_rating_has_opened(world):
    """Else they would be on the round's roll but not on the ballot's."""
    r = scene.at_step(scene.round_of(world.a), Step.MUTUAL)
    _moved_on(r, Step.VOTE)
    with pytest.raises(ValidationError, match="democratic rating"):
        services.invite_representative(actor=None, round=r, person=world.a.worker)
    assert not Participant.objects.filter(round=r, part=Part.REPRESENTATIVE).exists()


def test_an_invitation_is_not_withdrawn_once_the_rating_has_opened(world):
    r = scene.at_step(scene.round_of(world.a), Step.MUTUAL)
    line = services.invite_representative(actor=None, round=r, person=world.a.worker)
    line = Participant.objects.select_related("round").get(pk=line.pk)
    _moved_on(r, Step.VOTE)
    with pytest.raises(ValidationError, match="democratic rating"):
        services.withdraw_invitation(actor=None, participant=line)
    assert Participant.objects.filter(pk=line.pk).exists()


def test_a_representative_is_a_worker_of_the_branchs_own_enterprises(world):
    """The page offers only those; the API takes any person the caller reads, so the service checks."""
    r = scene.round_of(world.a)
    with pytest.raises(ValidationError, match="does not work in an enterprise whose party work"):
        services.invite_representative(actor=None, round=r, person=world.b.worker)
    assert not Participant.objects.filter(round=r, part=Part.REPRESENTATIVE).exists()
    services.invite_representative(actor=None, round=r, person=world.a.worker)
