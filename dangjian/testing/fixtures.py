"""Fixtures shared by the apps' tests (registered from the root conftest.py): API clients, a
roster uploaded and confirmed as the web page does, a list downloaded as a user, and a database
of a test's own for `manage.py` processes."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from dangjian.rosters import services as roster_services
from dangjian.sheets import XLSX_CONTENT_TYPE
from dangjian.testing.api import JsonClient, token_for
from dangjian.testing.exports import read_rows
from dangjian.testing.factories import UserFactory

# --- the API ----------------------------------------------------------------------------------


@pytest.fixture
def api_as(db):
    """An API client signed in as a user with a personal access token, as an integration would."""

    def _as(user, **headers):
        return JsonClient(headers={"authorization": f"Bearer {token_for(user)}", **headers})

    return _as


@pytest.fixture
def anonymous(db):
    return JsonClient()


@pytest.fixture
def session_client(db):
    """An API client that uses the browser session instead of a token."""

    def _as(user, **kwargs):
        client = JsonClient(**kwargs)
        client.force_login(user)
        return client

    return _as


@pytest.fixture
def member_user(world):
    """A user whose own record is an ordinary party member of A's branch (no assigned role)."""
    return UserFactory(username="member_a", person=world.a.member)


# --- rosters ------------------------------------------------------------------------------------


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Upload through the service and run the check job, as the web page does."""

    def _upload(user, target, data, name="花名册.xlsx", **kw):
        with django_capture_on_commit_callbacks(execute=True):
            imp = roster_services.upload(actor=user, target=target, file_name=name, data=data, **kw)
        imp.refresh_from_db()
        return imp

    return _upload


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    def _confirm(user, imp):
        with django_capture_on_commit_callbacks(execute=True):
            roster_services.confirm(actor=user, imp=imp)
        imp.refresh_from_db()
        return imp

    return _confirm


# --- exports ------------------------------------------------------------------------------------


@pytest.fixture
def export(login):
    """`export(user, "people", "status=members")` → (response, rows, header first)."""

    def _export(user, kind: str, query: str = ""):
        response = login(user).post(reverse(f"exports:{kind}") + (f"?{query}" if query else ""))
        assert response.status_code == 200, response
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        return response, read_rows(response.content)

    return _export


# --- a database of a test's own -------------------------------------------------------------


@pytest.fixture
def own_database(tmp_path):
    """A DATABASE_URL no other test uses, dropped afterwards."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'kill.sqlite3'}"
        return
    name = f"dangjian_kill_{uuid.uuid4().hex[:8]}"
    settings = connection.settings_dict
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = settings["USER"] or "postgres"
    auth = f"{user}:{settings['PASSWORD']}@" if settings["PASSWORD"] else f"{user}@"
    yield f"postgres://{auth}{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{name}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- languages ----------------------------------------------------------------------------------


@pytest.fixture
def a_in_english(world):
    """A's manager and secretary read English, and so does the test."""
    for user in (world.a.manager, world.a.secretary):
        user.language = "en"
        user.save(update_fields=["language"])
    with translation.override("en"):
        yield
