"""A meeting's sign-in sheet and minutes as PDF, through the one PDF renderer: the names and the
leave reasons are in them, Chinese is drawn, the download is recorded, and only those who keep
the meeting may print it."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.urls import reverse

from dangjian.audit.models import Action, AuditEvent
from dangjian.testing.branchlife import meeting

from .. import services
from ..models import Attendance

pytestmark = pytest.mark.django_db


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed (scripts/system-deps)")
def test_the_minutes_and_the_sign_in_sheet_print_who_and_why(world, login, tmp_path):
    m = meeting(world.a, place="6号厂房党员活动室", minutes="学习了党章第一章。")
    row = m.attendances.get(person__name="A党员")
    services.set_attendance(actor=world.a.secretary, attendance=row, state=Attendance.State.LEAVE, reason="夜班")
    client = login(world.a.secretary)
    minutes = client.post(reverse("branchlife:print", args=[m.pk, "minutes"]))
    assert minutes.status_code == 200 and minutes["Content-Type"] == "application/pdf"
    text = _text(minutes.content, tmp_path)
    assert "会议记录" in text and "A党员" in text and "夜班" in text and "学习了党章第一章。" in text
    sheet = client.post(reverse("branchlife:print", args=[m.pk, "sign-in"]))
    text = _text(sheet.content, tmp_path)
    assert "签到表" in text and "A书记" in text and "6号厂房党员活动室" in text
    printed = AuditEvent.objects.filter(object_type="branchlife.Meeting", action=Action.EXPORT)
    assert sorted(e.changes["printed"] for e in printed) == ["minutes", "sign-in"]


def test_only_those_who_keep_the_meeting_print_it(world, login, member_user):
    m = meeting(world.a)
    assert login(member_user).post(reverse("branchlife:print", args=[m.pk, "minutes"])).status_code == 403
    assert login(world.b.secretary).post(reverse("branchlife:print", args=[m.pk, "minutes"])).status_code == 404
    assert login(world.a.secretary).get(reverse("branchlife:print", args=[m.pk, "minutes"])).status_code == 405
    assert login(world.a.secretary).post(reverse("branchlife:print", args=[m.pk, "poster"])).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT, object_type="branchlife.Meeting").exists()
