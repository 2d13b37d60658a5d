"""The audit log reads as an organisation department reads it: the object's kind in the reader's
language, records named instead of numbered, choices as their labels, one line per change,
people outside the reader's reach masked, and filters saying what they filtered."""

from __future__ import annotations

from django.urls import reverse

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.branchlife import services as branchlife
from dangjian.testing.branchlife import meeting
from dangjian.testing.factories import UserFactory


def _row(body: str, event_pk: int) -> str:
    return body.split(f'data-event="{event_pk}"', 1)[1].split("</tr>", 1)[0]


def _newest(**filters):
    from dangjian.audit.models import AuditEvent

    return AuditEvent.objects.filter(**filters).order_by("-pk").first()


def test_a_meetings_events_name_people_and_say_what_the_object_is(world, login):
    m = meeting(world.a, status="planned")
    branchlife.update_meeting(actor=world.a.secretary, meeting=m, host=world.a.member)
    body = login(world.county_admin).get(reverse("audit:log")).content.decode()
    created = _row(body, _newest(object_type="branchlife.Meeting", action=Action.CREATE).pk)
    changed = _row(body, _newest(object_type="branchlife.Meeting", action=Action.UPDATE).pk)
    assert "data-what>会议<" in created and "branchlife" not in created
    assert "主持人</span>: — → A党员" in changed  # the host by name, not "∅ → 73"
    expected = _row(body, _newest(object_type="branchlife.Meeting", changes__has_key="expected_added").pk)
    assert "A党员" in expected and "A书记" in expected and "expected_added" not in expected


def test_people_outside_the_readers_reach_are_masked(world, login):
    reader = UserFactory(username="a_dept")
    access_services.assign_role(actor=None, user=reader, role=Role.ORG_DEPARTMENT, organization=world.a.branch)
    event = audit.record(
        actor=None,
        action=Action.EXPORT,
        obj=world.a.branch,
        changes={"people": [world.a.member.pk, world.b.member.pk], "filters": {}},
    )
    row = _row(login(reader).get(reverse("audit:log")).content.decode(), event.pk)
    assert "A党员" in row and "B党员" not in row and "B**" in row
    assert "无筛选条件" in row  # an empty filter says what it means


def test_the_log_says_what_its_filters_show(world, login):
    world.county_admin.language = "en"
    world.county_admin.save()
    client = login(world.county_admin)
    meeting(world.a)
    body = client.get(reverse("audit:log"), {"action": "create", "source": "system"}).content.decode()
    said = body.split("data-filtered>", 1)[1].split("</p>", 1)[0]
    assert "Created · System" in said and "Show all" in said


def test_an_objects_history_reads_the_same_and_stays_in_scope(world, login):
    from dangjian.people import services as people

    people.update_person(actor=world.a.manager, person=world.a.worker, post="缝纫工")
    client = login(world.a.manager)
    body = client.get(reverse("audit:history", args=["person", world.a.worker.pk])).content.decode()
    assert "data-change" in body and "缝纫工" in body
    assert client.get(reverse("audit:history", args=["person", world.b.worker.pk])).status_code == 404
