"""A user locked out after failed logins (django-axes) is refused on the API with their token too,
for as long as the lockout lasts: a token caller has no address in common with the failed
logins, so a lockout of the username from any address counts. The refusal is in the API's one
error shape, says until when, and is in the audit log; an administrator's unlock lifts it."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dangjian.audit.models import Action, AuditEvent
from dangjian.testing.api import API, token_for

PASSWORD = "pass-Word-123"  # the factories' password
START = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


def _fail_logins(username: str, times: int = settings.AXES_FAILURE_LIMIT, address: str = "127.0.0.1") -> None:
    client = Client(REMOTE_ADDR=address)
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-password"})


def _api(token: str, **headers) -> Client:
    return Client(headers={"authorization": f"Bearer {token}", **headers})


def _refusals(user) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=Action.LOGIN_FAILED, object_type="access.User", object_id=str(user.pk))
    )


def test_a_locked_out_users_token_is_refused_until_the_lockout_ends(world):
    user = world.a.secretary
    token = token_for(user)
    with time_machine.travel(START, tick=False) as traveller:
        assert _api(token).get(f"{API}/people").status_code == 200
        _fail_logins(user.username)
        response = _api(token, accept_language="en").get(f"{API}/people")
        assert response.status_code == 403
        body = response.json()
        assert body["code"] == "account_locked"
        # The cool-off (30 minutes) runs from the last failed login: locked until 10:30 Beijing time.
        assert "locked" in body["message"] and "2026-03-10 10:30" in body["message"]
        assert body["errors"] == {"locked_until": ["2026-03-10T10:30:00+08:00"]}
        assert "A党员" not in response.content.decode()
        assert response["Retry-After"] == str(30 * 60)

        traveller.shift(dt.timedelta(minutes=29))
        assert _api(token).get(f"{API}/people").status_code == 403
        traveller.shift(dt.timedelta(minutes=2))
        assert _api(token).get(f"{API}/people").status_code == 200


def test_the_openapi_document_refuses_a_locked_out_token_alike(world):
    user = world.a.secretary
    token = token_for(user)
    assert _api(token).get(f"{API}/openapi.json").status_code == 200
    _fail_logins(user.username)
    response = _api(token).get(f"{API}/openapi.json")
    assert response.status_code == 403
    assert response.json()["code"] == "account_locked" and "paths" not in response.json()
    assert response["Retry-After"]


def test_a_lockout_from_any_address_counts(world):
    user = world.a.manager
    token = token_for(user)
    _fail_logins(user.username, address="10.20.30.40")
    assert _api(token, REMOTE_ADDR="127.0.0.1").get(f"{API}/people").status_code == 403


def test_failures_below_the_limit_leave_the_token_alone(world):
    user = world.a.secretary
    token = token_for(user)
    _fail_logins(user.username, times=settings.AXES_FAILURE_LIMIT - 1)
    # Spread over two addresses, the failures never lock either one: no lockout, no refusal.
    _fail_logins(user.username, times=settings.AXES_FAILURE_LIMIT - 1, address="10.0.0.9")
    assert _api(token).get(f"{API}/people").status_code == 200


def test_side_b_keeps_working_while_a_is_locked(world):
    _fail_logins(world.a.secretary.username)
    assert _api(token_for(world.a.secretary)).get(f"{API}/people").status_code == 403
    assert _api(token_for(world.b.secretary)).get(f"{API}/people").status_code == 200


def test_the_refusal_is_audited_without_filling_the_log(world):
    user = world.a.secretary
    token = token_for(user)
    with time_machine.travel(START, tick=False) as traveller:
        _fail_logins(user.username)
        for _ in range(5):
            assert _api(token).get(f"{API}/people").status_code == 403
        (event,) = _refusals(user)
        assert event.actor_id is None and event.source == "api"
        assert event.changes == {"via": "api_token", "token": token[:8], "locked_until": "2026-03-10T10:30:00+08:00"}
        assert token not in str(event.changes)
        traveller.shift(dt.timedelta(seconds=61))
        assert _api(token).get(f"{API}/people").status_code == 403
        assert len(_refusals(user)) == 2  # at most one a minute per token while the lockout lasts


def test_the_admin_unlock_lifts_the_lockout_for_login_and_tokens(world, admin_client, admin_user):
    user = world.a.secretary
    token = token_for(user)
    _fail_logins(user.username)
    assert _api(token).get(f"{API}/people").status_code == 403
    response = admin_client.post(
        reverse("admin:access_user_changelist"), {"action": "unlock", "_selected_action": [user.pk]}
    )
    assert response.status_code == 302
    assert _api(token).get(f"{API}/people").status_code == 200
    login = Client().post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert login.status_code == 302
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_type="access.User", object_id=str(user.pk)).latest(
        "id"
    )
    assert event.actor_id == admin_user.pk and event.changes == {"login_lockout": ["locked", "unlocked"]}


@translation.override("en")
def test_the_lockout_page_says_how_long_the_configured_cool_off_lasts(world, settings):
    settings.AXES_COOLOFF_TIME = 2  # hours
    client = Client(REMOTE_ADDR="127.0.0.1")
    client.cookies["django_language"] = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page = client.post(reverse("login"), {"username": world.a.manager.username, "password": "wrong-password"})
    assert page.status_code == 429
    assert "Wait 120 minutes and try again" in page.content.decode()
