"""A long check runs as a background job whose progress and outcome its requester sees."""

from django.urls import reverse

from dangjian.jobs.models import Job, JobStatus


def test_county_department_runs_the_chain_check_and_sees_the_outcome(world, login, django_capture_on_commit_callbacks):
    client = login(world.county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:verify"))
    job = Job.objects.get(requested_by=world.county_admin)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.DONE
    assert job.result["ok"] is True
    assert job.done == job.total and job.total > 10
    progress = client.get(reverse("jobs:progress", args=[job.pk]))
    assert progress.status_code == 286  # tells htmx to stop polling
    assert f"哈希链完好：已校验 {job.result['checked']} 条记录。" in progress.content.decode()
    assert job.result["summary"] in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()


def test_a_running_job_keeps_polling(world, login):
    job = Job.objects.create(
        kind="x", title="x", requested_by=world.a.secretary, status=JobStatus.RUNNING, total=10, done=4
    )
    response = login(world.a.secretary).get(reverse("jobs:progress", args=[job.pk]))
    assert response.status_code == 200
    assert 'aria-valuenow="40"' in response.content.decode()
    assert 'hx-trigger="every 1s"' in response.content.decode()


def test_secretary_may_not_start_the_chain_check(world, login):
    assert login(world.a.secretary).post(reverse("audit:verify")).status_code == 403
    assert not Job.objects.exists()


def test_the_outcome_is_the_requesters_alone(world, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(world.county_admin).post(reverse("audit:verify"))
    job = Job.objects.get(requested_by=world.county_admin)
    client = login(world.b.secretary)
    for name in ("jobs:detail", "jobs:progress"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
