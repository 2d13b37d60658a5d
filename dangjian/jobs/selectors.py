"""Reads for jobs: a job with its latest progress."""

from __future__ import annotations

from django.core.cache import cache

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
