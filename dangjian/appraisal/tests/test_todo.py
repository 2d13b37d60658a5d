"""The appraisal on the to-do list: a member's self-assessment, mutual assessment and rating
while each is open, gone once done; the branch's officers' next step; nothing of A's round on B's
secretary's list."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.appraisal import services, todo
from dangjian.appraisal.models import Participant, Step
from dangjian.testing import appraisal as scene
from dangjian.testing.factories import UserFactory

TODAY = dt.date(2026, 12, 5)


def _titles(user, today=TODAY):
    return [t.title for t in todo.todo(user, today)]


def test_a_member_is_asked_for_each_open_part_until_it_is_done(world):
    user = UserFactory(username="member_a", person=world.a.member)
    r = scene.round_of(world.a)
    assert _titles(user) == []
    scene.at_step(r, Step.SELF)
    assert any("self-assessment" in t for t in _titles(user))
    line = Participant.objects.get(round=r, person=world.a.member)
    services.write_self_assessment(actor=user, participant=line, text="自评")
    assert not any("self-assessment" in t for t in _titles(user))
    scene.at_step(r, Step.MUTUAL)
    assert any("Comment on your fellow members" in t for t in _titles(user))
    scene.at_step(r, Step.VOTE)
    items = [t for t in todo.todo(user, TODAY) if "Rate the members" in t.title]
    assert items and items[0].url == reverse("appraisal:ballot", args=[r.pk])
    scene.cast_all(r)
    assert not any("Rate the members" in t for t in _titles(user))


def test_the_officers_see_the_next_step_and_b_sees_nothing_of_a(world):
    r = scene.round_of(world.a)
    assert any("Move the 2026 democratic appraisal on" in t for t in _titles(world.a.secretary))
    assert _titles(world.b.secretary) == []
    scene.counted(r)
    assert any("Propose the members' grades" in t for t in _titles(world.a.secretary))
    assert _titles(world.b.secretary) == []
    # A committee above oversees; the next step is the branch's officers' to-do.
    assert _titles(world.county_admin) == []


def test_the_home_page_lists_the_rating(world, login):
    user = UserFactory(username="member_a", person=world.a.member)
    scene.at_step(scene.round_of(world.a), Step.VOTE)
    body = login(user).get(reverse("home")).content.decode()
    assert 'data-todo-kind="appraisal"' in body
