"""Sponsors (step 9) and cultivation contacts (step 5) must have been full party members on the
day they are named, not merely today: someone converted after that day is refused for it, with
the day in the message, and nothing is recorded. A member full then who moved into the branch
since (with the candidate's dossier, as a new branch's first members do) is accepted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from dangjian.development import services
from dangjian.development.models import Step
from dangjian.people import services as people
from dangjian.testing.development import record, sponsors, walked
from dangjian.testing.factories import PersonFactory


def _late_member(world, *, converted_on: dt.date, joined: dt.date | None = None):
    """A full member of branch A today, converted (or transferred in) on the given day."""
    person = PersonFactory.create(name="A新党员", employer=world.a.enterprise)
    people.add_membership(
        actor=None,
        person=person,
        organization=world.a.branch,
        admitted_on=converted_on - dt.timedelta(days=365),
        converted_on=converted_on,
        joined_org_on=joined,
    )
    return person


def _step(steps, number):
    return next((on, data) for n, on, data in steps if n == number)


@pytest.mark.parametrize("number, key", [(5, "contacts"), (9, "sponsors")])
def test_a_member_converted_after_the_day_named_is_refused(world, number, key):
    cand, steps = walked(world, number - 1)
    on, data = _step(steps, number)
    late = _late_member(world, converted_on=on + dt.timedelta(days=1))  # full today, probationary then
    named = {**data, key: [late.pk] if key == "contacts" else [sponsors(world)[0], late.pk]}
    with pytest.raises(services.StepRefused) as exc, translation.override("en"):
        record(world, cand, number, on, named, today=on + dt.timedelta(days=3))
    with translation.override("en"):
        assert f"on the day they are named ({on})" in str(exc.value.messages)
    assert not Step.objects.filter(candidacy=cand, number=number).exists()


def test_a_member_full_then_but_transferred_in_since_is_accepted_one_probationary_then_is_not(world):
    cand, steps = walked(world, 4)
    on, _data = _step(steps, 5)
    probationary_then = _late_member(world, converted_on=on + dt.timedelta(days=1))
    with pytest.raises(services.StepRefused):
        record(world, cand, 5, on, {"contacts": [probationary_then.pk]}, today=on + dt.timedelta(days=30))
    # Full since 2010, moved into the branch later with the dossier (a new branch's first members).
    moved_in = _late_member(world, converted_on=dt.date(2010, 1, 1), joined=on + dt.timedelta(days=10))
    record(world, cand, 5, on, {"contacts": [moved_in.pk]}, today=on + dt.timedelta(days=30))
    assert Step.objects.filter(candidacy=cand, number=5).exists()


def test_a_full_member_of_side_b_is_never_a_sponsor_for_side_a(world):
    cand, steps = walked(world, 8)
    on, _data = _step(steps, 9)
    theirs = PersonFactory.create(name="B老党员", employer=world.b.enterprise)
    people.add_membership(
        actor=None,
        person=theirs,
        organization=world.b.branch,
        admitted_on=dt.date(2000, 1, 1),
        converted_on=dt.date(2001, 1, 1),
    )
    with pytest.raises(services.StepRefused):
        record(world, cand, 9, on, {"sponsors": [sponsors(world)[0], theirs.pk]}, today=on)


def test_members_full_long_before_the_day_are_accepted(world):
    cand, _steps = walked(world, 9)  # the walk's sponsors were converted in 2013, its contacts too
    assert cand.steps.filter(number=9).exists() and cand.steps.filter(number=5).exists()
