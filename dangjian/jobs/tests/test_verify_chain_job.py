"""A long check runs as a background job whose progress and outcome its requester sees."""

from django.urls import reverse

from dangjian.jobs.models import Job, JobStatus
from dangjian.organizations.services import update_organization


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
    assert f"审计日志完好：已校验 {job.result['checked']} 条记录" in progress.content.decode()
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


def test_the_audit_page_shows_the_seals_and_gives_the_checkpoint(world, login, settings):
    """The county department sees how far the log is sealed, is warned when events wait too long
    (the workers are down), and downloads the newest seal as a checkpoint to keep elsewhere —
    a download the log itself records. A branch secretary gets none of it."""
    from dangjian.audit import sealing
    from dangjian.audit.models import AuditEvent

    client = login(world.county_admin)
    page = client.get(reverse("audit:log")).content.decode()
    assert "No events sealed yet." in page or "尚无已封存的记录" in page
    sealed = sealing.seal()
    page = client.get(reverse("audit:log")).content.decode()
    assert f"#{sealed.pk}" in page and sealed.hash[:16] in page and "manage.py run_workers" not in page
    update_organization(actor=world.a.secretary, org=world.a.branch, name="A支部新名")
    settings.AUDIT_SEAL_MAX_AGE_SECONDS = -1  # any wait is too long: as if the workers were down
    assert "manage.py run_workers" in client.get(reverse("audit:log")).content.decode()
    download = client.get(reverse("audit:checkpoint"))
    assert download.status_code == 200
    point = download.json()
    assert point["seal"] == sealed.pk and point["hash"] == sealed.hash
    assert sealing.verify_against([point]) == []
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.actor_id, event.object_id) == ("export", world.county_admin.pk, str(sealed.pk))
    secretary = login(world.a.secretary)
    assert secretary.get(reverse("audit:checkpoint")).status_code == 403
    assert secretary.get(reverse("audit:log")).status_code == 403
