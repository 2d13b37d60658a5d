"""Background work of membership development: the daily reminders, run as a job with progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from dangjian.jobs.selectors import job_with_requester
from dangjian.jobs.services import Progress, run_job

from . import reminders


def summary(result: dict[str, Any]) -> str:
    return (
        _(
            "Reminders for %(today)s: %(candidacies)d open candidacies, %(notifications)d notifications to "
            "%(recipients)d people, %(emails_sent)d e-mails sent, %(emails_failed)d failed."
        )
        % result
    )


@task()
def send_reminders_task(job_id: int, today: str | None = None) -> dict[str, Any]:
    """The same run as `manage.py send_reminders`, started from a page; `today` is ISO (JSON)."""
    job = job_with_requester(job_id)
    day = dt.date.fromisoformat(today) if today else None

    def work(progress: Progress) -> dict[str, Any]:
        result = reminders.send_reminders(today=day, actor=job.requested_by, progress=progress)
        return {**result, "summary": summary(result)}

    with translation.override(job.requested_by.language or settings.LANGUAGE_CODE):
        return run_job(job_id, work)
