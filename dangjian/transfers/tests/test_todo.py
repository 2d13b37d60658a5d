"""Transfers on the to-do home: the receiving branch's letters to accept, expired letters on both
sides, letters from outside to verify; nothing of another branch's."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.pages.todo import todos
from dangjian.testing.transfers import incoming, issued
from dangjian.transfers.todo import todo

pytestmark = pytest.mark.django_db


def test_the_receiver_is_asked_to_accept_until_the_letters_last_day(world):
    t = issued(world)
    items = todo(world.b.secretary)
    assert [(i.url.endswith(f"/{t.pk}/"), i.due_by, i.overdue) for i in items] == [(True, t.valid_until, False)]
    assert todo(world.a.secretary) == []  # the sender waits; nothing to do yet
    assert any(t.number == i.detail for i in todos(world.b.secretary)[0])


def test_an_expired_letter_is_on_both_sides_lists_as_overdue(world):
    today = dt.date.today()
    t = issued(world, on=today - dt.timedelta(days=40), valid_until=today - dt.timedelta(days=1))
    for user in (world.a.secretary, world.b.secretary):
        items = todo(user)
        assert [(i.detail, i.overdue) for i in items] == [(t.number, True)]
        assert t.valid_until.isoformat() in items[0].title


def test_a_letter_from_outside_waits_on_its_branch_only(world):
    incoming(world, "a")
    assert len(todo(world.a.secretary)) == 1
    assert todo(world.b.secretary) == []
    assert todo(world.a.manager) == []
