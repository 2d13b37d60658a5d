"""Party members with known admission and conversion dates, built through the people services."""

from __future__ import annotations

import datetime as dt
import itertools

from dangjian.people import services as people
from dangjian.people.models import Membership
from dangjian.testing.factories import PersonFactory

_n = itertools.count(1)


def member(
    side,
    admitted_on: dt.date,
    converted_on: dt.date | None = None,
    *,
    name: str | None = None,
    org=None,
    **person_fields,
):
    """A member of the side's branch (or `org`), employed by the side's enterprise."""
    person = PersonFactory.create(
        name=name or f"党员{next(_n)}", employer=side.enterprise, birth_date=dt.date(1970, 3, 3), **person_fields
    )
    people.add_membership(
        actor=None,
        person=person,
        organization=org or side.branch,
        admitted_on=admitted_on,
        converted_on=converted_on,
    )
    person.refresh_from_db()
    return person


def transfer(person, to_org, on: dt.date):
    """组织关系转接: end the open record, open the next one with the same dates."""
    old = person.memberships.get(ended_on__isnull=True)
    people.update_membership(actor=None, membership=old, ended_on=on, end_reason=Membership.EndReason.TRANSFERRED)
    people.add_membership(
        actor=None,
        person=person,
        organization=to_org,
        admitted_on=old.admitted_on,
        converted_on=old.converted_on,
        joined_org_on=on,
    )
    person.refresh_from_db()
    return person
