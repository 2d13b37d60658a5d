"""The "is this ID number registered?" answers: when they are asked, what they say about a
person outside the asker's scope, the audit events they leave and people of side B to ask about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from dangjian.access.models import User
from dangjian.audit.models import Action, AuditEvent
from dangjian.people.models import Person
from dangjian.testing.factories import PersonFactory, make_id_number

NOON = dt.datetime(2026, 3, 10, 4, 10, tzinfo=dt.UTC)  # 12:10 in Beijing
ELSEWHERE = "belongs to a person registered outside your organisation"


def answers(user: User) -> QuerySet[AuditEvent]:
    """The "registered elsewhere" answers `user` has been given, as audited."""
    return AuditEvent.objects.filter(action=Action.REVEAL, actor_id=user.pk, changes__answer="registered elsewhere")


def b_people(world: Any, n: int) -> list[Person]:
    """`n` employees of enterprise B, born on one day."""
    return [
        PersonFactory.create(
            name=f"B员工{i}",
            employer=world.b.enterprise,
            birth_date=dt.date(1991, 2, 3),
            gender="F",
            id_number=make_id_number(dt.date(1991, 2, 3), "F", 500 + i),
        )
        for i in range(n)
    ]
