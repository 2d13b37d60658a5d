"""Starting jobs, reporting their progress and keeping what they produce. Every capability's
long work uses these."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.people.crypto import seal_bytes

from .models import Job, JobStatus
from .selectors import cached_progress, progress_key

PROGRESS_TTL = 24 * 60 * 60  # seconds; longer than any job runs


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
    """Handed to the work: `progress(done, total)` reports at most twice a second.

    The figures go to the cache, which the web process reads (jobs.selectors.live): work that
    runs in one transaction (an all-or-nothing import) could not show them through the Job row
    until it commits. The row is updated as well when no transaction is open."""

    def __init__(self, job_id: int, min_interval: float = 0.5) -> None:
        self.job_id = job_id
        self.min_interval = min_interval
        self._last = 0.0

    def __call__(self, done: int, total: int, message: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= self.min_interval:
            message = message[:500]
            figures = {"done": done, "total": total, "message": message, "at": timezone.now().timestamp()}
            cache.set(progress_key(self.job_id), figures, PROGRESS_TTL)
            if not transaction.get_connection().in_atomic_block:
                Job.objects.filter(pk=self.job_id).update(done=done, total=total, message=message)
            self._last = now


def _final_figures(job_id: int, *, with_message: bool) -> dict[str, Any]:
    """The last reported figures, for the row (the cache entry is dropped once the job ends)."""
    latest = cached_progress(job_id)
    if not latest:
        return {}
    figures = {"done": latest["done"], "total": latest["total"]}
    if with_message and latest["message"]:
        figures["message"] = latest["message"]
    return figures


def run_job(job_id: int, work: Callable[[Progress], dict[str, Any]]) -> dict[str, Any]:
    """Run `work` for a job, keeping its status, timing and outcome; the task functions call this."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        result = work(Progress(job_id))
    except Exception as exc:
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=str(exc)[:500],
            **_final_figures(job_id, with_message=False),
        )
        cache.delete(progress_key(job_id))
        raise
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.DONE, finished_at=timezone.now(), result=result, **_final_figures(job_id, with_message=True)
    )
    cache.delete(progress_key(job_id))
    return result


@dataclass(frozen=True)
class Output:
    """A file a job produced, already sealed: exports hold the same personal data as the
    records. Sealing a large file is slow, so it is done before any transaction or lock."""

    name: str
    sealed: bytes
    content_type: str
    size: int

    @classmethod
    def of(cls, name: str, data: bytes, content_type: str) -> Output:
        return cls(name[:200], seal_bytes(data), content_type[:100], len(data))


def attach_output(job_id: int, output: Output) -> None:
    """Keep the file for the job's requester to download. Not audited on its own: the work that
    made the file records what it was (an export's event names the file and its rows)."""
    Job.objects.filter(pk=job_id).update(
        output=output.sealed, output_name=output.name, output_type=output.content_type, output_size=output.size
    )


@audit.write_transaction
def purge_outputs(*, actor: Any, older_than_days: int) -> int:
    """Remove the files of jobs finished more than `older_than_days` ago; the jobs stay."""
    cutoff = timezone.now() - timezone.timedelta(days=older_than_days)
    n = 0
    for job in Job.objects.filter(finished_at__lt=cutoff).exclude(output_name="").defer("output"):
        Job.objects.filter(pk=job.pk).update(output=b"", output_name="", output_type="", output_size=0)
        audit.record(actor=actor, action=Action.UPDATE, obj=job, changes={"output": [job.output_name, None]})
        n += 1
    return n
