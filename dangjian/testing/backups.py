"""Instances of the platform in databases of their own, driven the way an operator drives them:
`manage.py` in another process with its own DATABASE_URL (a SQLite file, or a new database on the
PostgreSQL server the suite runs on), read back with plain SQL rather than through Django, so
that the test process's connections never see them.

The demo is loaded once per session into the `source` instance and backed up once (`demo_backup`);
tests that change the source say so and only add to it."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
MINUTES = "支部委员会会议记录：出席7人。".encode()

SETUP_SOURCE = f"""
from django.contrib.sessions.backends.db import SessionStore
from dangjian.audit.context import audit_source
from dangjian.branchlife import services
from dangjian.branchlife.models import Meeting
meeting = Meeting.objects.order_by("pk").first()
with audit_source("command"):
    services.update_meeting(actor=None, meeting=meeting, attachments=[("minutes.txt", {MINUTES!r}, "text/plain")])
session = SessionStore()
session["note"] = "a live login"
session.create()
print("SESSION", session.session_key)
"""


@dataclass
class Instance:
    name: str
    url: str
    env: dict[str, str]
    sqlite_path: Path | None = None
    pg_params: dict[str, Any] = field(default_factory=dict)

    def manage(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=900,
        )
        if check and done.returncode != 0:
            pytest.fail(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def query(self, sql: str) -> list[tuple]:
        if self.sqlite_path is not None:
            if not self.sqlite_path.exists():
                return []
            lite = sqlite3.connect(self.sqlite_path)
            try:
                return lite.execute(sql).fetchall()
            finally:
                lite.close()
        with psycopg.connect(**self.pg_params) as db:
            return db.execute(sql).fetchall()

    def tables(self) -> list[str]:
        if self.sqlite_path is not None:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        else:
            sql = (
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        return sorted(name for (name,) in self.query(sql))

    def counts(self) -> dict[str, int]:
        return {table: self.query(f'SELECT COUNT(*) FROM "{table}"')[0][0] for table in self.tables()}

    def events(self, where: str) -> list[dict[str, Any]]:
        rows = self.query(
            f"SELECT id, action, source, object_type, object_id, changes FROM audit_auditevent WHERE {where} ORDER BY id"
        )
        return [
            {
                "id": r[0],
                "action": r[1],
                "source": r[2],
                "object_type": r[3],
                "object_id": r[4],
                "changes": json.loads(r[5]) if isinstance(r[5], str) else r[5],
            }
            for r in rows
        ]


@pytest.fixture(scope="session")
def make_instance(tmp_path_factory, django_db_blocker, _migrated_template) -> Iterator[Callable[..., Instance]]:
    """A factory of instances: empty (a SQLite file not yet created, or a new PostgreSQL
    database), or `migrated=True` (a copy of the database `manage.py migrate` made once in the
    run, as `migrate` would leave it)."""
    made: list[str] = []
    postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    db = settings.DATABASES["default"]

    template, _var = _migrated_template

    def make(name: str, migrated: bool = False) -> Instance:
        folder = tmp_path_factory.mktemp(name)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dangjian.test_settings",
            "DANGJIAN_VAR_DIR": str(folder / "var"),
            "BACKUP_DIR": str(folder / "backups"),
            "SECRET_KEY": settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
        }
        if not postgres:
            path = folder / f"{name}.sqlite3"
            if migrated:
                with sqlite3.connect(template) as original, sqlite3.connect(path) as copy:
                    original.backup(copy)
            return Instance(name, f"sqlite:///{path}", {**env, "DATABASE_URL": f"sqlite:///{path}"}, sqlite_path=path)
        dbname = f"dangjian_{name}_{uuid.uuid4().hex[:8]}"
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{dbname}"' + (f' TEMPLATE "{template}"' if migrated else ""))
        made.append(dbname)
        user, password = db["USER"] or "postgres", db["PASSWORD"]
        host, port = db["HOST"] or "localhost", db["PORT"] or 5432
        auth = f"{user}:{password}@" if password else f"{user}@"
        url = f"postgres://{auth}{host}:{port}/{dbname}"
        params = {"host": host, "port": port, "user": user, "password": password or None, "dbname": dbname}
        return Instance(name, url, {**env, "DATABASE_URL": url}, pg_params=params)

    yield make
    if made:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            for dbname in made:
                cursor.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@dataclass
class Source:
    instance: Instance
    session_key: str


@pytest.fixture(scope="session")
def source(make_instance) -> Source:
    """The Hejing demo with one sealed attachment and one live session."""
    instance = make_instance("source", migrated=True)
    instance.manage("load_demo")
    out = instance.manage("shell", "-c", SETUP_SOURCE).stdout
    return Source(instance, out.split("SESSION", 1)[1].split()[0])


@dataclass
class DemoBackup:
    path: Path
    manifest: dict[str, Any]
    counts_before: dict[str, int]  # the source's tables just before the backup, read directly
    output: str


def _member_bytes(tar: tarfile.TarFile, member: str | tarfile.TarInfo) -> bytes:
    """A file's bytes in the archive; our backups hold files only, never directories or links."""
    found = tar.extractfile(member)
    if found is None:
        raise ValueError(f"{member} in the archive is not a file")
    return found.read()


def read_manifest(path: Path) -> dict[str, Any]:
    with tarfile.open(path) as tar:
        return json.loads(_member_bytes(tar, "manifest.json"))


@pytest.fixture(scope="session")
def demo_backup(source, tmp_path_factory) -> DemoBackup:
    counts = source.instance.counts()
    path = tmp_path_factory.mktemp("archives") / "demo.tar"
    out = source.instance.manage("backup", str(path)).stdout
    return DemoBackup(path, read_manifest(path), counts, out)


def rewrite_archive(
    original: Path,
    destination: Path,
    manifest: Callable[[dict[str, Any]], dict[str, Any]] = lambda m: m,
    member: Callable[[bytes], bytes] = lambda b: b,
) -> Path:
    """A copy of an archive with its manifest and/or database member changed."""
    with tarfile.open(original) as src, tarfile.open(destination, "w") as dst:
        for info in src.getmembers():
            data = _member_bytes(src, info)
            if info.name == "manifest.json":
                data = json.dumps(manifest(json.loads(data))).encode()
            else:
                data = member(data)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return destination
