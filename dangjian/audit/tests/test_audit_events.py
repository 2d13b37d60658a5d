"""Every service write leaves one audit event: who, what, which object, old and new values,
with sensitive values redacted."""

import datetime as dt

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import Action, AuditEvent
from dangjian.audit.services import REDACTED
from dangjian.organizations import services as org_services
from dangjian.organizations.models import OrgKind, Ownership
from dangjian.people import services as people_services
from dangjian.testing.factories import make_uscc


def _events_since(mark: int):
    return list(AuditEvent.objects.filter(id__gt=mark).order_by("id"))


def _mark() -> int:
    last = AuditEvent.objects.order_by("-id").first()
    return last.id if last else 0


def test_update_records_actor_object_and_old_and_new_values(world):
    mark = _mark()
    sec = world.a.secretary
    org_services.update_organization(actor=sec, org=world.a.branch, name="A公司第一党支部")
    (event,) = _events_since(mark)
    assert (event.action, event.actor_id, event.actor_name) == (Action.UPDATE, sec.pk, "secretary_a")
    assert (event.object_type, event.object_id) == ("organizations.Organization", str(world.a.branch.pk))
    assert event.object_repr == "A公司第一党支部"
    assert event.changes == {"name": ["A公司党支部", "A公司第一党支部"]}
    assert event.org_path == world.a.branch.path


def test_an_update_that_changes_nothing_records_nothing(world):
    mark = _mark()
    org_services.update_organization(actor=world.a.secretary, org=world.a.branch, name=world.a.branch.name)
    assert _events_since(mark) == []


def test_changing_a_phone_records_that_it_changed_but_not_the_number(world):
    person = world.a.worker
    old_phone = person.phone
    mark = _mark()
    people_services.update_person(actor=world.a.secretary, person=person, phone="13899990000")
    (event,) = _events_since(mark)
    assert event.changes == {"phone": [REDACTED, REDACTED]}
    text = str(event.changes) + event.object_repr
    assert "13899990000" not in text and old_phone not in text


def test_creating_a_person_redacts_id_number_and_phone(world):
    mark = _mark()
    person = people_services.create_person(
        actor=world.a.secretary,
        name="霍秀全",
        gender="M",
        ethnicity="01",
        birth_date=dt.date(1985, 3, 2),
        id_number="652827198503020015",
        phone="13999120001",
        employer=world.a.enterprise,
    )
    event = next(e for e in _events_since(mark) if e.action == Action.CREATE)
    assert event.object_id == str(person.pk)
    assert event.changes["id_number"] == [None, REDACTED]
    assert event.changes["phone"] == [None, REDACTED]
    assert event.changes["name"] == [None, "霍秀全"]
    assert "652827198503020015" not in str(event.changes)
    assert event.org_path == world.a.enterprise.audit_org_path()


def test_each_service_write_leaves_one_event_of_its_kind(world):
    cases = [
        (
            lambda: org_services.create_organization(
                actor=world.county_admin, kind=OrgKind.BRANCH, name="新支部", parent=world.park
            ),
            Action.CREATE,
            "organizations.Organization",
        ),
        (
            lambda: org_services.create_enterprise(
                actor=world.county_admin,
                name="新希望服装",
                uscc=make_uscc(424242),
                ownership=Ownership.PRIVATE,
                supervising_org=world.park,
            ),
            Action.CREATE,
            "organizations.Enterprise",
        ),
        (
            lambda: org_services.update_enterprise(
                actor=world.a.manager, enterprise=world.a.enterprise, industry="服装"
            ),
            Action.UPDATE,
            "organizations.Enterprise",
        ),
        (
            lambda: org_services.create_unit(
                actor=world.a.manager, enterprise=world.a.enterprise, kind="workshop", name="6号厂房"
            ),
            Action.CREATE,
            "organizations.ProductionUnit",
        ),
        (
            lambda: org_services.update_unit(actor=world.a.manager, unit=world.a.team, name="缝纫二组"),
            Action.UPDATE,
            "organizations.ProductionUnit",
        ),
        (
            lambda: org_services.delete_organization(actor=world.county_admin, org=world.b.group),
            Action.DELETE,
            "organizations.Organization",
        ),
        (
            lambda: people_services.add_membership(
                actor=world.a.secretary,
                person=world.a.worker,
                organization=world.a.branch,
                admitted_on=dt.date(2024, 6, 28),
            ),
            Action.CREATE,
            "people.Membership",
        ),
        (
            lambda: access_services.assign_role(
                actor=world.county_admin, user=world.b.manager, role=Role.COMMITTEE_MEMBER, organization=world.b.branch
            ),
            Action.CREATE,
            "access.RoleAssignment",
        ),
        (
            lambda: access_services.revoke_role(
                actor=world.county_admin, assignment=world.a.manager.role_assignments.get()
            ),
            Action.DELETE,
            "access.RoleAssignment",
        ),
    ]
    for write, action, object_type in cases:
        mark = _mark()
        write()
        events = _events_since(mark)
        assert [(e.action, e.object_type) for e in events] == [(action, object_type)]
        assert events[0].actor_id is not None
        assert events[0].changes


def test_a_deleted_object_keeps_its_id_values_and_place(world):
    group = world.b.group
    pk, path = group.pk, group.path
    mark = _mark()
    org_services.delete_organization(actor=world.county_admin, org=group)
    (event,) = _events_since(mark)
    assert (event.action, event.object_id, event.org_path) == (Action.DELETE, str(pk), path)
    assert event.changes["name"] == ["B第一党小组", None]


def test_a_changed_password_is_recorded_but_never_its_hash(world):
    user = world.a.manager
    old_hash = user.password
    mark = _mark()
    access_services.change_password(actor=user, user=user, password="Another-Pass-456")
    (event,) = _events_since(mark)
    assert event.changes == {"password": [REDACTED, REDACTED]}
    assert old_hash not in str(event.changes)
