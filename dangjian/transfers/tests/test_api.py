"""/transfers over the API: issued by the sender, accepted by the receiver, refusals in words."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.testing.api import API
from dangjian.testing.transfers import b_letter

pytestmark = pytest.mark.django_db


def test_issue_and_accept_over_the_api(world, api_as):
    today = dt.date.today()
    body = {"person_id": world.a.member.pk, "to_org_id": world.b.branch.pk, "dues_paid_to": f"{today:%Y-%m}"}
    response = api_as(world.a.secretary).post(API + "/transfers", data=body)
    assert response.status_code == 201, response.content
    letter = response.json()
    assert (letter["status"], letter["dues_paid_to"], letter["valid_until"]) == (
        "issued",
        f"{today:%Y-%m}",
        (today + dt.timedelta(days=30)).isoformat(),
    )
    again = api_as(world.a.secretary).post(API + "/transfers", data=body)
    assert again.status_code == 422 and "person" in again.json()["errors"]
    assert api_as(world.a.secretary).post(API + f"/transfers/{letter['id']}/accept", data={}).status_code == 403
    accepted = api_as(world.b.secretary).post(API + f"/transfers/{letter['id']}/accept", data={})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    world.a.member.refresh_from_db()
    assert world.a.member.party_org == world.b.branch


def test_validity_past_three_months_is_a_422_naming_the_field(world, api_as):
    body = {
        "person_id": world.a.member.pk,
        "to_org_id": world.b.branch.pk,
        "dues_paid_to": "2026-11",
        "issued_on": "2026-11-30",
        "valid_until": "2027-03-01",
    }
    response = api_as(world.a.secretary).post(API + "/transfers", data=body)
    assert response.status_code == 422 and "valid_until" in response.json()["errors"]


def test_side_a_neither_lists_nor_reads_bs_letters(world, api_as):
    t = b_letter(world)
    client = api_as(world.a.secretary)
    assert client.get(API + f"/transfers/{t.pk}").status_code == 404
    assert all(row["id"] != t.pk for row in client.get(API + "/transfers").json()["items"])
    assert api_as(world.b.secretary).get(API + f"/transfers/{t.pk}").status_code == 200
