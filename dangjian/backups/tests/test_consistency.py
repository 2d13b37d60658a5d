"""A backup taken while someone writes describes one instant: its manifest matches its database,
and inside it every attachment has the audit event written in the same transaction."""

from __future__ import annotations

import time

import pytest

from dangjian.testing.backups import read_manifest

# Under pytest-xdist (`make test`) these tests run on one worker, so that the demo instance
# (`source`, a session fixture: load_demo in a process) is built once.
pytestmark = pytest.mark.xdist_group("demo_source")

WRITER = """
import pathlib
from dangjian.audit.context import audit_source
from dangjian.branchlife import services
from dangjian.branchlife.models import Meeting

stop, started = pathlib.Path({stop!r}), pathlib.Path({started!r})
meeting = Meeting.objects.order_by("-pk").first()
written = 0
with audit_source("command"):
    while not stop.exists():
        services.update_meeting(
            actor=None, meeting=meeting, attachments=[(f"writer-{{written}}.txt", b"x" * 2000, "text/plain")]
        )
        written += 1
        if written == 20:
            started.touch()
print("WROTE", written)
"""

ATTACHMENTS = "SELECT COUNT(*) FROM branchlife_meetingattachment"
ATTACHMENT_EVENTS = (
    "SELECT COUNT(*) FROM audit_auditevent WHERE object_type = 'branchlife.MeetingAttachment' AND action = 'create'"
)


def test_a_backup_taken_while_someone_writes_is_consistent(source, make_instance, tmp_path):
    stop, started = tmp_path / "stop", tmp_path / "started"
    writer = source.instance.popen("shell", "-c", WRITER.format(stop=str(stop), started=str(started)))
    try:
        deadline = time.monotonic() + 180
        while not started.exists():
            if writer.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the writer never got going: {writer.communicate()[1][-2000:]}")
            time.sleep(0.1)
        before = source.instance.query(ATTACHMENTS)[0][0]
        archive = tmp_path / "busy.tar"
        source.instance.manage("backup", str(archive))
        after = source.instance.query(ATTACHMENTS)[0][0]
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=180)
    assert writer.returncode == 0, err
    assert before < after  # the writer kept writing while the backup ran

    in_backup = read_manifest(archive)["tables"]["branchlife_meetingattachment"]
    assert before <= in_backup <= after
    target = make_instance("busy")
    target.manage("restore", str(archive))  # refuses unless every table and the chain match the manifest
    assert target.query(ATTACHMENTS)[0][0] == target.query(ATTACHMENT_EVENTS)[0][0] == in_backup
