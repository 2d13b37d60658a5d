"""API clients for the test world: each signs in with a personal access token, as an
integration would; `session_client` uses the browser session instead."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangjian.access import services as access_services
from dangjian.testing.factories import UserFactory

API = "/api/v1"


class JsonClient(Client):
    """Sends dict bodies as JSON."""

    def post(self, path, data=None, content_type="application/json", **kwargs):
        return super().post(path, data, content_type=content_type, **kwargs)

    def patch(self, path, data=None, content_type="application/json", **kwargs):
        return super().patch(path, data, content_type=content_type, **kwargs)


def token_for(user, **kwargs) -> str:
    _, raw = access_services.create_token(actor=None, user=user, name="test", **kwargs)
    return raw


@pytest.fixture
def api_as(db):
    def _as(user, **headers):
        return JsonClient(headers={"authorization": f"Bearer {token_for(user)}", **headers})

    return _as


@pytest.fixture
def anonymous(db):
    return JsonClient()


@pytest.fixture
def session_client(db):
    def _as(user, **kwargs):
        client = JsonClient(**kwargs)
        client.force_login(user)
        return client

    return _as


@pytest.fixture
def member_user(world):
    """A user whose own record is an ordinary party member of A's branch (no assigned role)."""
    return UserFactory(username="member_a", person=world.a.member)


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx)
