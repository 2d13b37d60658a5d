"""A list longer than EXPORT_SYNC_ROWS is written by a background job its requester watches."""

from __future__ import annotations

from django.urls import reverse

from dangjian.audit.models import Action, AuditEvent
from dangjian.jobs.models import Job, JobStatus
from dangjian.sheets import XLSX_CONTENT_TYPE
from dangjian.testing.exports import by_name, read_rows


def test_a_long_list_becomes_a_job_whose_file_only_its_requester_downloads(
    world, login, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_ROWS = 1
    world.a.secretary.language = "en"
    world.a.secretary.save()
    client = login(world.a.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:people") + "?status=members")
    job = Job.objects.get(requested_by=world.a.secretary, kind="export")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.DONE, job.message
    assert (job.done, job.total) == (2, 2)
    assert job.result["summary"] == "2 rows exported."
    assert bytes(job.output)[:4] == b"DJF1"  # sealed, not the workbook itself

    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == XLSX_CONTENT_TYPE
    assert job.output_name.startswith("people-") and job.output_name in download["Content-Disposition"]
    rows = read_rows(download.content)
    assert rows[0][0] == "Name"  # written in the requester's language
    assert sorted(by_name(rows, "id_number", "en")) == ["A书记", "A党员"]

    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.changes["rows"] == 2 and event.changes["filters"] == {"status": "members"}
    assert event.object_repr == job.output_name

    assert login(world.b.secretary).get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_htmx_is_sent_to_the_job_page(world, login, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_SYNC_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.a.secretary).post(reverse("exports:organizations"), HTTP_HX_REQUEST="true")
    job = Job.objects.get(requested_by=world.a.secretary, kind="export")
    assert response["HX-Redirect"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.DONE
