"""The daily tasks run by themselves (jobs.schedule, called by the workers' supervisor every
minute): the reminders and the greetings go out once a day at their hour, without cron, and
nobody is told twice however often the supervisor asks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dangjian.audit.models import AuditEvent
from dangjian.jobs import schedule
from dangjian.jobs.models import DailyRun
from dangjian.notifications.models import Notification
from dangjian.testing.development import applicant

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 1, 29, hour, minute, tzinfo=SHANGHAI)


def test_nothing_runs_before_its_hour_then_each_task_once_a_day(world, django_capture_on_commit_callbacks):
    applicant(world, dt.date(2026, 1, 5))  # its talk is first reminded on 29 January
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.enqueue_due(_at(6, 59)) == []
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert sorted(schedule.enqueue_due(_at(7, 30))) == [
            "birthday_greetings",
            "dues_month",
            "reminders",
            "selection_phases",
            "team_charges",
            "transfer_expiry",
            "transfer_stubs",
        ]
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.enqueue_due(_at(9, 0)) == []  # already run today
    reminder = Notification.objects.get()
    assert reminder.user == world.a.secretary
    assert not Notification.objects.filter(user=world.b.secretary).exists()  # nothing of A's applicant
    runs = {r.name: r for r in DailyRun.objects.all()}
    assert runs["reminders"].day == dt.date(2026, 1, 29) and runs["reminders"].finished_at is not None
    assert "notifications 1" in runs["reminders"].outcome
    assert AuditEvent.objects.filter(object_type="jobs.DailyRun").count() == 14  # seven claimed, seven finished


def test_the_next_day_runs_again_and_a_task_turned_off_never_runs(world, settings, django_capture_on_commit_callbacks):
    settings.DAILY_TASKS = {"reminders": settings.DAILY_TASKS["reminders"]}  # greetings turned off
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.enqueue_due(_at(8)) == ["reminders"]
        assert schedule.enqueue_due(_at(8) + dt.timedelta(days=1)) == ["reminders"]
    assert sorted(r.day.day for r in DailyRun.objects.all()) == [29, 30]
    assert [r.name for r in schedule.last_runs()] == ["reminders"]
