"""Tasks for the worker tests: one that finishes at once, one that sleeps past its time limit
(and is stopped by the exception the limit raises), one that ignores that exception as C code
would (and is killed by the supervisor)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django_tasks import task

from dangjian.jobs.services import run_job


@task()
def quick_task(job_id: int) -> dict[str, Any]:
    return run_job(job_id, lambda progress: {"ok": True})


@task(queue_name="rosters")
def quick_roster_queue_task(job_id: int) -> dict[str, Any]:
    return run_job(job_id, lambda progress: {"ok": True})


@task()
def sleepy_task(job_id: int) -> dict[str, Any]:
    def work(progress: Any) -> dict[str, Any]:
        time.sleep(600)
        return {}

    return run_job(job_id, work)


@task()
def stubborn_task(job_id: int) -> dict[str, Any]:
    def work(progress: Any) -> dict[str, Any]:
        signal.signal(signal.SIGALRM, signal.SIG_IGN)  # as a long call into C code would
        time.sleep(600)
        return {}

    return run_job(job_id, work)
