"""Nobody is present at a meeting that has not begun: presence is marked from the meeting's day
on (the page, the service, everyone-present alike); leave may be granted ahead and undone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.testing.branchlife import meeting

from .. import services
from ..models import Attendance

pytestmark = pytest.mark.django_db


def _ahead(world, days=21):
    return meeting(world.a, on=timezone.localdate() + dt.timedelta(days=days), status="planned")


def _row(m, name="A党员"):
    return m.attendances.get(person__name=name)


def test_presence_weeks_ahead_is_refused_and_nothing_changes(world):
    m = _ahead(world)
    with pytest.raises(ValidationError) as exc:
        services.set_attendance(actor=world.a.secretary, attendance=_row(m), state=Attendance.State.PRESENT)
    assert m.held_on.isoformat() in exc.value.messages[0]
    assert _row(m).state == Attendance.State.ABSENT
    with pytest.raises(ValidationError):
        services.mark_all_present(actor=world.a.secretary, meeting=m)
    assert not m.attendances.filter(state=Attendance.State.PRESENT).exists()


def test_leave_may_be_granted_ahead_and_undone(world):
    m = _ahead(world)
    services.set_attendance(actor=world.a.secretary, attendance=_row(m), state=Attendance.State.LEAVE, reason="夜班")
    assert _row(m).state == Attendance.State.LEAVE
    services.set_attendance(actor=world.a.secretary, attendance=_row(m), state=Attendance.State.ABSENT)
    assert _row(m).state == Attendance.State.ABSENT


def test_on_the_day_presence_is_marked(world):
    m = _ahead(world, days=0)
    services.set_attendance(actor=world.a.secretary, attendance=_row(m), state=Attendance.State.PRESENT)
    assert _row(m).state == Attendance.State.PRESENT


def test_the_page_offers_no_presence_tap_ahead_and_a_tap_sent_anyway_is_refused(world, login):
    m = _ahead(world)
    client = login(world.a.secretary)
    body = client.get(reverse("branchlife:detail", args=[m.pk])).content.decode()
    assert "data-ahead" in body and "data-all-present" not in body
    assert 'data-set="present" disabled' in body
    row = _row(m)
    answer = client.post(reverse("branchlife:mark", args=[m.pk, row.pk]), {"state": "present"}, HTTP_HX_REQUEST="true")
    assert m.held_on.isoformat() in answer.content.decode()
    assert _row(m).state == Attendance.State.ABSENT


def test_side_b_cannot_mark_side_as_meeting_ahead_or_not(world, login):
    m = _ahead(world, days=0)
    client = login(world.b.secretary)
    answer = client.post(reverse("branchlife:mark", args=[m.pk, _row(m).pk]), {"state": "present"})
    assert answer.status_code == 404
    assert _row(m).state == Attendance.State.ABSENT


def test_the_invite_picker_has_nobody_chosen_until_the_user_picks(world, login):
    m = meeting(world.a)
    client = login(world.a.secretary)
    body = client.get(reverse("branchlife:detail", args=[m.pk])).content.decode()
    picker = body.split('id="id_person"', 1)[1].split("</select>", 1)[0]
    first = picker.split("<option", 2)[1]
    assert 'value="" selected' in first  # not the first worker
    sent = client.post(reverse("branchlife:invite", args=[m.pk]), {"person": ""})
    assert not m.attendances.filter(invited=True).exists()
    assert "请先从列表中选择要邀请的人" in sent.content.decode()
    found = client.get(reverse("branchlife:invitees", args=[m.pk]), {"search": "A工人"}).content.decode()
    assert found.startswith('<option value="">') and "A工人" in found
    assert "B工人" not in client.get(reverse("branchlife:invitees", args=[m.pk]), {"search": "工人"}).content.decode()
