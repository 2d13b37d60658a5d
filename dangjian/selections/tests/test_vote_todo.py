"""A round on the to-do home: a ballot to cast for each voter until they vote, a nomination to
back or decline for its nominee, and for the organiser the results to review, the objections to
answer and a round held past its day, with why. Not for a committee above, nor for side B."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dangjian.selections import services
from dangjian.selections.models import Builtin, Decision
from dangjian.selections.todo import todo
from dangjian.testing.factories import UserFactory
from dangjian.testing.selections import in_vote, nominated
from dangjian.testing.voting import vote


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _titles(user, today):
    return [t.title for t in todo(user, today)]


def test_a_voter_has_their_ballot_on_the_home_page_until_they_vote(world):
    r = in_vote(world.a)
    user = UserFactory(person=world.a.worker)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    [item] = todo(user, r.vote_on)
    assert item.url == reverse("selections:ballot", args=[r.pk]) and item.due_by == r.vote_until
    assert not item.overdue and todo(user, r.vote_until + dt.timedelta(days=1))[0].overdue
    home = client.get(reverse("home")).content.decode()
    assert f'href="{item.url}" data-todo-kind="selections"' in home
    vote(client, r, {Builtin.LEARNING: r.nominations.get(category__builtin=Builtin.LEARNING)})
    assert todo(user, r.vote_on) == []
    assert 'data-todo-kind="selections"' not in client.get(reverse("home")).content.decode()


def test_a_nominee_is_asked_for_evidence_before_the_vote(world):
    r = nominated(world.a)
    user = UserFactory(person=world.a.member)
    [item] = todo(user, r.opens_on)
    assert "nominated as “Learning model”" in item.title and item.due_by == r.vote_on - dt.timedelta(days=1)
    nomination = r.nominations.get(nominee=world.a.member)
    services.add_evidence(actor=user, nomination=nomination, text="带教10名新员工掌握新工艺")
    assert todo(user, r.opens_on) == []


def test_the_organiser_reviews_answers_objections_and_learns_why_a_round_is_held(world):
    r = in_vote(world.a)
    vote_as = Client(HTTP_ACCEPT_LANGUAGE="en")
    vote_as.force_login(UserFactory(person=world.a.member))
    learning = r.nominations.get(category__builtin=Builtin.LEARNING)
    vote(vote_as, r, {Builtin.LEARNING: learning})
    counted_on = r.vote_until + dt.timedelta(days=1)
    services.advance(actor=None, round=r, today=counted_on)
    secretary, manager = world.a.secretary, world.a.manager
    assert _titles(secretary, counted_on) == [f"1 result of “{r.title}” awaits the committee's review"]
    assert _titles(manager, counted_on) == _titles(secretary, counted_on)
    held = todo(secretary, r.notice_on)  # the notice's day has come and the review is not done
    assert [t.overdue for t in held] == [True] and "cannot move on to its public notice phase" in held[0].title
    assert "await the committee's review" in held[0].detail
    services.decide(actor=secretary, result=r.results.get(nomination=learning), decision=Decision.CONFIRMED)
    services.advance(actor=None, round=r, today=r.notice_on)
    r.refresh_from_db()
    services.raise_objection(actor=manager, round=r, text="请核实学习成果")
    assert _titles(secretary, r.notice_on) == [f"Answer 1 objection to “{r.title}”"]
    # A committee above may run the round, but its to-do is not the branch's work.
    assert _titles(world.county_admin, r.notice_on) == []


def test_side_b_has_nothing_of_a_round_of_a(world):
    r = in_vote(world.a)
    b_voter = UserFactory(person=world.b.worker)
    assert todo(b_voter, r.vote_on) == []
    assert todo(world.b.secretary, r.vote_on) == [] and todo(world.b.manager, r.vote_on) == []
