"""Members, committees and meetings of a side of the world, built through the services (branch-life tests, the API and the pages)."""

from __future__ import annotations

import datetime as dt

from dangjian.access import services as access_services
from dangjian.access.models import Role, User
from dangjian.branchlife import services
from dangjian.people import services as people_services
from dangjian.testing.factories import PersonFactory, UserFactory


def add_member(side, name: str, org=None, admitted=dt.date(2018, 6, 1)):
    person = PersonFactory.create(name=name, employer=side.enterprise, team=side.team)
    people_services.add_membership(
        actor=None, person=person, organization=org or side.branch, admitted_on=admitted, converted_on=None
    )
    person.refresh_from_db()
    return person


def committee(side, *names: str):
    """Give side's branch a committee: the secretary plus a committee member per name."""
    users: list[User] = []
    for name in names:
        person = add_member(side, name)
        user = UserFactory.create(username=f"c_{side.branch.pk}_{len(users)}_{name}", person=person)
        access_services.assign_role(actor=None, user=user, role=Role.COMMITTEE_MEMBER, organization=side.branch)
        users.append(user)
    return users


def meeting(side, kind="general", on=dt.date(2026, 3, 10), status="held", actor=None, org=None, **extra):
    extra.setdefault("topic", f"{kind} {on}")
    return services.plan_meeting(
        actor=actor, organization=org or side.branch, kind=kind, held_on=on, status=status, **extra
    )
