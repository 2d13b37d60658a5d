"""/health/ for load balancers and monitors: anonymous, never cached, 200 when the database,
the cache and the background workers are fine, 503 (never 500) when one is not, naming the
queue that has no worker and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.audit import sealing
from dangjian.jobs.models import WorkerBeat
from dangjian.organizations import services as org_services

pytestmark = pytest.mark.django_db
URL = "/health/"


def _worker(worker_id: str, queues: str, seconds_ago: int = 0) -> None:
    at = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerBeat.objects.create(
        worker_id=worker_id, host="secret-host-name", pid=4242, queues=queues, started_at=at, last_seen=at
    )


def test_healthy_with_a_live_worker_on_every_queue(client):
    _worker("w:1:0", "default")
    _worker("w:1:1", "rosters")
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    # Never cached, as every answer Django gives (access.middleware.NoStoreMiddleware).
    assert response["Cache-Control"] == "private, no-store"
    body = response.content.decode()
    assert "Database" in body and "Cache" in body and "Workers" in body and "Sealing" in body
    assert body.count(": OK") == 4
    json = client.get(URL, headers={"accept": "application/json"})
    assert json.status_code == 200 and set(json.json().values()) == {"OK"}


def test_no_worker_is_unhealthy_with_503_not_500(client):
    response = client.get(URL, {"format": "json"})
    assert response.status_code == 503
    workers = next(v for k, v in response.json().items() if k.startswith("Workers"))
    assert "no background worker seen in the last 60 s" in workers


def test_a_queue_without_a_live_worker_is_named(client):
    _worker("w:2:0", "default")
    _worker("w:2:1", "rosters", seconds_ago=3600)  # its supervisor died an hour ago
    response = client.get(URL)
    assert response.status_code == 503
    body = response.content.decode()
    assert "for queue rosters" in body and "Database" in body
    # Nothing a stranger could use: no host names, process ids or worker names.
    for secret in ("secret-host-name", "4242", "w:2:"):
        assert secret not in body


def test_every_format_answers_503_when_unhealthy(client):
    for fmt in ("json", "text", "atom", "rss", "openmetrics"):
        assert client.get(URL, {"format": fmt}).status_code == 503, fmt
    assert client.get(URL, headers={"accept": "text/html"}).status_code == 503


def test_signed_in_users_get_the_same_answer(world, login):
    _worker("w:3:0", "default,rosters")
    assert login(world.a.secretary).get(URL).status_code == 200


def test_audit_events_left_unsealed_too_long_are_unhealthy(world, client, settings):
    """The workers beat but do not seal (stuck, or a second supervisor never started): events
    older than AUDIT_SEAL_MAX_AGE_SECONDS make /health/ 503, naming only the wait."""
    _worker("w:4:0", "default,rosters")
    settings.AUDIT_SEAL_MAX_AGE_SECONDS = -1  # any wait is too long
    sealing.seal()
    assert client.get(URL).status_code == 200  # nothing waits
    org_services.update_organization(actor=world.a.secretary, org=world.a.branch, name="A支部新名")
    response = client.get(URL, {"format": "json"})
    assert response.status_code == 503
    sealing_state = next(v for k, v in response.json().items() if k.startswith("Sealing"))
    assert "audit events wait" in sealing_state and "for their seal" in sealing_state
    sealing.seal()
    assert client.get(URL).status_code == 200
