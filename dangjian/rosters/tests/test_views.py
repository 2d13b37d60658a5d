"""The import pages: what a user sees, may do, and may not reach."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.people.models import Person
from dangjian.rosters.models import RosterImport
from dangjian.testing.rosters import ident, read_back, xlsx

pytestmark = pytest.mark.django_db


def roster(bad: bool = False) -> bytes:
    rows = [
        [1, "王芳", "女", "汉族", ident(1), "", "A缝纫一组", "缝纫工", "13912345678", "高中"],
        [2, "阿依古丽", "女", "维吾尔族", ident(2), "", "", "", "", ""],
    ]
    if bad:
        rows[1][3] = "火星族"
    return xlsx(rows, titles=["职工花名册"], merges=["A1:J1"])


def post_upload(client, target_value, data, name="花名册.xlsx"):
    return client.post(
        reverse("rosters:upload"),
        {"target": target_value, "file": SimpleUploadedFile(name, data), "create_teams": ""},
    )


def test_upload_offers_only_places_in_scope(world, login, django_capture_on_commit_callbacks):
    client = login(world.a.manager)
    page = client.get(reverse("rosters:upload")).content.decode()
    assert world.a.enterprise.name in page and world.b.enterprise.name not in page
    response = post_upload(client, f"e{world.b.enterprise.pk}", roster())
    assert response.status_code == 400
    assert not RosterImport.objects.exists()
    response = post_upload(client, f"e{world.a.enterprise.pk}", b"not a spreadsheet", name="roster.pdf")
    assert response.status_code == 400 and ".xlsx" in response.content.decode()


def test_preview_confirm_and_import(world, login, django_capture_on_commit_callbacks):
    client = login(world.a.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, f"e{world.a.enterprise.pk}", roster(bad=True))
    imp = RosterImport.objects.get()
    assert response.url == reverse("rosters:detail", args=[imp.pk])
    page = client.get(response.url).content.decode()
    assert "火星族" in page and "D 民族" in page
    assert "data-confirm" not in page  # rejected rows: nothing can be imported
    assert client.get(reverse("rosters:report", args=[imp.pk])).status_code == 405
    report = read_back(client.post(reverse("rosters:report", args=[imp.pk])).content)
    header = report[1]
    assert header[:3] == ["序号", "姓名", "性别"] and len(header) == 13
    assert report[3][1] == "阿依古丽" and "火星族" in report[3][11]
    assert report[2][10] and not report[2][11]
    assert AuditEvent.objects.filter(action="export", object_type="rosters.RosterImport").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, f"e{world.a.enterprise.pk}", roster())
    fixed = RosterImport.objects.latest("pk")
    page = client.get(response.url).content.decode()
    assert "data-confirm" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rosters:confirm", args=[fixed.pk]))
    fixed.refresh_from_db()
    assert fixed.status == "imported"
    assert Person.objects.filter(name__in=["王芳", "阿依古丽"], employer=world.a.enterprise).count() == 2
    page = client.get(reverse("rosters:detail", args=[fixed.pk])).content.decode()
    assert 'data-status="imported"' in page
    # The people just imported are one tap from their logins.
    give = re.search(r'data-give-logins href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "王芳" in client.get(give).content.decode()


def test_imports_are_their_uploaders(world, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(login(world.a.manager), f"e{world.a.enterprise.pk}", roster())
    imp = RosterImport.objects.get()
    other = login(world.b.manager)
    for name in ("rosters:detail", "rosters:state"):
        assert other.get(reverse(name, args=[imp.pk])).status_code == 404
    for name in ("rosters:confirm", "rosters:discard", "rosters:report"):
        assert other.post(reverse(name, args=[imp.pk])).status_code == 404
    imp.refresh_from_db()
    assert imp.status == "checked" and imp.has_file


def test_state_polls_until_done(world, login):
    from dangjian.jobs.models import Job
    from dangjian.rosters import services

    client = login(world.a.manager)
    imp = services.upload(
        actor=world.a.manager, target=world.a.enterprise, file_name="a.xlsx", data=roster(), background=False
    )
    imp.check_job = Job.objects.create(kind="roster_check", title="x", requested_by=world.a.manager, status="running")
    imp.save()
    busy = client.get(reverse("rosters:state", args=[imp.pk]))
    assert busy.status_code == 200 and "data-busy" in busy.content.decode()
    from dangjian.rosters import pipeline

    pipeline.check(imp)
    done = client.get(reverse("rosters:state", args=[imp.pk]))
    assert done.headers["HX-Refresh"] == "true"


def test_templates_list_the_columns_in_the_users_language(world, login):
    client = login(world.a.manager)
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("rosters:template", args=["members"])).content))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:3] == ["姓名", "性别", "民族"]
    assert "入党时间" in header
    world.a.manager.language = "en"
    world.a.manager.save()
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("rosters:template", args=["employees"])).content))
    assert [c.value for c in book.worksheets[0][1]][:2] == ["Name", "Gender"]
    assert client.get(reverse("rosters:template", args=["secrets"])).status_code == 404


def test_a_worker_cannot_import(world, login):
    from dangjian.testing.factories import UserFactory

    worker = UserFactory(person=world.a.worker)
    client = login(worker)
    assert client.get(reverse("rosters:upload")).status_code == 403
    assert client.get(reverse("rosters:list")).status_code == 403


def test_detail_page_queries_do_not_grow_with_rows(world, login, django_assert_max_num_queries):
    from dangjian.rosters import pipeline, services

    client = login(world.a.manager)
    small = services.upload(
        actor=world.a.manager, target=world.a.enterprise, file_name="s.xlsx", data=roster(), background=False
    )
    pipeline.check(small)
    rows = [[i, f"员工{i}", "女", "汉族", ident(100 + i), "", "", "", "", ""] for i in range(40)]
    big = services.upload(
        actor=world.a.manager, target=world.a.enterprise, file_name="b.xlsx", data=xlsx(rows), background=False
    )
    pipeline.check(big)
    with django_assert_max_num_queries(12) as small_q:
        client.get(reverse("rosters:detail", args=[small.pk]))
    with django_assert_max_num_queries(len(small_q.captured_queries)):
        client.get(reverse("rosters:detail", args=[big.pk]))


def test_progress_shown_while_importing_comes_from_the_worker(world, login):
    """The import's own transaction hides the job row's updates; the page shows the cached ones."""
    from dangjian.jobs.models import Job
    from dangjian.jobs.services import Progress
    from dangjian.rosters import pipeline, services

    client = login(world.a.manager)
    imp = services.upload(
        actor=world.a.manager, target=world.a.enterprise, file_name="a.xlsx", data=roster(), background=False
    )
    pipeline.check(imp)
    imp.import_job = Job.objects.create(kind="roster_import", title="x", requested_by=world.a.manager, status="running")
    imp.save()
    from django.db import transaction

    with transaction.atomic():
        Progress(imp.import_job.pk)(1500, 4000, force=True)
    page = client.get(reverse("rosters:state", args=[imp.pk])).content.decode()
    assert "1500 / 4000" in page and "37%" in page


def test_an_import_whose_worker_died_can_be_confirmed_again(world, login, django_capture_on_commit_callbacks, settings):
    """The worker is killed midway: its transaction never commits, the job stays "running" and
    stops reporting. After JOB_STALL_SECONDS the page says so and offers the import again."""
    import datetime as dt

    from django.utils import timezone

    from dangjian.jobs.models import Job
    from dangjian.rosters import pipeline, services

    client = login(world.a.manager)
    imp = services.upload(
        actor=world.a.manager, target=world.a.enterprise, file_name="a.xlsx", data=roster(), background=False
    )
    pipeline.check(imp)
    dead = Job.objects.create(kind="roster_import", title="x", requested_by=world.a.manager, status="running")
    Job.objects.filter(pk=dead.pk).update(started_at=timezone.now() - dt.timedelta(minutes=5))
    imp.import_job = dead
    imp.save()
    page = client.get(reverse("rosters:detail", args=[imp.pk])).content.decode()
    assert 'data-status="importing"' in page and "data-confirm" not in page
    settings.JOB_STALL_SECONDS = 60
    page = client.get(reverse("rosters:detail", args=[imp.pk])).content.decode()
    assert 'data-status="interrupted"' in page and "data-interrupted" in page and "data-confirm" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rosters:confirm", args=[imp.pk]))
    imp.refresh_from_db()
    assert imp.status == "imported"
    assert Person.objects.filter(name="阿依古丽", employer=world.a.enterprise).count() == 1
