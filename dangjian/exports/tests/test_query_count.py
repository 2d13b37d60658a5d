"""An export runs a fixed number of queries, however many rows it writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.people import services as people_services
from dangjian.testing.exports import read_rows
from dangjian.testing.factories import PersonFactory, UnitFactory

# The export event is appended inside a writing service: one query for its id, one to insert it.
PINNED = {"people": 14, "members": 14, "organizations": 14, "enterprises": 15, "units": 15}


def _grow(world, n: int) -> None:
    """n more people of A, each in a new team and a party member, so every list grows."""
    for _ in range(n):
        team = UnitFactory(enterprise=world.a.enterprise, parent=world.a.workshop)
        person = PersonFactory(employer=world.a.enterprise, team=team)
        people_services.add_membership(
            actor=None, person=person, organization=world.a.branch, admitted_on=dt.date(2015, 7, 1)
        )


def _count(client, kind: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse(f"exports:{kind}"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind", sorted(PINNED))
def test_query_count_is_pinned_and_flat(world, client, kind):
    client.force_login(world.a.secretary)
    _grow(world, 3)
    few = _count(client, kind)
    _grow(world, 27)
    assert _count(client, kind) == few == PINNED[kind]


@pytest.mark.parametrize("kind", ["people", "units"])
def test_the_other_sides_rows_neither_appear_nor_cost_a_query(world, client, kind):
    client.force_login(world.a.secretary)
    _grow(world, 3)
    few = _count(client, kind)
    for _ in range(10):
        team = UnitFactory(enterprise=world.b.enterprise, parent=world.b.workshop, name=f"B班组{_}")
        PersonFactory(employer=world.b.enterprise, team=team, name=f"B员工{_}")
    assert _count(client, kind) == few
    cells = {str(cell) for row in read_rows(client.post(reverse(f"exports:{kind}")).content) for cell in row}
    assert not [cell for cell in cells if cell.startswith(("B员工", "B班组", "B公司"))]
    assert world.a.worker.name in cells or world.a.team.name in cells
