"""While other work holds the database's write lock (a long import), nothing else fails: writes
that are not the user's purpose give way, and a refused write answers 503 "try again" with
nothing stored, never a 500 (dangjian/busy.py). The lock is held by a second connection
(dangjian/testing/busy.py), so these tests commit for real (transactional_db)."""

from __future__ import annotations

import pytest

from dangjian.access.models import ApiToken
from dangjian.testing.api import API
from dangjian.testing.busy import database_busy

pytestmark = pytest.mark.usefixtures("transactional_db")


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
