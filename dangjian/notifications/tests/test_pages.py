"""The notifications page: one's own only, read one or all; someone else's is not found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def _note(user, title: str, n: int = 1, url: str = "") -> Notification:
    return Notification.objects.create(
        user=user,
        kind=Kind.DEVELOPMENT_DUE,
        key=f"test:{n}",
        title=title,
        body="…",
        url=url,
        sent_on=dt.date(2026, 1, 1),
    )


def test_the_list_shows_ones_own_newest_first(world, login):
    older = _note(world.a.secretary, "A较早的提醒", 1)
    newer = _note(world.a.secretary, "A较新的提醒", 2)
    _note(world.b.secretary, "B的提醒", 3)
    body = login(world.a.secretary).get(reverse("notifications:list")).content.decode()
    assert body.index(newer.title) < body.index(older.title)
    assert "B的提醒" not in body


def test_opening_a_notification_marks_it_read_and_follows_its_link(world, login):
    note = _note(world.a.secretary, "A的提醒", url=f"/people/{world.a.member.pk}/")
    client = login(world.a.secretary)
    response = client.post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    assert AuditEvent.objects.filter(object_type="notifications.Notification", object_id=str(note.pk)).exists()


def test_mark_as_read_without_leaving_and_an_outside_link_is_not_followed(world, login):
    note = _note(world.a.secretary, "A的提醒", url="https://evil.example/")
    response = login(world.a.secretary).post(reverse("notifications:read", args=[note.pk]))
    assert response["Location"] == reverse("notifications:list")
    other = _note(world.a.secretary, "A的提醒二", 2, url="/people/")
    response = login(world.a.secretary).post(reverse("notifications:read", args=[other.pk]), {"stay": "1"})
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_cannot_be_read_or_marked(world, login):
    theirs = _note(world.b.secretary, "B的提醒")
    client = login(world.a.secretary)
    url = reverse("notifications:read", args=[theirs.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 404
    client.post(reverse("notifications:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_ones_own(world, login):
    for n in range(3):
        _note(world.a.secretary, f"A的提醒{n}", n)
    _note(world.b.secretary, "B的提醒", 9)
    response = login(world.a.secretary).post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=world.a.secretary, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=world.b.secretary, read_at__isnull=True).count() == 1


def test_anonymous_is_sent_to_login(world, client):
    note = _note(world.a.secretary, "A的提醒")
    for url in (
        reverse("notifications:list"),
        reverse("notifications:read", args=[note.pk]),
        reverse("notifications:read_all"),
    ):
        response = client.post(url) if "read" in url else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_bell_counts_unread_notifications(world, django_assert_num_queries):
    _note(world.a.secretary, "一", 1)
    Notification.objects.filter(pk=_note(world.a.secretary, "二", 2).pk).update(read_at=dt.datetime.now(dt.UTC))
    _note(world.a.secretary, "三", 3)
    _note(world.b.secretary, "B", 4)
    request = RequestFactory().get("/")
    request.user = world.a.secretary
    with django_assert_num_queries(1):
        html = render_to_string("notifications/_bell.html", {"request": request, "user": request.user})
        render_to_string("notifications/_bell.html", {"request": request, "user": request.user})
    assert ">2</span>" in html and reverse("notifications:list") in html
    request = RequestFactory().get("/")
    request.user = world.b.manager
    assert "badge" not in render_to_string("notifications/_bell.html", {"request": request})
