"""Fixtures shared by the apps' tests (registered from the root conftest.py): API clients, a
roster uploaded and confirmed as the web page does, a list downloaded as a user, and a database
of a test's own for `manage.py` processes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from dangjian.rosters import services as roster_services
from dangjian.sheets import XLSX_CONTENT_TYPE
from dangjian.testing.api import JsonClient, token_for
from dangjian.testing.exports import read_rows
from dangjian.testing.factories import UserFactory
from dangjian.testing.processes import manage

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


def _process_env(database: str, var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
        "DATABASE_URL": database,
        "DEBUG": "1",
        "DANGJIAN_VAR_DIR": str(var_dir),
    }


def _server_url(name: str) -> str:
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    auth = f"{user}:{settings['PASSWORD']}@" if settings["PASSWORD"] else f"{user}@"
    return f"postgres://{auth}{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{name}"


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory, django_db_blocker):
    """One database migrated by `manage.py migrate` once in the run (20 s of migrations), with
    the var folder (keys) the migrating process made, for `own_database` to copy."""
    folder = tmp_path_factory.mktemp("migrated")
    with django_db_blocker.unblock():
        postgres = connection.vendor == "postgresql"
        if postgres:
            name = f"dangjian_template_{uuid.uuid4().hex[:8]}"
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
            url = _server_url(name)
        else:
            name, url = "", f"sqlite:///{folder / 'template.sqlite3'}"
    manage(_process_env(url, folder / "var"), "migrate", "--no-input", "-v", "0")
    yield name or folder / "template.sqlite3", folder / "var"
    if postgres:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def own_database(tmp_path, _migrated_template):
    """A migrated database no other test uses (a copy of one migrated once in the run), dropped
    afterwards, for `manage.py` processes run with `DANGJIAN_VAR_DIR` = `tmp_path / "var"` (the
    keys it was migrated with are copied there)."""
    template, var = _migrated_template
    shutil.copytree(var, tmp_path / "var")
    if connection.vendor != "postgresql":
        path = tmp_path / "kill.sqlite3"
        with sqlite3.connect(template) as source, sqlite3.connect(path) as copy:
            source.backup(copy)
        yield f"sqlite:///{path}"
        return
    name = f"dangjian_kill_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _server_url(name)
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
