"""The meeting pages run a fixed number of queries, however many meetings, people or branches."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.organizations.models import OrgKind
from dangjian.testing.branchlife import add_member, meeting
from dangjian.testing.factories import make_org

from .. import services

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(world, n: int) -> None:
    for i in range(n):
        person = add_member(world.a, f"新党员{i}")
        m = meeting(world.a, on=dt.date(2026, 1 + i % 12, 2), topic=f"会议{i}")
        services.set_attendance(actor=None, attendance=m.attendances.get(person=person), state="present")
        services.invite(actor=None, meeting=m, person=world.a.worker)
        make_org(OrgKind.BRANCH, f"新支部{i}", world.park)


PAGES = {
    # name: (user, url builder, pinned)
    "meeting list": ("a.secretary", lambda w: reverse("branchlife:list"), 10),
    "meeting page": ("a.secretary", lambda w: reverse("branchlife:detail", args=[w.first.pk]), 10),
    "branch calendar": ("a.secretary", lambda w: reverse("branchlife:calendar") + f"?org={w.a.branch.pk}", 14),
    "county roll-up": ("county_admin", lambda w: reverse("branchlife:calendar") + f"?org={w.county.pk}", 13),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_query_count_is_pinned_and_flat(world, client, page):
    user_path, url_of, pinned = PAGES[page]
    user = world
    for part in user_path.split("."):
        user = getattr(user, part)
    client.force_login(user)
    world.first = meeting(world.a, topic="第一次会议")
    url = url_of(world)
    small = count(client, url)
    grow(world, 8)
    large = count(client, url)
    assert large == small, f"{page}: {small} queries with few rows, {large} with more"
    assert large == pinned, f"{page}: {large} queries; pinned {pinned}"


def test_the_other_sides_meetings_neither_show_nor_cost_a_query(world, client):
    client.force_login(world.a.secretary)
    meeting(world.a, topic="A支部会议")
    url = reverse("branchlife:list")
    before = count(client, url)
    for i in range(5):
        meeting(world.b, on=dt.date(2026, 2, 1 + i), topic=f"B支部会议{i}")
    assert count(client, url) == before
    body = client.get(url).content.decode()
    assert "A支部会议" in body and "B支部会议" not in body
