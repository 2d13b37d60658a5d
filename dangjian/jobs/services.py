"""Starting jobs, reporting their progress and keeping what they produce. Every capability's
long work uses these."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.people.crypto import seal_bytes

from .models import Job, JobStatus, WorkerBeat
from .rules import JobTimeLimitExceeded, WorkerStopped, interrupted_message, over_limit_message
from .selectors import beat_key, cached_progress, is_stalled, progress_key, worker_last_seen

if TYPE_CHECKING:
    from dangjian.access.models import User

PROGRESS_TTL = 24 * 60 * 60  # seconds; longer than any job runs


@audit.write_transaction
def start_job(*, actor: User, kind: str, title: str, task: Any, **kwargs: Any) -> Job:
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


def requester_language(job: Job) -> str:
    return getattr(job.requested_by, "language", "") or settings.LANGUAGE_CODE


def run_job(job_id: int, work: Callable[[Progress], dict[str, Any]]) -> dict[str, Any]:
    """Run `work` for a job, keeping its status, timing and outcome; the task functions call this."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        result = work(Progress(job_id))
    except Exception as exc:
        message = str(exc)
        if isinstance(exc, JobTimeLimitExceeded):
            job = Job.objects.select_related("requested_by").get(pk=job_id)
            with translation.override(requester_language(job)):
                message = str(exc)
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=message[:500],
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
def record_export(
    *,
    actor: User | None,
    object_type: str,
    name: str,
    changes: dict[str, Any],
    org_path: str,
    object_id: Any = "",
    job_id: int | None = None,
    output: Output | None = None,
) -> None:
    """A file of people's data left the platform (a list, a register, printed cards): its audit
    event, naming the file; with `job_id`, the file (`output`, sealed beforehand) is kept on that
    job for its requester, in the same transaction."""
    audit.record(
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        object_repr=name,
        action=Action.EXPORT,
        changes=changes,
        org_path=org_path,
    )
    if job_id is not None and output is not None:
        attach_output(job_id, output)


@audit.write_transaction
def purge_outputs(*, actor: User | None, older_than_days: int) -> int:
    """Remove the files of jobs finished more than `older_than_days` ago; the jobs stay."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    n = 0
    for job in Job.objects.filter(finished_at__lt=cutoff).exclude(output_name="").defer("output"):
        Job.objects.filter(pk=job.pk).update(output=b"", output_name="", output_type="", output_size=0)
        audit.record(actor=actor, action=Action.UPDATE, obj=job, changes={"output": [job.output_name, None]})
        n += 1
    return n


# --- jobs stopped from outside: time limits, dead workers -------------------------------

TIME_LIMIT = "time_limit"
INTERRUPTED = "interrupted"

StopHandler = Callable[[Job, str], None]
_stop_handlers: dict[str, StopHandler] = {}
_sweepers: list[Callable[[dt.datetime], int]] = []


def on_stop(kind: str, handler: StopHandler) -> None:
    """Let the capability that owns jobs of `kind` settle its own records when one is stopped
    from outside (`stop_job`): `handler(job, reason)` runs in the same transaction, in the
    requester's language. Registered by the app's `ready()` (rosters: its import's status)."""
    _stop_handlers[kind] = handler


def add_sweeper(sweeper: Callable[[dt.datetime], int]) -> None:
    """Work the sweep should also look for: records left unfinished without any job (a killed
    `manage.py import_roster --dry-run`). `sweeper(now)` returns how many it settled."""
    if sweeper not in _sweepers:
        _sweepers.append(sweeper)


@audit.write_transaction
def stop_job(*, job_id: int, reason: str, limit: int | None = None) -> Job | None:
    """Fail an unfinished job from outside it: its process was killed past its time limit
    (`reason` TIME_LIMIT, `limit` in seconds) or is gone (INTERRUPTED). Its task result is
    failed too, so nothing counts it as running any more; the owner's handler settles the rest.
    Nothing the job wrote in a transaction of its own survived the kill."""
    job = (
        Job.objects.select_for_update(of=("self",)).select_related("requested_by").defer("output").filter(pk=job_id)
    ).first()
    if job is None or job.finished:
        return None
    before = job.status
    with translation.override(requester_language(job)):
        job.message = (over_limit_message(limit) if reason == TIME_LIMIT and limit else interrupted_message())[:500]
        for key, value in _final_figures(job.pk, with_message=False).items():
            setattr(job, key, value)
        job.status = JobStatus.FAILED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at", "message", "done", "total"])
        if job.task_result_id:
            DBTaskResult.objects.filter(pk=job.task_result_id, status__in=["READY", "RUNNING"]).update(
                status="FAILED", finished_at=job.finished_at, exception_class_path=_STOPPED_BY[reason]
            )
        audit.record(
            actor=None, action=Action.UPDATE, obj=job, changes={"status": [before, job.status], "stopped": reason}
        )
        handler = _stop_handlers.get(job.kind)
        if handler is not None:
            handler(job, reason)
    cache.delete(progress_key(job.pk))
    return job


# Recorded on the task result as django-tasks records a raised exception: by the class's path,
# which it imports when the result is read.
_STOPPED_BY = {
    reason: f"{cls.__module__}.{cls.__qualname__}"
    for reason, cls in ((TIME_LIMIT, JobTimeLimitExceeded), (INTERRUPTED, WorkerStopped))
}


def sweep(*, now: dt.datetime | None = None) -> int:
    """Find the jobs nobody is running any more and fail them as interrupted, then let each
    capability settle what it left unfinished without a job. Run by the worker supervisor when
    it starts and every minute; returns how many it settled.

    A job is dead when its task was claimed by a worker that no longer beats (its supervisor
    writes a heartbeat every few seconds), when its task ended without the job (a crash before
    `run_job`), or — for a worker that writes no heartbeat (a plain `db_worker`) — when it has
    shown no sign of life for JOB_STALL_SECONDS. A job waiting in its queue is left to wait."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS)
    jobs = list(Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).defer("output"))
    results = {
        str(r.pk): r
        for r in DBTaskResult.objects.filter(pk__in=[j.task_result_id for j in jobs if j.task_result_id]).only(
            "status", "worker_ids"
        )
    }
    settled = 0
    for job in jobs:
        result = results.get(job.task_result_id)
        if result is None:
            dead = is_stalled(job, now)
        elif result.status in {"SUCCESSFUL", "FAILED"}:
            dead = True
        elif result.status == "RUNNING":
            worker = result.worker_ids[-1] if result.worker_ids else ""
            seen = worker_last_seen(worker)
            dead = seen < stale if seen is not None else is_stalled(job, now)
        else:
            dead = False
        if dead and stop_job(job_id=job.pk, reason=INTERRUPTED) is not None:
            settled += 1
    for sweeper in _sweepers:
        settled += sweeper(now)
    WorkerBeat.objects.filter(last_seen__lt=now - dt.timedelta(days=1)).delete()
    return settled


def touch_beats(worker_ids: list[str]) -> None:
    """The cheap half of a heartbeat, written every few seconds: the cache never waits for a
    lock (a roster import on SQLite holds the database's one write lock for minutes)."""
    now = time.time()
    cache.set_many({beat_key(w): now for w in worker_ids}, settings.WORKER_HEARTBEAT_SECONDS * 10)


def record_beats(beats: list[dict[str, Any]]) -> None:
    """The lasting half: one row per worker (who, which queues, which job, when last seen),
    which the health endpoint and the sweep read. Not audited: nobody changed anything."""
    now = timezone.now()
    for beat in beats:
        WorkerBeat.objects.update_or_create(worker_id=beat["worker_id"], defaults={**beat, "last_seen": now})


def forget_beats(prefix: str) -> None:
    """Workers stopped cleanly (all named `prefix:…` by their supervisor, including those it
    had started again) leave no heartbeat behind to look dead."""
    beats = WorkerBeat.objects.filter(worker_id__startswith=f"{prefix}:")
    cache.delete_many([beat_key(w) for w in beats.values_list("worker_id", flat=True)])
    beats.delete()
