"""Every refusal says what is wrong and what to do, and comes before anything is written.

These run `restore` and `backup` in this process. Tests without the `db` fixture cannot reach the
database at all (pytest-django refuses the connection), so a refusal there also proves that the
database was never touched."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import translation

from dangjian.audit.models import AuditEvent
from dangjian.backups.archive import BackupRefused, sign
from dangjian.backups.engines import find_pg_tool
from dangjian.people.models import Person
from dangjian.testing.backups import rewrite_archive

# Under pytest-xdist (`make test`) these tests run on one worker, so that the demo instance (`source`, a session fixture: load_demo in a process) is built once.
pytestmark = pytest.mark.xdist_group("demo_source")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def restore(path: Path) -> None:
    call_command("restore", str(path))


def test_a_database_that_holds_data_is_not_restored_over(world, demo_backup):
    events, people = AuditEvent.objects.count(), Person.objects.count()
    with pytest.raises(CommandError, match=r"already holds data \(in .*audit_auditevent.*create a new one"):
        restore(demo_backup.path)
    assert (AuditEvent.objects.count(), Person.objects.count()) == (events, people)
    assert not Person.objects.filter(name="阿比巴汗·买提沙力").exists()  # no demo person arrived


def test_a_wrong_field_key_is_refused_before_the_database_is_touched(demo_backup):
    other = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with (
        override_settings(FIELD_ENCRYPTION_KEY=other),
        pytest.raises(CommandError, match="another field-encryption key"),
    ):
        restore(demo_backup.path)


def test_a_changed_database_member_is_refused(demo_backup, tmp_path):
    def flip(data: bytes) -> bytes:
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]

    tampered = rewrite_archive(demo_backup.path, tmp_path / "tampered.tar", member=flip)
    with pytest.raises(CommandError, match=r"database\.\S+ in the archive is damaged or was changed"):
        restore(tampered)


def test_a_changed_manifest_is_refused(demo_backup, tmp_path):
    def more_people(manifest: dict) -> dict:
        manifest["tables"]["people_person"] += 1
        return manifest

    tampered = rewrite_archive(demo_backup.path, tmp_path / "tampered.tar", manifest=more_people)
    with pytest.raises(CommandError, match="manifest was changed after the backup was made"):
        restore(tampered)


def test_a_truncated_archive_is_refused(demo_backup, tmp_path):
    cut = tmp_path / "cut.tar"
    cut.write_bytes(demo_backup.path.read_bytes()[: demo_backup.path.stat().st_size // 2])
    with pytest.raises(CommandError, match="is not a Dangjian backup archive"):
        restore(cut)


def test_a_file_that_is_no_archive_is_refused(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("not a backup")
    with pytest.raises(CommandError, match="notes.txt is not a Dangjian backup archive"):
        restore(other)
    with pytest.raises(CommandError, match="missing.tar is not a file"):
        restore(tmp_path / "missing.tar")


def test_a_backup_of_the_other_engine_is_refused_with_what_to_do(demo_backup, tmp_path):
    ours = demo_backup.manifest["engine"]
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[ours]
    moved = rewrite_archive(demo_backup.path, tmp_path / "other.tar", manifest=lambda m: sign({**m, "engine": other}))
    labels = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    with pytest.raises(
        CommandError,
        match=rf"made from a {labels[other]} database, but this instance uses {labels[ours]}\. "
        rf"Set DATABASE_URL to an empty {labels[other]} database",
    ):
        restore(moved)


def test_a_backup_from_a_newer_version_is_refused(demo_backup, tmp_path):
    def newer(manifest: dict) -> dict:
        migrations = {**manifest["migrations"], "audit": [*manifest["migrations"]["audit"], "0099_from_the_future"]}
        return sign({**manifest, "migrations": migrations})

    ahead = rewrite_archive(demo_backup.path, tmp_path / "newer.tar", manifest=newer)
    with pytest.raises(CommandError, match=r"newer version of Dangjian .*audit\.0099_from_the_future"):
        restore(ahead)


def test_an_archive_of_a_later_format_is_refused(demo_backup, tmp_path):
    later = rewrite_archive(demo_backup.path, tmp_path / "v2.tar", manifest=lambda m: sign({**m, "format_version": 2}))
    with pytest.raises(
        CommandError, match=r"format version 2; this version of Dangjian reads version 1\. Restore it with"
    ):
        restore(later)


def test_a_backup_never_writes_over_a_file(tmp_path):
    existing = tmp_path / "nightly.tar"
    existing.write_bytes(b"last night's backup")
    with pytest.raises(CommandError, match="nightly.tar already exists. A backup never writes over a file"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"last night's backup"
    with pytest.raises(CommandError, match="folder .*nowhere does not exist"):
        call_command("backup", str(tmp_path / "nowhere" / "backup.tar"))
    assert os.listdir(tmp_path) == ["nightly.tar"]


def test_missing_postgresql_tools_are_named_with_how_to_install_them():
    with pytest.raises(BackupRefused, match="No pg_dump of PostgreSQL 999 or newer was found.*PG_BIN_DIR"):
        find_pg_tool("pg_dump", 999)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump's version matters on PostgreSQL only")
def test_the_postgresql_tools_are_found_without_configuration(settings):
    settings.PG_BIN_DIR = ""
    path, version = find_pg_tool("pg_dump", 15)
    assert Path(path).name == "pg_dump" and "(PostgreSQL)" in version
