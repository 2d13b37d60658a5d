"""ID numbers and phones go out in clear only on the rows the exporting user may reveal."""

from __future__ import annotations

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import Action, AuditEvent
from dangjian.testing.exports import by_name
from dangjian.testing.factories import UserFactory


def test_manager_gets_clear_values_and_an_instructor_masked_ones(world, export):
    a = world.a
    _, rows = export(a.manager, "people")
    assert by_name(rows, "id_number")[a.worker.name] == a.worker.id_number
    assert by_name(rows, "phone")[a.worker.name] == a.worker.phone

    instructor = UserFactory(username="instructor_a")
    access_services.assign_role(actor=None, user=instructor, role=Role.INSTRUCTOR, enterprise=a.enterprise)
    _, rows = export(instructor, "people")
    ids, phones = by_name(rows, "id_number"), by_name(rows, "phone")
    assert ids[a.worker.name] == a.worker.id_number_masked != a.worker.id_number
    assert phones[a.worker.name] == a.worker.phone_masked != a.worker.phone
    assert len(ids) == 3 and not {p.id_number for p in (a.worker, a.member)} & set(ids.values())


def test_a_member_sees_only_their_own_row_in_clear(world, export):
    a = world.a
    member_user = UserFactory(username="member_a", person=a.member)
    _, rows = export(member_user, "members")
    secretary = a.secretary.person
    assert by_name(rows, "id_number") == {a.member.name: a.member.id_number, secretary.name: secretary.id_number_masked}
    event = AuditEvent.objects.get(action=Action.EXPORT, actor_id=member_user.pk)
    assert event.changes["rows"] == 2 and event.changes["revealed"] == 1


def test_member_roster_dates_need_the_right_to_see_membership_records(world, export):
    _, rows = export(world.a.secretary, "members")
    assert by_name(rows, "admitted_on")["A党员"].date().isoformat() == "2015-07-01"
    assert by_name(rows, "converted_on")["A党员"].date().isoformat() == "2016-07-01"
    # HR (the enterprise manager) sees the people, not the party's membership records.
    _, rows = export(world.a.manager, "members")
    assert set(by_name(rows, "admitted_on").values()) == {None}


def test_the_other_sides_manager_gets_none_of_as_values(world, export):
    _, rows = export(world.b.manager, "people")
    ids, phones = by_name(rows, "id_number"), by_name(rows, "phone")
    assert world.b.worker.name in ids and world.a.worker.name not in ids
    a_values = {world.a.worker.id_number, world.a.worker.phone, world.a.member.id_number, world.a.member.phone}
    assert not a_values & (set(ids.values()) | set(phones.values()))
