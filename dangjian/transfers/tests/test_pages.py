"""The transfers' pages as the sending branch, the receiving branch (also in another county) and
side B: who sees which letter, who may act on it, and what a refusal says."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.people import services as people_services
from dangjian.people.models import Membership
from dangjian.testing.exports import read_rows
from dangjian.testing.factories import PersonFactory, UserFactory
from dangjian.testing.transfers import b_letter, issued, other_county_branch
from dangjian.transfers import services

pytestmark = pytest.mark.django_db


def _other_county_secretary(world):
    branch = other_county_branch(world)
    user = UserFactory(username="secretary_yq")
    access_services.assign_role(actor=None, user=user, role=Role.SECRETARY, organization=branch)
    return branch, user


def test_the_secretary_issues_from_the_person_page_and_the_receiver_accepts(world, login):
    client = login(world.a.secretary)
    panel = client.get(reverse("transfers:person", args=[world.a.member.pk])).content.decode()
    assert reverse("transfers:issue", args=[world.a.member.pk]) in panel
    today = dt.date.today()
    response = client.post(
        reverse("transfers:issue", args=[world.a.member.pk]),
        {
            "where": "internal",
            "to_org_name": world.b.branch.name,
            "issued_on": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=30)).isoformat(),
            "dues_paid_to": f"{today:%Y-%m}",
        },
    )
    assert response.status_code == 302
    t = world.a.member.transfers.get()
    # The receiving branch's secretary reads it and accepts; the sender may not.
    assert client.get(reverse("transfers:accept", args=[t.pk])).status_code == 403
    receiver = login(world.b.secretary)
    page = receiver.get(reverse("transfers:detail", args=[t.pk])).content.decode()
    assert "A党员" in page and reverse("transfers:accept", args=[t.pk]) in page
    response = receiver.post(reverse("transfers:accept", args=[t.pk]), {"on": today.isoformat()})
    assert response.status_code == 302
    assert Membership.objects.get(person=world.a.member, ended_on__isnull=True).organization == world.b.branch
    # Both sides' person panels show the move.
    panel = receiver.get(reverse("transfers:person", args=[world.a.member.pk])).content.decode()
    assert t.number in panel


def test_a_refusal_is_explained_on_the_form_and_nothing_is_stored(world, login):
    today = dt.date.today()
    response = login(world.a.secretary).post(
        reverse("transfers:issue", args=[world.a.member.pk]),
        {
            "where": "internal",
            "to_org_name": world.a.branch.name,
            "issued_on": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=120)).isoformat(),
            "dues_paid_to": f"{today:%Y-%m}",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "three months" in body or "三个月" in body or "own branch" in body
    assert not world.a.member.transfers.exists()


def test_a_branch_in_another_county_reads_the_letter_to_it_and_nothing_else_of_the_sender(world, login):
    branch, yq = _other_county_secretary(world)
    t = issued(world, to_org=branch)
    client = login(yq)
    assert client.get(reverse("transfers:detail", args=[t.pk])).status_code == 200
    assert client.get(reverse("people:detail", args=[world.a.member.pk])).status_code == 404
    assert client.get(reverse("organizations:detail", args=[world.a.branch.pk])).status_code == 404
    listed = client.get(reverse("transfers:list")).content.decode()
    assert t.number in listed


def test_side_b_neither_sees_nor_acts_on_as_letters_and_a_not_bs(world, login):
    t = issued(world, to_org=other_county_branch(world))
    b = login(world.b.secretary)
    for name in ("transfers:detail", "transfers:accept", "transfers:cancel", "transfers:return"):
        assert b.get(reverse(name, args=[t.pk])).status_code == 404
        assert b.post(reverse(name, args=[t.pk]), {"reason": "x", "on": "2026-01-01"}).status_code == 404
    assert t.number not in b.get(reverse("transfers:list")).content.decode()
    theirs = b_letter(world)
    a = login(world.a.secretary)
    assert a.get(reverse("transfers:detail", args=[theirs.pk])).status_code == 404
    assert theirs.number not in a.get(reverse("transfers:list")).content.decode()


def test_an_expired_letter_shows_its_date_and_offers_no_acceptance(world, login):
    today = dt.date.today()
    t = issued(world, on=today - dt.timedelta(days=40), valid_until=today - dt.timedelta(days=5))
    client = login(world.b.secretary)
    page = client.get(reverse("transfers:detail", args=[t.pk])).content.decode()
    assert t.valid_until.isoformat() in page and 'href="' + reverse("transfers:accept", args=[t.pk]) not in page
    response = client.post(reverse("transfers:accept", args=[t.pk]), {"on": today.isoformat()})
    assert response.status_code == 400 and t.valid_until.isoformat() in response.content.decode()


def test_the_paper_letter_reveals_the_id_number_and_is_recorded(world, login):
    t = issued(world, outside="乌鲁木齐市某公司党支部")
    client = login(world.a.secretary)
    response = client.post(reverse("transfers:letter", args=[t.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(
        action="reveal", object_type="people.Person", object_id=str(world.a.member.pk), actor=world.a.secretary
    ).exists()
    assert login(world.b.secretary).post(reverse("transfers:letter", args=[t.pk])).status_code == 404


def test_the_list_download(world, login):
    t = issued(world)
    response = login(world.a.secretary).post(reverse("transfers:export"))
    assert response.status_code == 200
    rows = read_rows(response.content)
    assert any(t.number in [str(c) for c in row] for row in rows)
    assert AuditEvent.objects.filter(action="export", object_type="transfers.Transfer").exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_asks_as_many_queries_for_many_letters_as_for_one(world, login):
    issued(world)
    client = login(world.county_admin)
    url = reverse("transfers:list")
    one = _queries(client, url)
    for i in range(5):
        p = PersonFactory(name=f"A新党员{i}", employer=world.a.enterprise)
        people_services.add_membership(
            actor=None, person=p, organization=world.a.branch, admitted_on=dt.date(2020, 1, 1)
        )
        p.refresh_from_db()
        services.issue(actor=world.a.secretary, person=p, to_org=world.b.branch, dues_paid_to=dt.date.today())
    assert _queries(client, url) == one


def test_the_receiving_branch_is_typed_by_its_full_name_and_an_unknown_one_is_explained(world, login):
    today = dt.date.today()
    other_county_branch(world)
    form = {
        "where": "internal",
        "to_org_name": "B公司",  # part of a name: no branch is picked from a partial name
        "issued_on": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=30)).isoformat(),
        "dues_paid_to": f"{today:%Y-%m}",
    }
    response = login(world.a.secretary).post(reverse("transfers:issue", args=[world.a.member.pk]), form)
    assert response.status_code == 400 and "B公司" in response.content.decode()
    assert not world.a.member.transfers.exists()
    page = login(world.a.secretary).get(reverse("transfers:issue", args=[world.a.member.pk])).content.decode()
    assert "B公司党支部" not in page  # no list of other enterprises' branches to pick from


def test_the_panel_is_left_out_for_someone_never_moved_and_never_to_be_moved_by_the_reader(world, login):
    response = login(world.a.manager).get(reverse("transfers:person", args=[world.a.worker.pk]))
    assert response.status_code == 200 and "data-transfers-panel" not in response.content.decode()
    assert login(world.b.manager).get(reverse("transfers:person", args=[world.a.worker.pk])).status_code == 404
