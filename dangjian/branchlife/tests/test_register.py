"""The meeting register (台账) in Excel: what the list shows, with everyone's attendance,
invited non-members marked as such, within the user's scope, and every download audited."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.testing.branchlife import meeting

from .. import services

pytestmark = pytest.mark.django_db


def sheets(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def test_the_register_holds_meetings_and_attendance_of_the_users_branch_only(world, login):
    m = meeting(world.a, topic="学习党章")
    services.invite(actor=None, meeting=m, person=world.a.worker)
    services.set_attendance(
        actor=None, attendance=m.attendances.get(person=world.a.member), state="leave", reason="夜班"
    )
    meeting(world.b, topic="B支部大会")
    world.a.secretary.language = "en"  # pages speak the user's saved language
    world.a.secretary.save()
    response = login(world.a.secretary).post(reverse("branchlife:register") + "?year=2026")
    assert response.status_code == 200
    data = sheets(response)
    meetings, attendance = data["Meetings"], data["Attendance"]
    topics = [row[5] for row in meetings[2:]]
    assert topics == ["学习党章"]  # B's meeting is not in A's file
    header = meetings[1]
    row = dict(zip(header, meetings[2], strict=True))
    assert (row["Members expected"], row["Present"], row["On leave"], row["Invited non-members"]) == (2, 0, 1, 1)
    people = {r[4]: r for r in attendance[2:]}
    assert people["A工人"][5] == "invited non-member"
    assert people["A党员"][6] == "On leave" and people["A党员"][7] == "夜班"
    assert "B党员" not in people
    event = AuditEvent.objects.get(object_type="branchlife.register")
    assert event.changes == {"meetings": 1, "attendance_rows": 3}
    assert event.org_path == world.a.branch.path


def test_the_register_follows_the_lists_filters(world, login):
    meeting(world.a, kind="general", topic="大会")
    meeting(world.a, kind="theme_day", on=dt.date(2026, 4, 1), topic="主题党日")
    response = login(world.a.secretary).post(reverse("branchlife:register") + "?kind=theme_day")
    rows = next(iter(sheets(response).values()))
    assert [r[5] for r in rows[2:]] == ["主题党日"]


def test_the_register_is_a_post(world, login):
    assert login(world.a.secretary).get(reverse("branchlife:register")).status_code == 405


def test_a_planned_or_cancelled_meetings_list_is_not_exported_as_attendance(world, login):
    planned = meeting(world.a, status="planned", on=dt.date(2026, 12, 1), topic="计划中的会")
    cancelled = meeting(world.a, status="planned", on=dt.date(2026, 12, 2), topic="取消的会")
    services.update_meeting(actor=None, meeting=cancelled, status="cancelled")
    meeting(world.a, topic="开过的会")
    data = sheets(login(world.a.secretary).post(reverse("branchlife:register")))
    meetings, attendance = data.values()
    assert {r[5] for r in meetings[2:]} == {"计划中的会", "取消的会", "开过的会"}
    assert {r[3] for r in attendance[2:]} == {"开过的会"}  # only the held meeting's attendance
    row = {r[5]: r for r in meetings[2:]}[planned.topic]
    assert row[9] == 2 and row[10] is None  # expected known, presence not yet


def test_a_long_register_is_written_by_a_job_with_progress(world, login, settings, django_capture_on_commit_callbacks):
    from dangjian.jobs.models import Job

    settings.EXPORT_SYNC_ROWS = 3  # two meetings and their attendance are more than that
    meeting(world.a, topic="一月大会", on=dt.date(2026, 1, 10))
    meeting(world.a, topic="二月大会", on=dt.date(2026, 2, 10))
    meeting(world.b, topic="B的大会")
    client = login(world.a.secretary)
    with django_capture_on_commit_callbacks(execute=True):  # the job is enqueued once committed
        response = client.post(reverse("branchlife:register"))
    job = Job.objects.get(requested_by=world.a.secretary)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "done" and job.done == job.total == 6  # 2 meetings + 4 attendance rows
    data = sheets(client.get(reverse("jobs:download", args=[job.pk])))
    meetings, attendance = data.values()
    assert {r[5] for r in meetings[2:]} == {"一月大会", "二月大会"}  # the requester's scope, in the job too
    assert len(attendance) - 2 == 4
    event = AuditEvent.objects.get(object_type="branchlife.register")
    assert event.changes == {"meetings": 2, "attendance_rows": 4}
