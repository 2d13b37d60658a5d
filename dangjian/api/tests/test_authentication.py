"""Who may call the API: a personal access token or a browser session; everyone else gets 401."""

import datetime as dt

from django.middleware.csrf import _get_new_csrf_string
from django.utils import timezone

from dangjian.access import services as access_services
from dangjian.access.models import ApiToken
from dangjian.testing.api import API, JsonClient, token_for


def test_token_authenticates_as_its_user(world, api_as):
    response = api_as(world.a.secretary).get(f"{API}/people/{world.a.worker.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "A工人"


def test_token_use_is_recorded_on_the_token(world):
    raw = token_for(world.a.secretary)
    JsonClient(headers={"authorization": f"Bearer {raw}"}).get(f"{API}/people")
    assert ApiToken.objects.get(user=world.a.secretary).last_used_at is not None


def test_revoked_token_gets_401(world):
    raw = token_for(world.a.secretary)
    access_services.revoke_token(actor=None, token=ApiToken.objects.get(user=world.a.secretary))
    response = JsonClient(headers={"authorization": f"Bearer {raw}"}).get(f"{API}/people")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_expired_token_gets_401(world):
    raw = token_for(world.a.secretary, expires_at=timezone.now() + dt.timedelta(minutes=1))
    # Time passes: the token's expiry is now behind us.
    ApiToken.objects.filter(user=world.a.secretary).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = JsonClient(headers={"authorization": f"Bearer {raw}"}).get(f"{API}/people")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_token_of_deactivated_user_gets_401(world):
    raw = token_for(world.a.secretary)
    world.a.secretary.is_active = False
    world.a.secretary.save()
    response = JsonClient(headers={"authorization": f"Bearer {raw}"}).get(f"{API}/people")
    assert response.status_code == 401


def test_unknown_bearer_token_is_refused_even_with_a_session(world, session_client):
    client = session_client(world.a.secretary, headers={"authorization": "Bearer dj_not-a-token"})
    response = client.get(f"{API}/people")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_anonymous_gets_401_json(anonymous):
    response = anonymous.get(f"{API}/people")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert body["message"]


def test_anonymous_write_without_csrf_token_gets_401_not_a_csrf_error(db):
    client = JsonClient(enforce_csrf_checks=True)
    response = client.post(f"{API}/units", {})
    assert response.status_code == 401


def test_session_authenticates_the_browser(world, session_client):
    response = session_client(world.a.secretary).get(f"{API}/people/{world.a.worker.pk}")
    assert response.status_code == 200


def test_session_write_without_csrf_token_is_refused(world, session_client):
    client = session_client(world.a.secretary, enforce_csrf_checks=True)
    response = client.patch(f"{API}/units/{world.a.team.pk}", {"name": "新名字"})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    world.a.team.refresh_from_db()
    assert world.a.team.name == "A缝纫一组"


def test_session_write_with_csrf_token_is_accepted(world, session_client):
    client = session_client(world.a.secretary, enforce_csrf_checks=True)
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.patch(f"{API}/units/{world.a.team.pk}", {"name": "新名字"}, headers={"x-csrftoken": secret})
    assert response.status_code == 200
    assert response.json()["name"] == "新名字"


def test_token_client_needs_no_csrf_token(world):
    raw = token_for(world.a.secretary)
    client = JsonClient(enforce_csrf_checks=True, headers={"authorization": f"Bearer {raw}"})
    response = client.patch(f"{API}/units/{world.a.team.pk}", {"name": "新名字"})
    assert response.status_code == 200


def test_a_token_of_the_other_side_reaches_none_of_as_people(world, api_as):
    client = api_as(world.b.secretary)
    assert client.get(f"{API}/people/{world.a.worker.pk}").status_code == 404
    assert client.get(f"{API}/people/{world.b.worker.pk}").json()["name"] == "B工人"
