"""A vote's "entitled" count is the branch's full members on the meeting's day: never more;
fewer only with the reason written down (members whose voting rights are suspended)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from dangjian.development import services
from dangjian.development.models import Step
from dangjian.people import services as people
from dangjian.testing.development import date_of, record, walked
from dangjian.testing.factories import PersonFactory


def _vote(n: int, **extra):
    return {"entitled": n, "full_entitled": n, "present": n, "yes": n, **extra}


def test_more_entitled_than_the_branchs_full_members_is_refused(world):
    cand, steps = walked(world, 14)
    on = date_of(steps, 15)
    with pytest.raises(services.StepRefused) as exc, translation.override("en"):
        record(world, cand, 15, on, _vote(10), today=on)
    with translation.override("en"):
        assert f"more than the 9 full members the branch had on {on}" in str(exc.value.messages)
    assert not Step.objects.filter(candidacy=cand, number=15).exists()


def test_fewer_entitled_needs_the_reason_and_is_kept_with_it(world):
    cand, steps = walked(world, 14)
    on = date_of(steps, 15)
    with pytest.raises(services.StepRefused) as exc:
        record(world, cand, 15, on, _vote(8), today=on)
    assert [r.rule for r in exc.value.refusals] == ["fewer_reason"]
    step = record(world, cand, 15, on, _vote(8, fewer_reason="一名党员停止党籍"), today=on)
    assert step.data["fewer_reason"] == "一名党员停止党籍"


def test_the_count_is_of_the_day_not_of_today(world):
    cand, steps = walked(world, 14)
    on = date_of(steps, 15)
    for k in range(3):  # three more full members today, converted after the meeting's day
        person = PersonFactory.create(name=f"A后转正{k}", employer=world.a.enterprise)
        people.add_membership(
            actor=None,
            person=person,
            organization=world.a.branch,
            admitted_on=on - dt.timedelta(days=200),
            converted_on=on + dt.timedelta(days=165),
        )
    assert len(services.full_members_of(world.a.branch)) == 12
    with pytest.raises(services.StepRefused):
        record(world, cand, 15, on, _vote(12), today=on)
    record(world, cand, 15, on, _vote(9), today=on)  # the nine of the day


def test_the_api_takes_the_reason_and_refuses_side_b(world, api_as):
    cand, steps = walked(world, 14)
    on = date_of(steps, 15)
    body = {"number": 15, "done_on": on.isoformat(), "data": _vote(8, fewer_reason="停止党籍")}
    answer = api_as(world.a.secretary).post(f"/api/v1/candidacies/{cand.pk}/steps", body)
    assert answer.status_code == 201, answer.content
    assert api_as(world.b.secretary).post(f"/api/v1/candidacies/{cand.pk}/steps", body).status_code == 404


def test_a_vote_before_the_branch_was_founded_is_not_counted_against_it(world):
    """A dossier that came to a new branch: its meeting was the former branch's, whose members
    are not the new one's, so its tally is not checked against them."""
    cand, steps = walked(world, 14)
    on = date_of(steps, 15)
    world.a.branch.founded_on = on + dt.timedelta(days=30)
    world.a.branch.save(update_fields=["founded_on"])
    step = record(world, cand, 15, on, _vote(20), today=on)
    assert step.data["entitled"] == 20


def test_the_reason_is_shown_with_the_tally_on_the_candidacy_page(world, login):
    cand, steps = walked(world, 14)
    on = date_of(steps, 15)
    record(world, cand, 15, on, _vote(8, fewer_reason="一名党员被停止表决权"), today=on)
    body = login(world.a.secretary).get(reverse("development:detail", args=[cand.pk])).content.decode()
    assert "一名党员被停止表决权" in body
    assert login(world.b.secretary).get(reverse("development:detail", args=[cand.pk])).status_code == 404
