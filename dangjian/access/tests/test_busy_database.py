"""While other work holds the database's write lock (a long import), nothing else fails: writes
that are not the user's purpose give way, and a refused write answers 503 "try again" with
nothing stored, never a 500 (dangjian/busy.py). The lock is held by a second connection
(dangjian/testing/busy.py), so these tests commit for real (transactional_db)."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import translation

from dangjian.access.models import ApiToken
from dangjian.access.sessions import SessionStore
from dangjian.audit.models import AuditEvent
from dangjian.branchlife.models import Attendance
from dangjian.busy import BUSY_MESSAGE, RETRY_AFTER_SECONDS, is_busy
from dangjian.organizations.models import Organization
from dangjian.testing.api import API
from dangjian.testing.branchlife import meeting
from dangjian.testing.busy import database_busy, row_busy

pytestmark = pytest.mark.usefixtures("transactional_db")

BACKEND = "django.contrib.auth.backends.ModelBackend"


def test_a_token_call_answers_while_the_database_is_busy_and_leaves_its_last_use_for_later(world, api_as):
    client, other_side = api_as(world.a.secretary), api_as(world.b.secretary)
    with database_busy():
        response = client.get(f"{API}/me")
        # Scope holds as ever: B's secretary is still told A's branch does not exist.
        outside = other_side.get(f"{API}/organizations/{world.a.branch.pk}")
    assert response.status_code == 200, response.content
    assert response.json()["username"] == world.a.secretary.username
    assert outside.status_code == 404
    # The last use was not written (nor waited for): the next call, on a free database, writes it.
    token = ApiToken.objects.get(user=world.a.secretary)
    assert token.last_used_at is None
    assert client.get(f"{API}/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_page_write_refused_by_a_busy_database_answers_503_and_stores_nothing(world, client):
    client.force_login(world.a.secretary)
    events = AuditEvent.objects.count()
    with database_busy():
        response = client.post(reverse("access:tokens"), {"name": "夜间同步"})
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    with translation.override("zh-hans"):
        assert html.escape(str(BUSY_MESSAGE)) in response.content.decode()
    assert not ApiToken.objects.filter(user=world.a.secretary).exists()
    assert AuditEvent.objects.count() == events
    # Once the database is free, the same request goes through.
    assert client.post(reverse("access:tokens"), {"name": "夜间同步"}).status_code == 200
    assert ApiToken.objects.filter(user=world.a.secretary, name="夜间同步").exists()


def test_an_attendance_tap_refused_by_a_busy_database_says_to_try_again_and_marks_nothing(world, client):
    m = meeting(world.a)
    row = m.attendances.get(person=world.a.member)
    client.force_login(world.a.secretary)
    with database_busy():
        response = client.post(
            reverse("branchlife:mark", args=[m.pk, row.pk]), {"state": "present"}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "data-busy" in response.content.decode()  # the notice ui/app.js shows on the page
    assert Attendance.objects.get(pk=row.pk).state == row.state


def test_an_api_write_refused_by_a_busy_database_answers_503_in_the_error_shape(world, api_as):
    client = api_as(world.a.secretary, **{"accept-language": "en"})
    events = AuditEvent.objects.count()
    body = {"kind": "group", "name": "A第二党小组", "parent_id": world.a.branch.pk}
    with database_busy():
        response = client.post(f"{API}/organizations", body)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    with translation.override("en"):
        assert response.json() == {"code": "busy", "message": str(BUSY_MESSAGE)}
    assert not Organization.objects.filter(name="A第二党小组").exists()
    assert AuditEvent.objects.count() == events
    assert client.post(f"{API}/organizations", body).status_code == 201


def test_a_login_refused_by_a_busy_database_answers_503_and_signs_nobody_in(world, client):
    world.a.secretary.set_password("pw-for-the-test")
    world.a.secretary.save()
    with database_busy():
        response = client.post(
            reverse("login"), {"username": world.a.secretary.username, "password": "pw-for-the-test"}
        )
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert client.get(reverse("home")).status_code == 302  # to the login page
    world.a.secretary.refresh_from_db()
    assert world.a.secretary.last_login is None


def test_a_sessions_page_state_gives_way_to_a_busy_database_but_whom_it_signs_in_does_not(world):
    session = SessionStore()
    session.update({SESSION_KEY: str(world.a.secretary.pk), BACKEND_SESSION_KEY: BACKEND})
    session.create()
    with database_busy():
        page = SessionStore(session.session_key)
        page["note"] = "下一页的提示"
        page.save()  # skipped, not failed
        switched = SessionStore(session.session_key)
        switched[SESSION_KEY] = str(world.b.secretary.pk)
        with pytest.raises(Exception) as refused:
            switched.save()
        assert is_busy(refused.value)
    stored = SessionStore(session.session_key).load()
    assert "note" not in stored
    assert stored[SESSION_KEY] == str(world.a.secretary.pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite locks the whole database, never one row")
def test_a_login_is_not_held_up_by_its_last_login_time(world, client):
    world.a.secretary.set_password("pw-for-the-test")
    world.a.secretary.save()
    with row_busy(world.a.secretary):  # e.g. an administrator's long edit of the user
        response = client.post(
            reverse("login"), {"username": world.a.secretary.username, "password": "pw-for-the-test"}
        )
    assert response.status_code == 302, response.content
    assert client.get(reverse("home")).status_code == 200
    world.a.secretary.refresh_from_db()
    assert world.a.secretary.last_login is None  # bookkeeping, skipped; the login event is recorded
    assert AuditEvent.objects.filter(action="login", actor=world.a.secretary).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite refuses the password before the session")
def test_a_password_change_whose_session_is_refused_keeps_the_old_password(world, client):
    """The session is written after the password: both commit, or neither does."""
    world.a.secretary.set_password("old-pw-for-the-test")
    world.a.secretary.save()
    client.force_login(world.a.secretary)
    events = AuditEvent.objects.count()
    new = {
        "old_password": "old-pw-for-the-test",
        "new_password1": "N3w-pw-for-the-test",
        "new_password2": "N3w-pw-for-the-test",
    }
    with database_busy(Session):
        response = client.post(reverse("access:password_change"), new)
    assert response.status_code == 503
    world.a.secretary.refresh_from_db()
    assert world.a.secretary.check_password("old-pw-for-the-test")
    assert AuditEvent.objects.count() == events
    assert client.get(reverse("home")).status_code == 200  # still signed in


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite refuses the logout event before the session")
def test_a_logout_whose_session_is_refused_records_no_logout_and_stays_signed_in(world, client):
    client.force_login(world.a.secretary)
    with database_busy(Session):
        response = client.post(reverse("logout"))
    assert response.status_code == 503
    assert not AuditEvent.objects.filter(action="logout", actor=world.a.secretary).exists()
    assert client.get(reverse("home")).status_code == 200  # still signed in: log out again
    assert client.post(reverse("logout")).status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=world.a.secretary).count() == 1
