"""Records that read right: a member's record shows when they came into the organisation (a
transfer in, not only their admission years before); an applicant finds their own application
from the menu and from their record."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.people import services as people
from dangjian.testing.development import APPLIED, applicant
from dangjian.testing.factories import PersonFactory, UserFactory


def test_a_transferred_member_shows_the_day_they_came_in(world, login):
    person = PersonFactory(name="何老党员", employer=world.a.enterprise)
    people.add_membership(
        actor=None,
        person=person,
        organization=world.a.branch,
        admitted_on=dt.date(2005, 7, 1),
        converted_on=dt.date(2006, 7, 1),
        joined_org_on=dt.date(2026, 5, 4),
    )
    body = login(world.a.secretary).get(reverse("people:detail", args=[person.pk])).content.decode()
    cell = body.split("data-in-org>", 1)[1].split("</td>", 1)[0]
    assert "2026-05-04" in cell and "转入" in cell
    assert "2005-07-01" in body  # the admission is still shown, as admitted
    assert login(world.b.secretary).get(reverse("people:detail", args=[person.pk])).status_code == 404


def test_an_applicant_finds_their_application_from_the_menu_and_their_record(world, login):
    cand = applicant(world, APPLIED)
    user = UserFactory(username="applicant_a", person=cand.person)
    client = login(user)
    home = client.get(reverse("home")).content.decode()
    link = reverse("development:detail", args=[cand.pk])
    assert f'href="{link}" data-my-application' in home
    record = client.get(reverse("people:detail", args=[cand.person.pk])).content.decode()
    assert f'href="{link}"' in record
    assert client.get(link).status_code == 200
    assert login(world.b.secretary).get(link).status_code == 404


def test_a_member_without_an_application_has_no_such_menu_entry(world, login, member_user):
    assert "data-my-application" not in login(member_user).get(reverse("home")).content.decode()
