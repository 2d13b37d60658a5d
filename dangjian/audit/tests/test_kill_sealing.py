"""Real processes killed while they write audit events and while they seal them leave a log that
verifies, and the next seal covers everything that committed (docs/architecture.md, "The audit
log"). Each process is a `manage.py shell` on a database of its own, killed with SIGKILL at the
moment it says it has written but not committed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dangjian.testing.processes import ROOT, kill_once_said
from dangjian.testing.processes import manage as _manage

COMMITTED = """
from dangjian.audit.services import Draft, record_many
record_many(actor=None, drafts=[Draft("update", object_type="x", object_id=str(i)) for i in range({n})])
"""
# Written inside a transaction, then waits to be killed before it commits.
WRITING = """
import time
from django.db import transaction
from dangjian.audit.services import Draft, record_many
with transaction.atomic():
    record_many(actor=None, drafts=[Draft("update", object_type="x", object_id="lost") for i in range(3000)])
    print("WRITTEN", flush=True)
    time.sleep(120)
"""
SEALING = """
import time
from django.db import transaction
from dangjian.audit import sealing
with transaction.atomic():
    made = sealing.seal()
    print("SEALED", made.count, flush=True)
    time.sleep(120)
"""
READ_BACK = """
import json
from dangjian.audit import sealing
from dangjian.audit.models import AuditEvent, AuditSeal
report = sealing.verify()
print("RESULT" + json.dumps({"problem": report.problem, "checked": report.checked, "seals": report.seals,
    "unsealed": report.unsealed, "gaps": report.gap_count, "lost": AuditEvent.objects.filter(object_id="lost").count()}))
"""


def _killed_at(env: dict[str, str], code: str, word: bytes) -> None:
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    kill_once_said(proc, word, proc.stdout)


def _read(env: dict[str, str]) -> dict:
    return json.loads(_manage(env, "shell", "-c", READ_BACK).stdout.split("RESULT", 1)[1])


@pytest.mark.django_db
def test_killed_writers_and_a_killed_sealer_leave_a_log_that_verifies(tmp_path: Path, own_database: str):
    checkpoints = tmp_path / "checkpoints.jsonl"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
        "DATABASE_URL": own_database,
        "DEBUG": "1",
        "DANGJIAN_VAR_DIR": str(tmp_path / "var"),
        "AUDIT_CHECKPOINT_FILE": str(checkpoints),
    }
    _manage(env, "shell", "-c", COMMITTED.format(n=400))
    before = _read(env)
    assert before["problem"] == "" and before["unsealed"] == before["checked"] >= 400

    # A writer killed after writing 3,000 events, before its commit: none of them stands.
    _killed_at(env, WRITING, b"WRITTEN")
    # A sealer killed after writing its seal, before its commit: no seal, no checkpoint.
    _killed_at(env, SEALING, b"SEALED")
    after = _read(env)
    assert after["problem"] == "" and after["lost"] == 0
    assert (after["seals"], after["unsealed"]) == (0, before["checked"])
    assert not checkpoints.exists()

    # The worker runs again: everything committed is sealed, once, and checkpointed.
    assert "Sealed" in _manage(env, "seal_audit").stdout
    _manage(env, "shell", "-c", COMMITTED.format(n=10))
    _manage(env, "seal_audit")
    final = _read(env)
    assert final["problem"] == "" and final["seals"] == 2 and final["unsealed"] == 0
    assert final["checked"] == before["checked"] + 10
    # PostgreSQL's sequence does not roll back: the killed writer's ids are a gap, listed, not a
    # break. SQLite gives them again.
    assert final["gaps"] == (3000 if "postgres" in own_database else 0)
    assert len(checkpoints.read_text().splitlines()) == 2
    assert "Checked against 2 checkpoints" in _manage(env, "verify_audit", "--against", str(checkpoints)).stdout
