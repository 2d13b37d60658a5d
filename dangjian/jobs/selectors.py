"""Reads for jobs: a job with its latest progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .models import Job, JobStatus, WorkerBeat


def progress_key(job_id: int) -> str:
    return f"jobs:progress:{job_id}"


def cached_progress(job_id: int) -> dict[str, Any] | None:
    figures: dict[str, Any] | None = cache.get(progress_key(job_id))
    return figures


def live(job: Job) -> Job:
    """The job with the progress its worker last reported. While it runs the numbers live in the
    cache: an import reports from inside its one transaction, whose row updates nobody else can
    see before it commits. Once finished, the row holds the final figures."""
    if not job.finished:
        latest = cached_progress(job.pk)
        if latest:
            job.done, job.total, job.message = latest["done"], latest["total"], latest["message"]
    return job


def stall_seconds() -> int:
    return settings.JOB_STALL_SECONDS


def is_stalled(job: Job, now: dt.datetime | None = None) -> bool:
    """An unfinished job with no sign of life for JOB_STALL_SECONDS (15 minutes): its worker was
    stopped or killed, or no worker is running. Work written in one transaction (imports) left
    nothing behind, so the person may start it again."""
    if job.finished:
        return False
    now = now or timezone.now()
    latest = cached_progress(job.pk)
    if latest and latest.get("at"):
        last = dt.datetime.fromtimestamp(latest["at"], tz=dt.UTC)
    else:
        last = job.started_at or job.created_at
    return (now - last).total_seconds() > stall_seconds()


# --- workers ------------------------------------------------------------------------------


def beat_key(worker_id: str) -> str:
    return f"jobs:worker:{worker_id}"


def worker_last_seen(worker_id: str) -> dt.datetime | None:
    """When the worker was last seen alive: its heartbeat row, or the fresher cache entry its
    supervisor writes even while the database is locked. None for a worker that never beat."""
    row = WorkerBeat.objects.filter(worker_id=worker_id).values_list("last_seen", flat=True).first()
    cached = cache.get(beat_key(worker_id)) if worker_id else None
    if cached is not None:
        at = dt.datetime.fromtimestamp(cached, tz=dt.UTC)
        row = max(row, at) if row else at
    return row


def live_workers(now: dt.datetime | None = None) -> list[WorkerBeat]:
    """The workers seen within WORKER_HEARTBEAT_SECONDS."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS)
    beats = list(WorkerBeat.objects.order_by("worker_id"))
    fresh = cache.get_many([beat_key(b.worker_id) for b in beats])
    live = []
    for beat in beats:
        cached = fresh.get(beat_key(beat.worker_id))
        if cached is not None:
            beat.last_seen = max(beat.last_seen, dt.datetime.fromtimestamp(cached, tz=dt.UTC))
        if beat.last_seen >= cutoff:
            live.append(beat)
    return live


def queues_without_worker(now: dt.datetime | None = None) -> list[str]:
    """The task queues (settings.TASKS) that no live worker serves."""
    served = {q for beat in live_workers(now) for q in beat.queue_names}
    queues = settings.TASKS["default"].get("QUEUES") or ["default"]
    return [q for q in queues if q not in served and "*" not in served]


def requester_language_of(job_id: int) -> str:
    """The language of the user who asked for the job (the site's default if they have none):
    a task speaks it in the outcome it writes."""
    language = Job.objects.filter(pk=job_id).values_list("requested_by__language", flat=True).first()
    return language or settings.LANGUAGE_CODE


def latest_jobs(user: Any, kind: str, limit: int = 20) -> list[Job]:
    """The user's own latest jobs of `kind`, newest first (their files left out)."""
    return list(Job.objects.filter(requested_by=user, kind=kind).defer("output").order_by("-created_at", "-pk")[:limit])


def unfinished_of_kind(kind: str) -> Job | None:
    """Anyone's job of `kind` still waiting or running (the newest), if there is one."""
    return (
        Job.objects.filter(kind=kind, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .defer("output")
        .order_by("-created_at", "-pk")
        .first()
    )


# --- a job for its task -----------------------------------------------------------------------


def job_with_requester(job_id: int) -> Job:
    """The job a background task runs, with who asked for it (whose scope and language it runs in)."""
    return Job.objects.select_related("requested_by").get(pk=job_id)
