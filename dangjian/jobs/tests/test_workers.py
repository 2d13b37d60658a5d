"""The worker supervisor (`manage.py run_workers`), run for real in its own process on a
database of its own: a job past its time limit is stopped (by the exception the limit raises,
or by killing its process when that does not take) and failed with a message naming the limit,
the worker is started again and takes the next job, and a long job in one queue never holds up
the other queue. Heartbeats name each worker's queues. The audit events are sealed as they come,
and each seal is written to the checkpoint file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from dangjian.testing.processes import ROOT
from dangjian.testing.processes import manage as _manage

SETUP = """
from dangjian.access.models import User
from dangjian.jobs.services import start_job
from dangjian.testing import jobs as tasks
from django.db import transaction
user = User.objects.create_user("worker_test", password="x", language="en")
with transaction.atomic():
    start_job(actor=user, kind="stubborn", title="stubborn", task=tasks.stubborn_task)
with transaction.atomic():
    start_job(actor=user, kind="quick", title="after the stubborn one", task=tasks.quick_task)
with transaction.atomic():
    start_job(actor=user, kind="other_queue", title="other queue", task=tasks.quick_roster_queue_task)
with transaction.atomic():
    start_job(actor=user, kind="sleepy", title="sleepy", task=tasks.sleepy_task)
"""
READ_BACK = """
import json
from dangjian.jobs.models import Job, WorkerBeat
from dangjian.audit.models import AuditEvent
from django_tasks_db.models import DBTaskResult
jobs = {j.kind: {"status": j.status, "message": j.message, "finished": j.finished_at.timestamp() if j.finished_at else None}
        for j in Job.objects.all()}
results = sorted(DBTaskResult.objects.values_list("status", flat=True))
beats = sorted(b.queues for b in WorkerBeat.objects.all())
stopped = AuditEvent.objects.filter(object_type="jobs.Job", changes__stopped="time_limit").count()
from dangjian.audit import sealing
from dangjian.audit.models import AuditSeal
audit = {"unsealed": sealing.status().unsealed, "seals": AuditSeal.objects.count(), "problem": sealing.verify().problem}
print("RESULT" + json.dumps({"jobs": jobs, "results": results, "beats": beats, "stopped": stopped, "audit": audit}))
"""


def _state(env) -> dict:
    out = _manage(env, "shell", "-c", READ_BACK).stdout
    return json.loads(out.split("RESULT", 1)[1])


@pytest.mark.django_db
def test_jobs_past_their_limit_are_stopped_and_nothing_waits_behind_them(tmp_path, own_database):  # noqa: F811
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
        "DATABASE_URL": own_database,
        "DEBUG": "1",
        "DANGJIAN_VAR_DIR": str(tmp_path / "var"),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "JOB_WORKERS": "default=1,rosters=1",
        "JOB_TIME_LIMIT": "3",
        "JOB_KILL_GRACE_SECONDS": "2",
        "AUDIT_SEAL_INTERVAL_SECONDS": "0.5",
        # The daily tasks would join the queue at their hour; this test counts its own jobs
        # (jobs/tests/test_schedule.py covers them).
        "DAILY_TASKS_AT": (
            "reminders=off,birthday_greetings=off,team_charges=off,selection_phases=off,"
            "transfer_expiry=off,transfer_stubs=off,dues_month=off"
        ),
    }
    _manage(env, "shell", "-c", SETUP)
    supervisor = subprocess.Popen(
        [sys.executable, "manage.py", "run_workers", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 150
        state = _state(env)
        while time.monotonic() < deadline:
            state = _state(env)
            if all(j["status"] in {"done", "failed"} for j in state["jobs"].values()):
                break
            time.sleep(1)
        else:
            pytest.fail(f"the jobs did not all end: {state}")
        assert set(state["beats"]) == {"default", "rosters"}
        # The supervisor seals the audit events as they come, the stopped jobs' included.
        while time.monotonic() < deadline and state["audit"]["unsealed"]:
            time.sleep(0.5)
            state = _state(env)
        assert state["audit"]["unsealed"] == 0 and state["audit"]["seals"] >= 1, state["audit"]
        assert state["audit"]["problem"] == ""
        assert (tmp_path / "var" / "audit-checkpoints.jsonl").read_text().count("\n") == state["audit"]["seals"]
    finally:
        supervisor.send_signal(signal.SIGTERM)
        output = supervisor.communicate(timeout=60)[0]
    jobs = state["jobs"]
    # Ignoring the time limit's exception (as code in C would), it was killed with its process …
    assert jobs["stubborn"]["status"] == "failed", output
    assert "at most 3 seconds" in jobs["stubborn"]["message"]
    assert "ran past its limit" in output and state["stopped"] == 1
    # … and the worker started again took the job queued behind it.
    assert jobs["quick"]["status"] == "done"
    # The other queue's job did not wait for the stubborn one at all.
    assert jobs["other_queue"]["status"] == "done"
    assert jobs["other_queue"]["finished"] < jobs["stubborn"]["finished"]
    # The time limit's exception stopped the sleeping one without a kill.
    assert jobs["sleepy"]["status"] == "failed"
    assert "at most 3 seconds" in jobs["sleepy"]["message"]
    assert output.count("ran past its limit") == 1
    assert state["results"] == ["FAILED", "FAILED", "SUCCESSFUL", "SUCCESSFUL"]
    # Stopped cleanly, the supervisor leaves no heartbeat behind to look like a dead worker.
    assert supervisor.returncode == 0, output
    assert _state(env)["beats"] == []
