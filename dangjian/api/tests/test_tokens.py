"""/tokens: a user's own personal access tokens."""

import datetime as dt

from django.utils import timezone

from dangjian.access.models import ApiToken
from dangjian.audit.models import AuditEvent
from dangjian.testing.api import API, JsonClient, token_for


def test_create_returns_the_raw_token_once_and_it_works(world, session_client):
    client = session_client(world.a.secretary)
    response = client.post(f"{API}/tokens", {"name": "考勤系统"})
    assert response.status_code == 201, response.content
    raw = response.json()["token"]
    assert raw.startswith("dj_")
    listed = client.get(f"{API}/tokens").json()
    assert listed["count"] == 1
    assert "token" not in listed["items"][0]
    assert raw not in client.get(f"{API}/tokens").content.decode()
    assert ApiToken.objects.get().token_hash != raw
    by_token = JsonClient(headers={"authorization": f"Bearer {raw}"})
    assert by_token.get(f"{API}/people/{world.a.worker.pk}").status_code == 200
    assert AuditEvent.objects.filter(action="create", object_type="access.ApiToken", source="api").exists()


def test_a_token_cannot_mint_more_tokens(world, api_as):
    response = api_as(world.a.secretary).post(f"{API}/tokens", {"name": "再来一个"})
    assert response.status_code == 403
    assert ApiToken.objects.filter(user=world.a.secretary).count() == 1


def test_expiry_in_the_past_is_a_field_error(world, session_client):
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    response = session_client(world.a.secretary).post(f"{API}/tokens", {"name": "旧", "expires_at": past})
    assert response.status_code == 422
    assert "expires_at" in response.json()["errors"]


def test_revoking_a_token_stops_it_working(world, session_client):
    raw = token_for(world.a.secretary)
    token = ApiToken.objects.get(user=world.a.secretary)
    response = session_client(world.a.secretary).delete(f"{API}/tokens/{token.pk}")
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    by_token = JsonClient(headers={"authorization": f"Bearer {raw}"})
    assert by_token.get(f"{API}/people").status_code == 401


def test_a_token_can_revoke_itself(world):
    raw = token_for(world.a.secretary)
    token = ApiToken.objects.get(user=world.a.secretary)
    client = JsonClient(headers={"authorization": f"Bearer {raw}"})
    assert client.delete(f"{API}/tokens/{token.pk}").status_code == 204
    assert client.get(f"{API}/people").status_code == 401


def test_other_users_tokens_are_invisible(world, api_as):
    token_for(world.b.secretary)
    theirs = ApiToken.objects.get(user=world.b.secretary)
    client = api_as(world.a.secretary)
    assert [t["id"] for t in client.get(f"{API}/tokens").json()["items"]] != [theirs.pk]
    assert theirs.pk not in {t["id"] for t in client.get(f"{API}/tokens").json()["items"]}
    assert client.delete(f"{API}/tokens/{theirs.pk}").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_me_says_which_user_a_token_acts_as(world, api_as, session_client):
    by_token = api_as(world.a.secretary).get(f"{API}/me")
    assert by_token.status_code == 200
    assert by_token.json()["username"] == world.a.secretary.username
    assert by_token.json()["auth"] == "token"
    by_session = session_client(world.b.secretary).get(f"{API}/me").json()
    assert (by_session["id"], by_session["auth"]) == (world.b.secretary.pk, "session")
