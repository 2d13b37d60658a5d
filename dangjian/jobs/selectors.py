"""Reads for jobs: a job with its latest progress."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .models import Job


def progress_key(job_id: int) -> str:
    return f"jobs:progress:{job_id}"


def cached_progress(job_id: int) -> dict | None:
    return cache.get(progress_key(job_id))


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
    return getattr(settings, "JOB_STALL_SECONDS", 900)


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
