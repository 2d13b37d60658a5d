"""The reminders as a background job with progress, and as the daily command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from dangjian.jobs.models import Job, JobStatus
from dangjian.jobs.services import start_job
from dangjian.notifications.models import Notification
from dangjian.notifications.tasks import send_reminders_task

from .builders import applicant

pytestmark = pytest.mark.django_db


def test_the_job_runs_the_reminders_and_reports_them(world, django_capture_on_commit_callbacks):
    applicant(world, dt.date(2026, 1, 5))
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            actor=world.county_admin,
            kind="reminders",
            title="Reminders",
            task=send_reminders_task,
            today="2026-01-29",
        )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result["notifications"] == 1 and job.result["candidacies"] == 1
    assert job.done == job.total == 1
    assert "2026-01-29" in job.result["summary"]
    assert Notification.objects.get().user == world.a.secretary


def test_the_command_prints_the_counts_and_is_safe_to_repeat(world):
    applicant(world, dt.date(2026, 1, 5))
    out = io.StringIO()
    call_command("send_reminders", "--today", "2026-01-29", stdout=out)
    assert "1 notifications to 1 people" in out.getvalue()
    out = io.StringIO()
    call_command("send_reminders", "--today", "2026-01-29", stdout=out)
    assert "0 notifications" in out.getvalue()
    assert Notification.objects.count() == 1
    assert Job.objects.count() == 0


def test_the_command_refuses_a_bad_date(world):
    with pytest.raises(CommandError):
        call_command("send_reminders", "--today", "29.01.2026")
