"""Candidacies at a known point of the 25 steps, built through the development services."""

from __future__ import annotations

import datetime as dt

from dangjian.development import services as development
from dangjian.development.tests.walk import plan, record, sponsors
from dangjian.testing.factories import PersonFactory

APPLIED = dt.date(2021, 3, 1)


def applicant(world, applied_on: dt.date, organization=None, name: str = "阿比巴汗"):
    person = PersonFactory(name=name, employer=world.a.enterprise, birth_date=dt.date(1998, 5, 5))
    return development.apply(
        actor=world.a.secretary,
        person=person,
        organization=organization or world.a.branch,
        applied_on=applied_on,
        today=applied_on,
    )


def walked(world, up_to: int):
    """A candidacy of branch A, applied on APPLIED, with steps 2 … `up_to` recorded on the
    walk's dates; returns it and the walk's plan."""
    cand = applicant(world, APPLIED)
    steps = plan(APPLIED, sponsors(world), [world.a.member.pk])
    for number, on, data in steps:
        if number > up_to:
            break
        record(world, cand, number, on, data, today=on)
    cand.refresh_from_db()
    return cand, steps


def date_of(steps, number: int) -> dt.date:
    return next(on for n, on, _data in steps if n == number)
