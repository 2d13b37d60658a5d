"""The vote as its people meet it in the pages: a voter on a phone (choose, read back, cast, a
receipt shown once), the refusals (not on the roll, voted already, outside the vote), the count
and its recount, the receipt check, and B's people kept out of A's vote."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots.models import Ballot, Mark, PollState
from dangjian.selections import services
from dangjian.selections.models import Builtin, Phase
from dangjian.testing.factories import UserFactory
from dangjian.testing.selections import category, in_vote, nominated, round_of
from dangjian.testing.voting import ballot_fields, vote

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _nominations(r):
    return (
        r.nominations.get(category__builtin=Builtin.LEARNING),
        r.nominations.get(category__builtin=Builtin.INCOME),
    )


def _voter(person):
    user = UserFactory(person=person)
    client = Client(**EN)
    client.force_login(user)
    return client


def _open_vote(r):
    services.advance(actor=None, round=r, today=r.evidence_on)
    services.advance(actor=None, round=r, today=r.vote_on)
    r.refresh_from_db()
    assert r.phase == Phase.VOTE
    return r


def _count(r):
    services.advance(actor=None, round=r, today=r.vote_until + dt.timedelta(days=1))
    r.refresh_from_db()
    assert r.phase == Phase.REVIEW
    return r


def test_a_voter_chooses_reads_back_and_casts_and_sees_the_receipt_once(world):
    r = in_vote(world.a)
    learning, income = _nominations(r)
    client = _voter(world.a.worker)
    page = client.get(reverse("selections:ballot", args=[r.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    for text in ("Learning model", "Income model", "A党员", "A工人", "No choice"):
        assert text in body
    fields = ballot_fields(r, {Builtin.LEARNING: learning, Builtin.INCOME: None})
    review = client.post(reverse("selections:ballot", args=[r.pk]), {**fields, "step": "review"})
    assert "A党员" in review.content.decode() and Ballot.objects.count() == 0  # read back, nothing cast yet
    changed = client.post(reverse("selections:ballot", args=[r.pk]), {**fields, "step": "change"})
    first = fields[next(iter(fields))]
    assert f'value="{first}" class="form-selectgroup-input" checked' in changed.content.decode()
    cast = client.post(reverse("selections:ballot", args=[r.pk]), {**fields, "step": "cast"})
    assert cast.status_code == 200  # the receipt is this POST's answer, never a redirect with it in a URL
    text = cast.content.decode()
    assert "Your ballot is cast" in text and "shown only this once" in text
    assert Ballot.objects.filter(poll=r.poll).count() == 1
    again = client.get(reverse("selections:ballot", args=[r.pk]))
    assert "voted in this round already" in again.content.decode()
    assert "data-receipt>" not in again.content.decode()  # never shown again


def test_every_category_is_answered_before_the_ballot_is_read_back(world):
    r = in_vote(world.a)
    learning, _income = _nominations(r)
    client = _voter(world.a.worker)
    fields = ballot_fields(r, {Builtin.LEARNING: learning})
    del fields[next(k for k in fields if k != next(iter(fields)))]
    response = client.post(reverse("selections:ballot", args=[r.pk]), {**fields, "step": "review"})
    assert response.status_code == 400
    assert "or “No choice”" in response.content.decode()
    assert Ballot.objects.count() == 0


def test_a_second_vote_is_refused_through_the_page(world):
    r = in_vote(world.a)
    learning, income = _nominations(r)
    client = _voter(world.a.worker)
    vote(client, r, {Builtin.LEARNING: learning})
    fields = ballot_fields(r, {Builtin.LEARNING: None, Builtin.INCOME: income})
    response = client.post(reverse("selections:ballot", args=[r.pk]), {**fields, "step": "cast"})
    assert response.status_code == 400
    assert "one person, one vote" in response.content.decode()
    assert Ballot.objects.filter(poll=r.poll).count() == 1


def test_voting_outside_the_vote_is_refused(world):
    r = nominated(world.a)
    client = _voter(world.a.worker)
    before = client.get(reverse("selections:ballot", args=[r.pk]))
    assert before.status_code == 200 and "opens on 2026-03-16" in before.content.decode()
    assert client.post(reverse("selections:ballot", args=[r.pk]), {"step": "cast"}).status_code == 400
    r = _open_vote(r)
    learning, _income = _nominations(r)
    fields = ballot_fields(r, {Builtin.LEARNING: learning})
    _count(r)
    after = client.post(reverse("selections:ballot", args=[r.pk]), {**fields, "step": "cast"})
    assert after.status_code == 400 and "is closed" in after.content.decode()
    assert Ballot.objects.count() == 0


def test_someone_not_on_the_roll_is_told_so(world):
    r = in_vote(world.a)
    client = Client(**EN)
    client.force_login(world.a.manager)  # a manager without a personal record: no line on the roll
    response = client.get(reverse("selections:ballot", args=[r.pk]))
    assert response.status_code == 403
    assert "not on the roll" in response.content.decode()


def test_b_people_cannot_reach_a_vote(world):
    r = in_vote(world.a)
    b_worker = _voter(world.b.worker)
    for name in ("selections:ballot", "selections:count", "selections:receipt"):
        assert b_worker.get(reverse(name, args=[r.pk])).status_code == 404
    b_secretary = Client(**EN)
    b_secretary.force_login(world.b.secretary)
    for name in ("selections:tellers", "selections:sheets", "selections:count"):
        assert b_secretary.get(reverse(name, args=[r.pk])).status_code == 404


def test_the_count_shows_nothing_before_the_count_then_the_votes_and_a_recount_that_matches(world):
    r = in_vote(world.a)
    learning, income = _nominations(r)
    member, worker = _voter(world.a.member), _voter(world.a.worker)
    vote(member, r, {Builtin.LEARNING: learning, Builtin.INCOME: income})
    vote(worker, r, {Builtin.LEARNING: learning})
    organiser = Client(**EN)
    organiser.force_login(world.a.secretary)
    before = organiser.get(reverse("selections:count", args=[r.pk])).content.decode()
    assert "not counted yet" in before and 'data-voted="2"' in before and "data-votes" not in before
    assert "data-votes" not in worker.get(reverse("selections:count", args=[r.pk])).content.decode()
    _count(r)
    page = organiser.get(reverse("selections:count", args=[r.pk])).content.decode()
    assert 'data-nominee="A党员" data-votes="2"' in page and 'data-nominee="A工人" data-votes="1"' in page
    assert r.poll.digest in page
    recounted = organiser.post(reverse("selections:count", args=[r.pk])).content.decode()
    assert 'data-recount="same"' in recounted
    # A voter reads the votes once the notice publishes them, and counting again is the
    # organiser's and the auditors'.
    as_voter = worker.get(reverse("selections:count", args=[r.pk])).content.decode()
    assert "data-unpublished" in as_voter and "data-votes" not in as_voter and "data-recount-form" not in as_voter
    assert worker.post(reverse("selections:count", args=[r.pk])).status_code == 403
    # A ballot changed behind the count's back shows.
    Mark.objects.filter(ballot__poll=r.poll, question__label="Learning model").update(option=None)
    differs = organiser.post(reverse("selections:count", args=[r.pk])).content.decode()
    assert 'data-recount="differs"' in differs


def test_a_tie_at_the_last_place_is_flagged(world):
    r = round_of(world.a)
    services.nominate(actor=None, category=category(r), nominee=world.a.member, kind="self", reason="带头学习新工艺")
    services.nominate(
        actor=None, category=category(r), nominee=world.a.worker, kind="self", reason="自学电工证，带动班组学习"
    )
    r = _open_vote(r)
    learning_member = r.nominations.get(category__builtin=Builtin.LEARNING, nominee=world.a.member)
    learning_worker = r.nominations.get(category__builtin=Builtin.LEARNING, nominee=world.a.worker)
    vote(_voter(world.a.member), r, {Builtin.LEARNING: learning_worker})
    vote(_voter(world.a.worker), r, {Builtin.LEARNING: learning_member})
    _count(r)
    organiser = Client(**EN)
    organiser.force_login(world.a.manager)
    page = organiser.get(reverse("selections:count", args=[r.pk])).content.decode()
    assert page.count("data-tied") == 2 and "the committee decides" in page


def test_the_receipt_check_says_counted_or_not_never_what(world):
    r = in_vote(world.a)
    learning, _income = _nominations(r)
    client = _voter(world.a.worker)
    receipt = vote(client, r, {Builtin.LEARNING: learning})
    url = reverse("selections:receipt", args=[r.pk])
    assert 'data-answer="not_counted"' in client.post(url, {"receipt": receipt}).content.decode()
    _count(r)
    answer = client.post(url, {"receipt": receipt.lower().replace("-", " ")}).content.decode()
    assert 'data-answer="counted"' in answer and "A党员" not in answer
    assert 'data-answer="unknown"' in client.post(url, {"receipt": "0000-0000-0000"}).content.decode()
    public = Client(**EN).post(reverse("selections:receipt_check"), {"receipt": receipt}).content.decode()
    assert 'data-answer="counted"' in public and r.title in public and "A党员" not in public


def test_recount_round_prints_the_count_and_fails_when_the_ballots_changed(world, capsys):
    r = in_vote(world.a)
    learning, income = _nominations(r)
    vote(_voter(world.a.member), r, {Builtin.LEARNING: learning, Builtin.INCOME: income})
    with pytest.raises(CommandError, match="not counted yet"):
        call_command("recount_round", r.pk)
    _count(r)
    call_command("recount_round", r.pk)
    out = capsys.readouterr().out
    assert "matches" in out and "A党员 1" in out and r.poll.digest in out
    Ballot.objects.filter(poll=r.poll).delete()
    with pytest.raises(CommandError, match="DIFFERS"):
        call_command("recount_round", r.pk)
    assert r.poll.state == PollState.COUNTED and ballot_selectors.recount(r.poll).ballots == 0


def test_the_votes_stay_with_the_committee_until_the_notice(world, client):
    """An employee who reads the round sees no votes during the committee's review, on the count
    page or through the API, and sees them once the notice is up; the organiser sees them at once."""
    from dangjian.selections import services as selection_services
    from dangjian.testing.factories import UserFactory
    from dangjian.testing.selections import in_vote

    a = world.a
    r = in_vote(a)
    selection_services.advance(actor=None, round=r, today=r.vote_until + dt.timedelta(days=1))
    worker = UserFactory(person=a.worker)
    client.force_login(worker)
    page = client.get(f"/selections/{r.pk}/count/", headers={"accept-language": "en"})
    assert page.status_code == 200 and b"data-unpublished" in page.content and b"data-votes" not in page.content
    assert client.get(f"/api/v1/selections/rounds/{r.pk}/results").status_code == 403
    client.force_login(a.secretary)
    assert b"data-unpublished" not in client.get(f"/selections/{r.pk}/count/").content
    assert client.get(f"/api/v1/selections/rounds/{r.pk}/results").status_code == 200
    for res in r.results.filter(elected=True):
        selection_services.decide(actor=a.secretary, result=res, decision="confirmed")
    selection_services.advance(actor=None, round=r, today=r.notice_on)
    client.force_login(worker)
    assert b"data-unpublished" not in client.get(f"/selections/{r.pk}/count/").content
    assert client.get(f"/api/v1/selections/rounds/{r.pk}/results").status_code == 200
