"""The daily tasks, run by the workers' supervisor by itself (no cron needed): the membership
development reminders and the political birthday greetings (settings.DAILY_TASKS).

Once a minute the supervisor asks `enqueue_due`: each task whose local time of day has come and
that has not run today is claimed by inserting its `DailyRun` row (one per task and day: a
second supervisor, or a restart, finds it and does nothing) and handed to the task queue, where
`run_daily` calls it as the system. A task missed while the workers were down runs when they
come back the same day; running it again the same day sends nothing twice (the reminders and
greetings are idempotent per day), so the commands (`manage.py send_reminders`, …) stay usable
from cron or by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from dangjian.audit import services as audit
from dangjian.audit.context import audit_source

from .models import DailyRun


def _due_at(spec: dict[str, str]) -> dt.time:
    hours, _sep, minutes = spec["at"].partition(":")
    return dt.time(int(hours), int(minutes or 0))


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Claim and enqueue the daily tasks due by `now` that have not run today; their names."""
    now = timezone.localtime(now or timezone.now())
    today = now.date().isoformat()
    started = []
    for name, spec in settings.DAILY_TASKS.items():
        if now.time() < _due_at(spec):
            continue
        try:
            with transaction.atomic():
                run = DailyRun.objects.create(name=name, day=now.date(), started_at=timezone.now())
                audit.record_create(None, run)
                transaction.on_commit(_enqueue(name, today))
        except IntegrityError:
            continue  # already claimed today
        started.append(name)
    return started


def _enqueue(name: str, day: str) -> Any:
    def go() -> None:
        run_daily.enqueue(name=name, day=day)

    return go


@task()
def run_daily(name: str, day: str) -> dict[str, Any]:
    """One daily task, as the system, for `day`; its outcome is kept on the day's run."""
    run_task = import_string(settings.DAILY_TASKS[name]["run"])
    with audit_source("system"):
        try:
            result = run_task(today=dt.date.fromisoformat(day), actor=None)
        except Exception as exc:
            _finish(name, day, f"failed: {type(exc).__name__}: {exc}"[:500])
            raise
        _finish(name, day, ", ".join(f"{k} {v}" for k, v in result.items() if isinstance(v, int))[:500])
    return result


def _finish(name: str, day: str, outcome: str) -> None:
    run = DailyRun.objects.get(name=name, day=day)
    before = audit.snapshot(run)
    run.finished_at = timezone.now()
    run.outcome = outcome
    run.save(update_fields=["finished_at", "outcome"])
    audit.record_update(None, run, before)


def last_runs() -> list[DailyRun]:
    """The newest run of each daily task (the health output and the audit page's status)."""
    runs = []
    for name in settings.DAILY_TASKS:
        run = DailyRun.objects.filter(name=name).order_by("-day").first()
        if run is not None:
            runs.append(run)
    return runs
