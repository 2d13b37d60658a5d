"""Progress reported from inside one long transaction is visible to the page that polls it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from dangjian.jobs.models import Job, JobStatus
from dangjian.jobs.selectors import cached_progress
from dangjian.jobs.services import Progress, run_job


def _running_job(user) -> Job:
    return Job.objects.create(kind="import", title="名册导入", requested_by=user, status=JobStatus.RUNNING)


def test_progress_inside_a_transaction_shows_through_the_cache(world, login):
    job = _running_job(world.a.secretary)
    with transaction.atomic():
        Progress(job.pk)(40, 100, "第40行", force=True)
        # Not written to the row: on PostgreSQL nobody would see it before the commit anyway.
        assert Job.objects.get(pk=job.pk).done == 0
    body = login(world.a.secretary).get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "40 / 100" in body and 'aria-valuenow="40"' in body and "第40行" in body
    assert "40 / 100" in login(world.a.secretary).get(reverse("jobs:detail", args=[job.pk])).content.decode()


def test_a_finished_job_shows_its_row_not_a_stale_cache_entry(world, login):
    job = _running_job(world.a.secretary)
    Progress(job.pk)(3, 10, force=True)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, done=10, total=10)
    body = login(world.a.secretary).get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "10 / 10" in body


def test_run_job_keeps_the_final_figures_on_the_row(world):
    job = _running_job(world.a.secretary)

    def work(progress):
        with transaction.atomic():
            for n in range(1, 8):
                progress(n, 7, force=True)
        return {"ok": True}

    run_job(job.pk, work)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 7, 7)
    assert cached_progress(job.pk) is None


def test_a_failed_job_keeps_how_far_it_got(world):
    job = _running_job(world.a.secretary)

    def work(progress):
        progress(5, 9, force=True)
        raise ValueError("第6行有误")

    with pytest.raises(ValueError):
        run_job(job.pk, work)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.message) == (JobStatus.FAILED, 5, 9, "第6行有误")


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_row_is_written_too(world):
    job = _running_job(world.a.secretary)
    Progress(job.pk)(2, 5, "x", force=True)
    job.refresh_from_db()
    assert (job.done, job.total, job.message) == (2, 5, "x")


def test_the_other_side_never_sees_a_jobs_progress(world, login):
    """The progress cached for A's job is shown to nobody of B, however they ask."""
    job = _running_job(world.a.secretary)
    Progress(job.pk)(40, 100, "第40行", force=True)
    client = login(world.b.secretary)
    for name in ("jobs:progress", "jobs:detail"):
        response = client.get(reverse(name, args=[job.pk]))
        assert response.status_code == 404
        assert "第40行" not in response.content.decode()
