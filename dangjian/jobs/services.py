"""Starting jobs and reporting their progress. Every capability's long work uses these."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangjian.audit import services as audit

from .models import Job, JobStatus


@audit.write_transaction
def start_job(*, actor: Any, kind: str, title: str, task: Any, **kwargs: Any) -> Job:
    """Record the job and enqueue its task once the transaction commits (the worker must see
    the row). The task receives `job_id` plus `kwargs`, which must be JSON."""
    job = Job.objects.create(kind=kind, title=title, requested_by=actor)
    audit.record_create(actor, job)

    def enqueue() -> None:
        result = task.enqueue(job_id=job.pk, **kwargs)
        Job.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


class Progress:
    """Handed to the work: `progress(done, total)` saves at most twice a second."""

    def __init__(self, job_id: int, min_interval: float = 0.5) -> None:
        self.job_id = job_id
        self.min_interval = min_interval
        self._last = 0.0

    def __call__(self, done: int, total: int, message: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= self.min_interval:
            Job.objects.filter(pk=self.job_id).update(done=done, total=total, message=message[:500])
            self._last = now


def run_job(job_id: int, work: Callable[[Progress], dict[str, Any]]) -> dict[str, Any]:
    """Run `work` for a job, keeping its status, timing and outcome; the task functions call this."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        result = work(Progress(job_id))
    except Exception as exc:
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), message=str(exc)[:500]
        )
        raise
    Job.objects.filter(pk=job_id).update(status=JobStatus.DONE, finished_at=timezone.now(), result=result)
    return result
