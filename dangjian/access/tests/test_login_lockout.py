"""Repeated failed logins lock the account from that address (django-axes, AXES_FAILURE_LIMIT = 5),
and every failure is in the audit log."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse

from dangjian.audit.models import Action, AuditEvent

PASSWORD = "pass-Word-123"  # the factories' password


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limit_is_five(settings):
    assert settings.AXES_FAILURE_LIMIT == 5


def test_right_password_is_refused_after_five_failures(world, client):
    username = world.a.secretary.username
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = _login(client, username, "wrong-password")
        # The form answers until the fifth failure, which locks the account (429 Too Many Requests).
        assert response.status_code == (429 if attempt == settings.AXES_FAILURE_LIMIT else 200)
    response = _login(client, username, PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)


def test_four_failures_do_not_lock_and_success_resets_the_count(world, client):
    username = world.a.secretary.username
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, username, "wrong-password")
    _login(client, username, PASSWORD)
    assert _logged_in(client)
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, username, "wrong-password")
    _login(client, username, PASSWORD)
    assert _logged_in(client)


def test_locking_one_account_leaves_the_other_alone(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, world.a.secretary.username, "wrong-password")
    _login(client, world.b.secretary.username, PASSWORD)
    assert _logged_in(client)


def test_failed_logins_are_audited_without_the_password(world, client):
    username = world.a.manager.username
    for _ in range(3):
        _login(client, username, "Secret-Guess-1")
    events = AuditEvent.objects.filter(action=Action.LOGIN_FAILED, object_repr=username)
    assert events.count() == 3
    for event in events:
        assert event.actor_id is None and event.object_type == "access.User"
        assert "Secret-Guess-1" not in str(event.changes)


def test_a_successful_login_is_audited(world, client):
    _login(client, world.b.manager.username, PASSWORD)
    event = AuditEvent.objects.filter(action=Action.LOGIN).latest("id")
    assert (event.actor_id, event.source) == (world.b.manager.pk, "web")


def test_the_authentication_backend_counts_failures_too(world):
    # Any login form or API that calls authenticate() with the request is covered, not just /login/.
    username = world.b.manager.username

    def attempt(password):
        request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.8")
        return authenticate(request=request, username=username, password=password)

    assert attempt(PASSWORD) == world.b.manager
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert attempt("wrong-password") is None
    assert attempt(PASSWORD) is None
    assert (
        AuditEvent.objects.filter(action=Action.LOGIN_FAILED, object_repr=username).count()
        >= settings.AXES_FAILURE_LIMIT
    )
