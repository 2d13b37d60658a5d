"""The demo, backed up and restored into another database, comes back whole: every table's rows, the
sealed files (opened with the key), an intact audit chain that records the backup and the
restore; and the archive holds no key, no secret and no live login."""

from __future__ import annotations

import gzip
import hashlib
import re
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.conf import settings

from dangjian.backups.engines import find_pg_tool
from dangjian.testing.backups import MINUTES

# Under pytest-xdist (`make test`) these tests run on one worker, so that the demo instance
# (`source`, a session fixture: load_demo in a process) is built once.
pytestmark = pytest.mark.xdist_group("demo_source")

OPEN_MINUTES = """
import hashlib
from dangjian.branchlife.models import MeetingAttachment
from dangjian.people.crypto import open_bytes

print("SHA", hashlib.sha256(open_bytes(MeetingAttachment.objects.get(file_name="minutes.txt").sealed_file)).hexdigest())
"""


def expected_after_restore(counts_before: dict[str, int]) -> dict[str, int]:
    # The sessions are left out of the backup; the restore appends its own audit event.
    return {**counts_before, "django_session": 0, "audit_auditevent": counts_before["audit_auditevent"] + 1}


@pytest.fixture(scope="module")
def restored(demo_backup, make_instance):
    target = make_instance("target")
    target.manage("restore", str(demo_backup.path))
    return target


def test_the_demo_comes_back_with_every_row_and_an_intact_audit_chain(source, demo_backup, restored):
    before = demo_backup.counts_before
    assert before["people_person"] > 2000 and before["branchlife_meetingattachment"] >= 1  # the demo, a sealed file
    assert before["django_session"] == 1

    assert restored.counts() == expected_after_restore(before)
    verified = restored.manage("verify_audit")
    assert f" {before['audit_auditevent'] + 1} " in verified.stdout


def test_a_sealed_file_opens_after_the_restore(restored):
    out = restored.manage("shell", "-c", OPEN_MINUTES).stdout
    assert out.split("SHA", 1)[1].split()[0] == hashlib.sha256(MINUTES).hexdigest()


def test_the_backup_says_where_it_went_and_what_it_holds(demo_backup):
    path, manifest = demo_backup.path, demo_backup.manifest
    assert str(path) in demo_backup.output
    assert path.stat().st_mode & 0o077 == 0  # personal data: the owner's eyes only
    assert manifest["engine"] == (
        "postgresql" if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else "sqlite"
    )
    assert manifest["tables"] == {**demo_backup.counts_before, "django_session": 0}
    assert manifest["audit"]["events"] == demo_backup.counts_before["audit_auditevent"]
    assert manifest["migrations"]["audit"][:2] == ["0001_initial", "0002_append_only"]
    with tarfile.open(path) as tar:
        names = tar.getnames()
        assert names[0] == "manifest.json" and names[1:] == list(manifest["members"])
        for name, entry in manifest["members"].items():
            assert hashlib.sha256(tar.extractfile(name).read()).hexdigest() == entry["sha256"]


def test_backup_and_restore_are_on_the_audit_chain(source, demo_backup, restored):
    manifest = demo_backup.manifest
    [backup] = source.instance.events(f"object_type = 'backups.archive' AND object_id = '{manifest['id']}'")
    assert (backup["action"], backup["source"]) == ("export", "command")
    assert backup["changes"]["file"] == str(demo_backup.path)
    assert backup["changes"]["size"] == demo_backup.path.stat().st_size

    [restore] = restored.events(f"object_type = 'backups.archive' AND object_id = '{manifest['id']}'")
    assert (restore["action"], restore["source"]) == ("import", "command")
    assert restore["changes"]["backup_created_at"] == manifest["created_at"]
    assert restore["changes"]["restored_from"] == str(demo_backup.path)
    assert restore["id"] == restored.query("SELECT MAX(id) FROM audit_auditevent")[0][0]


def _database_text(demo_backup) -> bytes:
    member = next(iter(demo_backup.manifest["members"]))
    with tarfile.open(demo_backup.path) as tar:
        data = tar.extractfile(member).read()
    if member.endswith(".gz"):
        return gzip.decompress(data)
    pg_restore, _version = find_pg_tool("pg_restore", 0)
    return subprocess.run([pg_restore, "--file=-"], input=data, capture_output=True, check=True).stdout


def test_the_archive_holds_no_key_no_secret_and_no_live_login(source, demo_backup):
    session = source.session_key
    assert source.instance.query(f"SELECT COUNT(*) FROM django_session WHERE session_key = '{session}'") == [(1,)]
    with tarfile.open(demo_backup.path) as tar:
        manifest_text = tar.extractfile("manifest.json").read()
    database = _database_text(demo_backup)
    assert b"people_person" in database  # the text searched is the database itself
    for blob in (manifest_text, database):
        assert settings.SECRET_KEY.encode() not in blob
        assert settings.FIELD_ENCRYPTION_KEY.encode() not in blob
        assert session.encode() not in blob


def test_a_freshly_migrated_database_counts_as_empty(demo_backup, make_instance):
    # `make run` migrates before anything else: its database is still a place to restore into.
    target = make_instance("migrated", migrated=True)
    target.manage("restore", str(demo_backup.path))
    assert target.counts() == expected_after_restore(demo_backup.counts_before)


def test_without_a_path_the_backup_goes_into_backup_dir(source):
    folder = Path(source.instance.env["BACKUP_DIR"])
    out = source.instance.manage("backup").stdout
    [archive] = folder.iterdir()
    assert re.fullmatch(r"dangjian-(sqlite|postgresql)-\d{8}-\d{6}\.tar", archive.name)
    assert str(archive) in out
    assert folder.stat().st_mode & 0o077 == 0
