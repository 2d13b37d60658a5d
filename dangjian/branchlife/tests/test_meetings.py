"""Planning and recording meetings: who is expected, attendance, invited non-members, the
committee's quorum, the QR check-in, and that every change is audited and stays in scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from dangjian.audit.models import AuditEvent
from dangjian.testing.branchlife import add_member, committee, meeting

from .. import services
from ..models import Attendance, Meeting

pytestmark = pytest.mark.django_db


def names(m: Meeting, invited: bool = False) -> set[str]:
    return set(m.attendances.filter(invited=invited).values_list("person__name", flat=True))


def test_a_branch_meeting_expects_every_member_of_the_branch_and_its_groups(world):
    in_group = add_member(world.a, "A组员", org=world.a.group)
    m = meeting(world.a)
    assert names(m) == {"A党员", "A书记", in_group.name}
    assert "A工人" not in names(m)  # a non-member is never expected


def test_a_group_meeting_expects_the_group_only(world):
    add_member(world.a, "A组员", org=world.a.group)
    m = meeting(world.a, kind="group", org=world.a.group)
    assert names(m) == {"A组员"}


@translation.override("en")
def test_a_group_meeting_is_held_by_a_group_not_the_branch(world):
    with pytest.raises(ValidationError) as exc:
        meeting(world.a, kind="group")
    assert "party group" in str(exc.value.message_dict["kind"])


def test_a_committee_meeting_needs_a_committee_on_record(world):
    with pytest.raises(ValidationError):
        meeting(world.a, kind="committee")
    committee(world.a, "A委员一", "A委员二")
    m = meeting(world.a, kind="committee")
    assert names(m) == {"A书记", "A委员一", "A委员二"}


def test_a_committee_meeting_is_quorate_with_half_present(world):
    committee(world.a, "A委员一", "A委员二", "A委员三")  # four with the secretary
    m = meeting(world.a, kind="committee")
    assert m.quorate is False  # nobody marked present yet
    rows = list(m.attendances.order_by("person__name"))
    services.set_attendance(actor=None, attendance=rows[0], state="present")
    m.refresh_from_db()
    assert m.quorate is False  # 1 of 4
    services.set_attendance(actor=None, attendance=rows[1], state="present")
    m.refresh_from_db()
    assert m.quorate is True  # 2 of 4 is half
    services.set_attendance(actor=None, attendance=rows[1], state="leave", reason="出差")
    m.refresh_from_db()
    assert m.quorate is False  # leave is not presence


def test_a_meeting_cannot_be_held_in_the_future(world):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)), pytest.raises(ValidationError) as exc:
        meeting(world.a, on=dt.date(2026, 3, 10), status="held")
    assert "held_on" in exc.value.message_dict
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)):
        assert meeting(world.a, on=dt.date(2026, 3, 10), status="planned").status == "planned"


def test_text_with_a_nul_character_is_refused_on_either_engine_and_nothing_is_stored(world):
    # PostgreSQL cannot store it: refused by the service, not by the database, so SQLite agrees.
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as exc:
        meeting(world.a, place="会议室\x00", minutes="记录\x00")
    assert set(exc.value.message_dict) == {"place", "minutes"}
    assert Meeting.objects.count() == before


def test_leave_needs_a_reason(world):
    m = meeting(world.a)
    row = m.attendances.get(person=world.a.member)
    with pytest.raises(ValidationError) as exc:
        services.set_attendance(actor=None, attendance=row, state="leave")
    assert "reason" in exc.value.message_dict
    row.refresh_from_db()
    assert row.state == "absent"  # nothing half-written
    services.set_attendance(actor=world.a.secretary, attendance=row, state="leave", reason="夜班")
    row.refresh_from_db()
    assert (row.state, row.reason) == ("leave", "夜班")


def test_invited_non_members_are_counted_apart(world, login):
    m = meeting(world.a)
    services.invite(actor=world.a.secretary, meeting=m, person=world.a.worker)
    services.mark_all_present(actor=world.a.secretary, meeting=m)
    guest = m.attendances.get(person=world.a.worker)
    assert guest.invited and guest.state == "absent"  # "everyone present" is for the members
    services.set_attendance(actor=world.a.secretary, attendance=guest, state="present")
    page = login(world.a.secretary).get(reverse("branchlife:detail", args=[m.pk]))
    tally = page.context["tally"]
    assert (tally.present, tally.expected, tally.invited_present, tally.invited) == (2, 2, 1, 1)


@translation.override("en")
def test_a_member_is_not_invited_and_another_firms_worker_is_refused(world):
    m = meeting(world.a)
    with pytest.raises(ValidationError, match="member"):
        services.invite(actor=None, meeting=m, person=world.a.member)
    with pytest.raises(ValidationError, match="does not work"):
        services.invite(actor=None, meeting=m, person=world.b.worker)
    assert not m.attendances.filter(invited=True).exists()


def test_every_write_is_audited(world):
    before = AuditEvent.objects.count()
    m = meeting(world.a, actor=world.a.secretary)
    services.invite(actor=world.a.secretary, meeting=m, person=world.a.worker)
    services.set_attendance(
        actor=world.a.secretary, attendance=m.attendances.get(person=world.a.member), state="present"
    )
    services.mark_all_present(actor=world.a.secretary, meeting=m)
    services.update_meeting(actor=world.a.secretary, meeting=m, minutes="会议记录")
    events = list(AuditEvent.objects.order_by("pk")[before:].values_list("object_type", "action"))
    assert events == [
        ("branchlife.Meeting", "create"),
        ("branchlife.Meeting", "update"),  # who was put on the list
        ("branchlife.Attendance", "create"),
        ("branchlife.Attendance", "update"),
        ("branchlife.Meeting", "update"),
        ("branchlife.Meeting", "update"),
    ]
    assert all(e.org_path == world.a.branch.path for e in AuditEvent.objects.order_by("pk")[before:])
    created = AuditEvent.objects.filter(object_type="branchlife.Meeting", action="create").get()
    assert created.changes["checkin_token"] == [None, "***"]  # the QR secret never reaches the log


def test_changing_the_date_of_a_celebration_redraws_its_cohort(world):
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)):
        m = meeting(world.a, kind="celebration", on=dt.date(2026, 6, 28), status="planned")
        assert names(m) == set()  # nobody was admitted in June
        services.update_meeting(actor=None, meeting=m, held_on=dt.date(2026, 7, 1))
        assert names(m) == {"A党员", "A书记"}  # both admitted on 1 July


# --- check-in -----------------------------------------------------------------------------------


def _member_user(world, language: str = ""):
    from dangjian.testing.factories import UserFactory

    return UserFactory(username="a_member", person=world.a.member, language=language)


# The secretary's screen shows a QR code whose link carries a code derived from the meeting's
# secret and the current minute; the current and the previous minute's codes are accepted.
NINE = dt.datetime(2026, 3, 10, 1, 0, 5, tzinfo=dt.UTC)  # 09:00:05 in Beijing, the meeting's day


def _code_on_screen(client, m) -> str:
    """The code in the QR partial the secretary's screen polls."""
    html = client.get(reverse("branchlife:checkin_qr", args=[m.pk])).content.decode()
    found = re.search(r"check-in/\?c=([0-9a-z-]+)", html)
    assert found, html
    return found.group(1)


def _check_in(client, m, code: str):
    return client.post(reverse("branchlife:checkin", args=[m.pk]) + f"?c={code}")


def test_a_member_checks_in_with_the_code_on_the_screen(world, login, client):
    with time_machine.travel(NINE, tick=False):
        m = meeting(world.a, on=dt.date(2026, 3, 10))
        code = _code_on_screen(login(world.a.secretary), m)
        member = login(_member_user(world))
        assert _check_in(member, m, "wrong").status_code == 400
        assert _check_in(member, m, code).status_code == 200
        row = m.attendances.get(person=world.a.member)
        assert row.state == "present" and row.checked_in_at is not None


def test_the_code_changes_every_minute_and_the_previous_one_still_works(world, login):
    with time_machine.travel(NINE, tick=False) as traveller:
        m = meeting(world.a, on=dt.date(2026, 3, 10))
        secretary = login(world.a.secretary)
        first = _code_on_screen(secretary, m)
        traveller.shift(dt.timedelta(seconds=60))  # the next minute: a new code on the screen
        second = _code_on_screen(secretary, m)
        assert second != first
        member = login(_member_user(world))
        assert _check_in(member, m, first).status_code == 200  # scanned just before it changed
        assert m.attendances.get(person=world.a.member).state == "present"


@translation.override("en")
def test_a_forwarded_old_link_is_refused_as_expired(world, login):
    with time_machine.travel(NINE, tick=False) as traveller:
        m = meeting(world.a, on=dt.date(2026, 3, 10))
        code = _code_on_screen(login(world.a.secretary), m)
        traveller.shift(dt.timedelta(minutes=2))  # forwarded, opened at home two minutes later
        member = login(_member_user(world, language="en"))
        page = member.get(reverse("branchlife:checkin", args=[m.pk]) + f"?c={code}").content.decode()
        assert "this code has expired" in page.lower() and "data-check-in" not in page
        response = _check_in(member, m, code)
        assert response.status_code == 400
        assert "scan the code on the screen in the room again" in response.content.decode()
        assert m.attendances.get(person=world.a.member).state == "absent"


def test_a_code_of_another_meeting_or_a_made_up_minute_is_not_valid(world, login):
    with time_machine.travel(NINE, tick=False):
        m = meeting(world.a, on=dt.date(2026, 3, 10))
        other = meeting(world.a, kind="theme_day", on=dt.date(2026, 3, 10))
        code = _code_on_screen(login(world.a.secretary), other)
        step, mac = code.split("-")
        member = login(_member_user(world))
        # Digits str.isdigit() takes and int() refuses ("²", Arabic-Indic, full-width) are forged too.
        odd = ("²-" + mac, "\u0661\u0662-" + mac, "\uff11\uff12-" + mac)
        for forged in (code, f"{int(step) + 1}-{mac}", f"{step}-{'0' * len(mac)}", m.checkin_token, *odd):
            assert _check_in(member, m, forged).status_code == 400
            page = member.get(reverse("branchlife:checkin", args=[m.pk]), {"c": forged})
            assert page.status_code == 200 and "data-check-in" not in page.content.decode()
        assert m.attendances.get(person=world.a.member).state == "absent"


def test_the_secret_never_leaves_the_server(world, login):
    with time_machine.travel(NINE, tick=False):
        m = meeting(world.a, on=dt.date(2026, 3, 10))
        secretary = login(world.a.secretary)
        page = secretary.get(reverse("branchlife:detail", args=[m.pk])).content.decode()
        assert m.checkin_token not in page and 'hx-trigger="every 20s' in page
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script (a strict CSP allows none)
        assert m.checkin_token not in secretary.get(reverse("branchlife:checkin_qr", args=[m.pk])).content.decode()
        code = _code_on_screen(secretary, m)
        _check_in(login(_member_user(world)), m, code)
        events = AuditEvent.objects.filter(object_type="branchlife.Attendance")
        assert events.exists() and all(m.checkin_token not in str(e.changes) for e in events)


def test_check_in_is_refused_on_another_day(world, login):
    with time_machine.travel(NINE, tick=False) as traveller:
        m = meeting(world.a, on=dt.date(2026, 3, 10))
        code = _code_on_screen(login(world.a.secretary), m)
        traveller.shift(dt.timedelta(days=1))
        closed = login(world.a.secretary).get(reverse("branchlife:checkin_qr", args=[m.pk]))
        assert closed.status_code == 286  # htmx stops polling: no code after the meeting's day
        assert "?c=" not in closed.content.decode()
        response = _check_in(login(_member_user(world)), m, code)
        assert response.status_code == 400
        assert m.attendances.get(person=world.a.member).state == "absent"


def test_side_b_can_neither_show_the_code_nor_check_in(world, login):
    with time_machine.travel(NINE, tick=False):
        m = meeting(world.b, on=dt.date(2026, 3, 10))
        code = _code_on_screen(login(world.b.secretary), m)
        assert login(world.a.secretary).get(reverse("branchlife:checkin_qr", args=[m.pk])).status_code == 404
        assert _check_in(login(_member_user(world)), m, code).status_code == 404


def test_a_member_on_the_list_cannot_show_the_code(world, login):
    with time_machine.travel(NINE, tick=False):
        m = meeting(world.a, on=dt.date(2026, 3, 10))
        member = login(_member_user(world))
        assert member.get(reverse("branchlife:checkin_qr", args=[m.pk])).status_code == 403
        assert "checkin-qr" not in member.get(reverse("branchlife:detail", args=[m.pk])).content.decode()


# --- scope ----------------------------------------------------------------------------------------


def test_other_branchs_meetings_are_not_found(world, login):
    b = meeting(world.b)
    client = login(world.a.secretary)
    assert client.get(reverse("branchlife:detail", args=[b.pk])).status_code == 404
    assert "B党员" not in client.get(reverse("branchlife:list")).content.decode()
    row = b.attendances.get(person=world.b.member)
    response = client.post(reverse("branchlife:mark", args=[b.pk, row.pk]), {"state": "present"})
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.state == "absent"


def test_a_member_sees_branch_meetings_but_not_the_committees(world, login):
    committee(world.a, "A委员一")
    general = meeting(world.a)
    closed = meeting(world.a, kind="committee")
    client = login(_member_user(world))
    assert client.get(reverse("branchlife:detail", args=[general.pk])).status_code == 200
    assert client.get(reverse("branchlife:detail", args=[closed.pk])).status_code == 404
    assert client.post(reverse("branchlife:edit", args=[general.pk]), {}).status_code == 403


def test_an_invited_worker_reads_the_meeting_they_were_invited_to(world, login):
    from dangjian.testing.factories import UserFactory

    m = meeting(world.a)
    other = meeting(world.a, on=dt.date(2026, 3, 11))
    services.invite(actor=None, meeting=m, person=world.a.worker)
    client = login(UserFactory(username="a_worker", person=world.a.worker))
    assert client.get(reverse("branchlife:detail", args=[m.pk])).status_code == 200
    assert client.get(reverse("branchlife:detail", args=[other.pk])).status_code == 404


def test_the_secretary_records_a_meeting_through_the_page(world, login):
    client = login(world.a.secretary)
    response = client.post(
        reverse("branchlife:new") + f"?org={world.a.branch.pk}",
        {"kind": "general", "status": "held", "held_on": "2026-01-15", "topic": "学习二十大精神", "place": "6号厂房"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    m = Meeting.objects.get(topic="学习二十大精神")
    assert m.organization == world.a.branch and m.place == "6号厂房"
    row = m.attendances.get(person=world.a.member)
    response = client.post(
        reverse("branchlife:mark", args=[m.pk, row.pk]), {"state": "present"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'data-state="present"' in response.content.decode()
    assert Attendance.objects.get(pk=row.pk).state == "present"


def test_a_secretary_cannot_record_for_another_branch(world, login):
    client = login(world.a.secretary)
    response = client.post(
        reverse("branchlife:new") + f"?org={world.b.branch.pk}",
        {"kind": "general", "status": "held", "held_on": "2026-01-15", "topic": "x"},
    )
    assert response.status_code == 404
    assert not Meeting.objects.exists()


def test_a_committee_member_records_a_meeting_too(world, login):
    (user,) = committee(world.a, "A委员一")
    response = login(user).post(
        reverse("branchlife:new") + f"?org={world.a.branch.pk}",
        {"kind": "committee", "status": "planned", "held_on": "2026-12-01", "topic": "支委会"},
    )
    assert response.status_code == 302
    assert Meeting.objects.get(topic="支委会").organization == world.a.branch


def test_the_admin_plans_through_the_service_and_is_audited(world, admin_client):
    response = admin_client.post(
        reverse("admin:branchlife_meeting_add"),
        {"organization": world.a.branch.pk, "kind": "general", "status": "planned", "held_on": "2026-12-01",
         "topic": "后台计划的大会"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    m = Meeting.objects.get(topic="后台计划的大会")
    assert names(m) == {"A党员", "A书记"}  # expected attendees drawn as on the page
    events = AuditEvent.objects.filter(object_type="branchlife.Meeting", object_id=str(m.pk))
    assert {e.source for e in events} == {"admin"} and events.filter(action="create").exists()
    response = admin_client.post(
        reverse("admin:branchlife_meeting_add"),
        {"organization": world.a.group.pk, "kind": "general", "status": "planned", "held_on": "2026-12-01",
         "topic": "小组开大会"},
    )  # fmt: skip
    assert response.status_code == 200 and not Meeting.objects.filter(topic="小组开大会").exists()


def test_a_meeting_recorded_afterwards_does_not_expect_later_members(world):
    late = add_member(world.a, "A新党员", admitted=dt.date(2026, 5, 1))
    before = meeting(world.a, on=dt.date(2026, 3, 10))
    after = meeting(world.a, on=dt.date(2026, 5, 10))
    assert late.name not in names(before)
    assert late.name in names(after)


def test_a_cancelled_meeting_shows_no_attendance(world, login):
    m = meeting(world.a, status="planned", on=dt.date(2026, 12, 1))
    services.update_meeting(actor=None, meeting=m, status="cancelled", note="赶工期")
    body = login(world.a.secretary).get(reverse("branchlife:detail", args=[m.pk])).content.decode()
    assert "data-cancelled" in body and 'id="members"' not in body
    with pytest.raises(ValidationError):
        services.set_attendance(actor=None, attendance=m.attendances.first(), state="present")


@translation.override("en")
def test_the_kind_cannot_change_once_attendance_is_marked(world):
    committee(world.a, "A委员一", "A委员二", "A委员三")
    m = meeting(world.a)  # a general meeting: everybody present
    services.mark_all_present(actor=None, meeting=m)
    with pytest.raises(ValidationError, match="kind cannot change"):
        services.update_meeting(actor=None, meeting=m, kind="committee")
    m.refresh_from_db()
    assert m.kind == "general"  # its 5 present can never make a committee's quorum


def test_an_old_committee_meeting_stays_editable_after_the_committee_changed(world, login):
    from dangjian.access.models import RoleAssignment

    committee(world.a, "A委员一")
    m = meeting(world.a, kind="committee")
    RoleAssignment.objects.filter(role="committee").delete()  # the committee's term ended
    services.update_meeting(actor=None, meeting=m, minutes="补记会议记录")
    m.refresh_from_db()
    assert m.minutes == "补记会议记录"
    response = login(world.a.secretary).post(
        reverse("branchlife:edit", args=[m.pk]),
        {"kind": "committee", "status": "held", "held_on": "2026-03-10", "topic": m.topic, "minutes": "页面补记"},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    m.refresh_from_db()
    assert m.minutes == "页面补记"


def test_a_celebration_for_everyone_expects_every_member_not_only_the_cohort(world, api_as):
    from dangjian.testing.members import member

    member(world.a, dt.date(2016, 6, 20), name="六月党员")  # the June cohort: this one only
    cohort_only = meeting(world.a, kind="celebration", on=dt.date(2026, 6, 28))
    assert names(cohort_only) == {"六月党员"}
    everyone = meeting(world.a, kind="celebration", on=dt.date(2026, 6, 28), all_members=True)
    assert names(everyone) == {"A党员", "A书记", "六月党员"}
    services.update_meeting(actor=world.a.secretary, meeting=everyone, all_members=False)
    assert names(everyone) == {"六月党员"}  # back to the cohort: the others, unmarked, leave the list
    general = meeting(world.a, kind="general", on=dt.date(2026, 6, 28), all_members=True)
    assert general.all_members is False  # the option is a celebration's only
    made = api_as(world.a.secretary).post(
        "/api/v1/meetings",
        {
            "organization_id": world.a.branch.pk,
            "kind": "celebration",
            "held_on": "2026-06-28",
            "topic": "集体过政治生日",
            "status": "held",
            "all_members": True,
        },
    )
    assert made.status_code == 201 and made.json()["all_members"] is True
    refused = api_as(world.b.secretary).post(
        "/api/v1/meetings",
        {"organization_id": world.a.branch.pk, "kind": "celebration", "held_on": "2026-06-28", "topic": "x"},
    )
    assert refused.status_code in (403, 404, 422)
