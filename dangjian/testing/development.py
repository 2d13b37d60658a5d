"""Candidacies for the tests: a candidate walked through the 25 steps on valid dates (`plan`,
`record`, `sponsors`) and candidacies of side A at a known step (`applicant`, `walked`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.development import rules, services
from dangjian.people import services as people
from dangjian.testing.factories import PersonFactory

APPLIED = dt.date(2021, 3, 1)


def plan(applied_on: dt.date, sponsors: list[int], contacts: list[int]) -> list[tuple[int, dt.date, dict[str, Any]]]:
    """(step, date, data) for steps 2–25 after an application on `applied_on`, each on the
    earliest sensible day; a conversion on time."""
    a = applied_on
    activist = a + dt.timedelta(days=20)
    target = rules.add_years(activist, 1)
    notice_from = target + dt.timedelta(days=40)
    meeting = notice_from + dt.timedelta(days=10)
    vote = {"entitled": 9, "full_entitled": 9, "present": 7, "yes": 6, "written_yes": 1}
    end = rules.add_years(meeting, 1)
    return [
        (2, a + dt.timedelta(days=10), {}),
        (3, activist, {"recommended_by": "members"}),
        (4, activist + dt.timedelta(days=5), {}),
        (5, activist + dt.timedelta(days=5), {"contacts": contacts}),
        (6, rules.add_months(activist, 6), {}),
        (6, rules.add_months(activist, 12), {}),
        (7, target, {}),
        (8, target + dt.timedelta(days=5), {}),
        (9, target + dt.timedelta(days=5), {"sponsors": sponsors}),
        (10, target + dt.timedelta(days=20), {}),
        (11, target + dt.timedelta(days=25), {"days": 3}),
        (12, target + dt.timedelta(days=35), {}),
        (
            13,
            notice_from,
            {"notice_from": notice_from.isoformat(), "notice_to": (notice_from + dt.timedelta(days=4)).isoformat()},
        ),
        (14, notice_from + dt.timedelta(days=6), {}),
        (15, meeting, vote),
        (16, meeting + dt.timedelta(days=10), {}),
        (17, meeting + dt.timedelta(days=30), {}),
        (18, meeting + dt.timedelta(days=40), {}),
        (19, meeting + dt.timedelta(days=40), {}),
        (20, meeting + dt.timedelta(days=45), {}),
        (22, end - dt.timedelta(days=10), {}),
        (23, end, vote),
        (24, end + dt.timedelta(days=30), {"decision": "on_time"}),
        (25, end + dt.timedelta(days=40), {}),
    ]


def record(world: Any, candidacy: Any, number: int, on: dt.date, data: dict[str, Any], today: dt.date) -> Any:
    """Record one step of `plan` as the one who must: branch A's secretary its own steps, the
    county's organisation department those of the bodies above the branch."""
    return services.record_step(
        actor=world.county_admin if number in services.HIGHER_STEPS else world.a.secretary,
        candidacy=candidacy,
        number=number,
        done_on=on,
        data=data,
        conclusion="政治可靠" if number == 10 else "",
        today=today,
    )


def sponsors(world: Any) -> list[int]:
    """Two full members of branch A to sponsor or cultivate: its member and a second one."""
    second = PersonFactory.create(name="A党员二", employer=world.a.enterprise)
    people.add_membership(
        actor=None,
        person=second,
        organization=world.a.branch,
        admitted_on=dt.date(2012, 7, 1),
        converted_on=dt.date(2013, 7, 1),
    )
    return [world.a.member.pk, second.pk]


def voters(world: Any, n: int = 9) -> None:
    """Branch A given `n` full members (members converted long ago added as needed), so that the
    plan's tally of `n` entitled to vote is the branch's (it may not be more, nor fewer without a
    reason)."""
    have = len(services.full_members_of(world.a.branch))
    for k in range(have, n):
        person = PersonFactory.create(name=f"A投票人{k}", employer=world.a.enterprise)
        people.add_membership(
            actor=None,
            person=person,
            organization=world.a.branch,
            admitted_on=dt.date(2009, 7, 1),
            converted_on=dt.date(2010, 7, 1),
        )


def applicant(world: Any, applied_on: dt.date, organization: Any = None, name: str = "阿比巴汗") -> Any:
    """A new applicant to branch A (or `organization`), employed by enterprise A."""
    person = PersonFactory.create(name=name, employer=world.a.enterprise, birth_date=dt.date(1998, 5, 5))
    return services.apply(
        actor=world.a.secretary,
        person=person,
        organization=organization or world.a.branch,
        applied_on=applied_on,
        today=applied_on,
    )


def walked(world: Any, up_to: int) -> tuple[Any, list[tuple[int, dt.date, dict[str, Any]]]]:
    """A candidacy of branch A, applied on APPLIED, with steps 2 … `up_to` recorded on the
    walk's dates; returns it and the walk's plan."""
    cand = applicant(world, APPLIED)
    steps = plan(APPLIED, sponsors(world), [world.a.member.pk])
    voters(world)
    for number, on, data in steps:
        if number > up_to:
            break
        record(world, cand, number, on, data, today=on)
    cand.refresh_from_db()
    return cand, steps


def date_of(steps: list[tuple[int, dt.date, dict[str, Any]]], number: int) -> dt.date:
    return next(on for n, on, _data in steps if n == number)
