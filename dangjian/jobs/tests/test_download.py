"""A job's file is kept sealed and downloads for the person who started the job, nobody else."""

from __future__ import annotations

from urllib.parse import quote

from django.urls import reverse

from dangjian.jobs.models import Job, JobStatus
from dangjian.jobs.services import Output, attach_output


def _job_with_output(user, status=JobStatus.DONE) -> Job:
    job = Job.objects.create(kind="export", title="导出", requested_by=user, status=status)
    attach_output(job.pk, Output.of("党员花名册-2026-11-25.xlsx", b"PK\x03\x04 the file", "application/vnd.ms-excel"))
    return job


def test_the_requester_downloads_the_file_under_its_chinese_name(world, login):
    job = _job_with_output(world.a.secretary)
    stored = Job.objects.get(pk=job.pk)
    assert b"the file" not in bytes(stored.output) and stored.output_size == len(b"PK\x03\x04 the file")
    response = login(world.a.secretary).get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    assert response.content == b"PK\x03\x04 the file"
    assert response["Content-Type"] == "application/vnd.ms-excel"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('党员花名册-2026-11-25.xlsx')}"
    assert "no-store" in response["Cache-Control"]


def test_nobody_else_learns_the_file_exists(world, login):
    job = _job_with_output(world.a.secretary)
    for user in (world.b.secretary, world.a.manager, world.county_admin):
        assert login(user).get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_job_without_a_file_has_nothing_to_download(world, login):
    job = Job.objects.create(kind="x", title="x", requested_by=world.a.secretary, status=JobStatus.DONE)
    client = login(world.a.secretary)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert (
        reverse("jobs:download", args=[job.pk])
        not in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    )


def test_the_download_button_appears_once_the_job_is_done(world, login):
    job = _job_with_output(world.a.secretary, status=JobStatus.RUNNING)
    client = login(world.a.secretary)
    url = reverse("jobs:download", args=[job.pk])
    assert url not in client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    response = client.get(reverse("jobs:progress", args=[job.pk]))
    assert response.status_code == 286 and url in response.content.decode()


def test_old_outputs_are_purged(world, login):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from dangjian.audit.models import AuditEvent
    from dangjian.jobs.models import Job, JobStatus
    from dangjian.jobs.services import Output, attach_output

    old = Job.objects.create(kind="export", title="old", requested_by=world.a.secretary, status=JobStatus.DONE)
    new = Job.objects.create(kind="export", title="new", requested_by=world.a.secretary, status=JobStatus.DONE)
    for job in (old, new):
        attach_output(job.pk, Output.of("名单.xlsx", b"PK data", "application/octet-stream"))
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=9))
    Job.objects.filter(pk=new.pk).update(finished_at=timezone.now())
    call_command("purge_files", "--days", "7")
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.has_output and bytes(old.output) == b""
    assert new.has_output
    assert login(world.a.secretary).get(f"/jobs/{old.pk}/download/").status_code == 404
    assert AuditEvent.objects.filter(object_type="jobs.Job", object_id=str(old.pk), source="command").exists()
