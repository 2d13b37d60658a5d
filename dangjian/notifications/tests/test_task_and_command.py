"""The reminders as a background job with progress, and as the daily command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from dangjian.development import services as development
from dangjian.development.tasks import send_reminders_task
from dangjian.jobs.models import Job, JobStatus
from dangjian.jobs.services import start_job
from dangjian.notifications.models import Notification
from dangjian.testing.development import applicant
from dangjian.testing.factories import PersonFactory

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


def test_the_command_without_a_date_acts_on_todays_local_date(world):
    """Run as cron runs it: no --today, the clock frozen. 17:00 UTC on 28 January is already the
    29th in Shanghai, the day the talk of an application of 5 January is first reminded."""
    import time_machine

    applicant(world, dt.date(2026, 1, 5))
    with time_machine.travel(dt.datetime(2026, 1, 28, 15, 59, tzinfo=dt.UTC), tick=False):
        out = io.StringIO()
        call_command("send_reminders", stdout=out)
    assert "Reminders for 2026-01-28" in out.getvalue() and "0 notifications" in out.getvalue()
    with time_machine.travel(dt.datetime(2026, 1, 28, 17, 0, tzinfo=dt.UTC), tick=False):
        out = io.StringIO()
        call_command("send_reminders", stdout=out)
    assert "Reminders for 2026-01-29" in out.getvalue() and "1 notifications to 1 people" in out.getvalue()
    (note,) = Notification.objects.all()
    assert note.sent_on == dt.date(2026, 1, 29) and note.user == world.a.secretary


def test_each_side_is_reminded_only_of_its_own_candidacies(world):
    """The daily run reminds B's secretary of B's applicant and A's of A's, never across."""
    applicant(world, dt.date(2026, 1, 5))
    person_b = PersonFactory(name="B申请人", employer=world.b.enterprise, birth_date=dt.date(1998, 5, 5))
    development.apply(
        actor=world.b.secretary,
        person=person_b,
        organization=world.b.branch,
        applied_on=dt.date(2026, 1, 5),
        today=dt.date(2026, 1, 5),
    )
    call_command("send_reminders", "--today", "2026-01-29", stdout=io.StringIO())

    def text(user):
        return " ".join(f"{n.title} {n.body} {n.url}" for n in Notification.objects.filter(user=user))

    assert "B申请人" in text(world.b.secretary) and "阿比巴汗" not in text(world.b.secretary)
    assert "阿比巴汗" in text(world.a.secretary) and "B申请人" not in text(world.a.secretary)
