"""The sweep finds work nobody runs any more (its worker's heartbeat stopped, or a command's
check stopped showing signs of life) and marks it interrupted, with an audit record, so the
person sees "interrupted — nothing was written, start it again" instead of "checking" forever.
Work still running, or waiting in its queue, is left alone."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskError
from django_tasks_db.models import DBTaskResult

from dangjian.audit.models import AuditEvent
from dangjian.jobs import services
from dangjian.jobs.models import Job, JobStatus, WorkerBeat
from dangjian.jobs.rules import JobTimeLimitExceeded
from dangjian.jobs.selectors import beat_key
from dangjian.rosters import services as rosters
from dangjian.rosters.models import ImportStatus
from dangjian.testing.rosters import ident, xlsx

pytestmark = pytest.mark.django_db


def _claimed(job: Job, worker: str, status: str = "RUNNING") -> None:
    """The job's task as django-tasks-db leaves it once `worker` has claimed it."""
    result = DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=status,
        args_kwargs={"args": [], "kwargs": {"job_id": job.pk}},
        task_path="dangjian.rosters.tasks.check_roster_task",
        queue_name="rosters",
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=[worker] if status == "RUNNING" else [],
    )
    Job.objects.filter(pk=job.pk).update(task_result_id=str(result.pk), status=JobStatus.RUNNING)


def _stopped_by(result: DBTaskResult) -> type[BaseException]:
    """The exception class of a failed task result, resolved as django-tasks resolves it."""
    return TaskError(exception_class_path=result.exception_class_path, traceback=result.traceback).exception_class


def _beat(worker: str, seconds_ago: int) -> None:
    at = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerBeat.objects.create(worker_id=worker, host="h", queues="rosters", started_at=at, last_seen=at)


def _checking(user, target, name="花名册.xlsx"):
    """An upload whose check job a worker claimed (the job runs nowhere in these tests)."""
    data = xlsx([[1, "甲", "女", "汉族", ident(1), "", "", "", "", ""]])
    imp = rosters.upload(actor=user, target=target, file_name=name, data=data, background=False)
    imp.check_job = Job.objects.create(kind="roster_check", title=name, requested_by=user)
    imp.save(update_fields=["check_job"])
    return imp


def test_a_check_whose_worker_is_gone_is_marked_interrupted(world, login):
    user = world.a.manager
    user.language = "en"
    user.save(update_fields=["language"])
    dead = _checking(user, world.a.enterprise)
    _claimed(dead.check_job, "host:1:0")
    _beat("host:1:0", seconds_ago=600)
    alive = _checking(world.b.manager, world.b.enterprise)
    _claimed(alive.check_job, "host:1:1")
    _beat("host:1:1", seconds_ago=1)
    waiting = _checking(world.b.manager, world.b.enterprise)
    _claimed(waiting.check_job, "", status="READY")

    assert services.sweep() == 1

    dead.refresh_from_db()
    job = dead.check_job
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message.startswith("Interrupted")
    result = DBTaskResult.objects.get(pk=job.task_result_id)
    assert result.status == "FAILED"
    # The task result names an exception class that exists, as django-tasks resolves it.
    assert issubclass(_stopped_by(result), Exception)
    assert dead.status == ImportStatus.INTERRUPTED and "Nothing was written" in dead.message
    assert (
        AuditEvent.objects.filter(object_type="rosters.RosterImport", object_id=str(dead.pk))
        .filter(changes__stopped="interrupted")
        .exists()
    )
    page = login(user).get(reverse("rosters:detail", args=[dead.pk])).content.decode()
    assert "Nothing was written. Upload the file again" in page and 'data-status="interrupted"' in page
    # B's check, still running, and B's queued one are untouched; B learns nothing of A's.
    for other in (alive, waiting):
        other.refresh_from_db()
        assert other.status == ImportStatus.CHECKING and other.check_job.status != JobStatus.FAILED
    assert login(world.b.manager).get(reverse("rosters:detail", args=[dead.pk])).status_code == 404


def test_an_interrupted_import_can_be_confirmed_again(world, upload):  # noqa: F811
    world.a.manager.language = "en"  # the message is stored in its uploader's language
    world.a.manager.save(update_fields=["language"])
    imp = upload(world.a.manager, world.a.enterprise, xlsx([[1, "甲", "女", "汉族", ident(1), "", "", "", "", ""]]))
    assert imp.status == ImportStatus.CHECKED
    imp.import_job = Job.objects.create(kind="roster_import", title="导入", requested_by=world.a.manager)
    imp.save(update_fields=["import_job"])
    _claimed(imp.import_job, "host:2:0")
    _beat("host:2:0", seconds_ago=600)
    assert services.sweep() == 1
    imp.refresh_from_db()
    assert imp.status == ImportStatus.CHECKED and imp.may_confirm
    assert "Confirm the import again" in imp.message


def test_a_worker_without_heartbeats_gets_the_stall_time(world, settings):
    """A plain `db_worker` writes no heartbeat: its job is given JOB_STALL_SECONDS."""
    imp = _checking(world.a.manager, world.a.enterprise)
    _claimed(imp.check_job, "db_worker-random-id")
    assert services.sweep() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=settings.JOB_STALL_SECONDS + 1)):
        assert services.sweep() == 1
    imp.refresh_from_db()
    assert imp.status == ImportStatus.INTERRUPTED


def test_a_worker_seen_only_in_the_cache_is_alive(world):
    """While an import holds SQLite's write lock the heartbeat row cannot be written; the
    supervisor's cache entry still says the worker lives."""
    imp = _checking(world.a.manager, world.a.enterprise)
    _claimed(imp.check_job, "host:3:0")
    _beat("host:3:0", seconds_ago=600)
    cache.set(beat_key("host:3:0"), timezone.now().timestamp())
    assert services.sweep() == 0


def test_a_command_check_is_interrupted_once_it_shows_no_sign_of_life(world, settings):
    """`manage.py import_roster` checks without a job; a killed one stayed "checking"."""
    data = xlsx([[1, "甲", "女", "汉族", ident(1), "", "", "", "", ""]])
    imp = rosters.upload(actor=None, target=world.a.enterprise, file_name="c.xlsx", data=data, background=False)
    from dangjian.rosters.pipeline import ALIVE_TTL, alive_key

    cache.set(alive_key(imp.pk), timezone.now().timestamp(), ALIVE_TTL)
    assert services.sweep() == 0
    later = timezone.now() + dt.timedelta(seconds=settings.JOB_STALL_SECONDS + 1)
    with time_machine.travel(later):
        assert services.sweep() == 1
    imp.refresh_from_db()
    assert imp.status == ImportStatus.INTERRUPTED
    assert AuditEvent.objects.filter(object_type="rosters.RosterImport", changes__stopped="interrupted").count() == 1


def test_a_roster_job_stopped_past_its_limit_fails_its_file_in_the_uploaders_language(world, api_as):  # noqa: F811
    from dangjian.testing.api import API

    user = world.a.manager
    user.language = "en"
    user.save(update_fields=["language"])
    imp = _checking(user, world.a.enterprise)
    _claimed(imp.check_job, "host:4:0")
    services.stop_job(job_id=imp.check_job_id, reason=services.TIME_LIMIT, limit=1200)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED and "at most 20 minutes" in imp.message
    assert _stopped_by(DBTaskResult.objects.get(pk=imp.check_job.task_result_id)) is JobTimeLimitExceeded
    got = api_as(user).get(f"{API}/imports/{imp.pk}").json()
    assert got["status"] == "failed" and "at most 20 minutes" in got["message"]
