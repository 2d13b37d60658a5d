"""Every write made in the Django admin leaves an audit event, through the domain service where
there is one (so the admin cannot bypass its rules) and otherwise snapshot → save → record."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from dangjian.access import services as access_services
from dangjian.access.models import ApiToken, RoleAssignment, User
from dangjian.audit.models import Action, AuditEvent, Source
from dangjian.audit.services import REDACTED
from dangjian.choices import PoliticalStatus
from dangjian.development.models import Candidacy
from dangjian.organizations.models import Enterprise, Organization, OrgKind, ProductionUnit
from dangjian.people.models import Membership, Person
from dangjian.testing.factories import make_id_number, make_uscc


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _post(client, url, data):
    response = client.post(url, data)
    if response.status_code != 302:
        form = response.context["adminform"].form if response.context and "adminform" in response.context else None
        pytest.fail(f"admin refused the write: {form.errors if form else response}")
    return response


def _events(model, pk, action=None):
    qs = AuditEvent.objects.filter(object_type=model._meta.label, object_id=str(pk), source=Source.ADMIN)
    return list((qs.filter(action=action) if action else qs).order_by("id"))


def test_organization_moved_in_the_admin_goes_through_the_move_service(world, admin_client):
    branch, group = world.a.branch, world.a.group
    data = {"kind": OrgKind.BRANCH, "name": branch.name, "parent": world.outsider_county.pk}
    _post(admin_client, _url(Organization, "change", branch.pk), data)
    group.refresh_from_db()
    assert group.path.startswith(world.outsider_county.path)  # the descendants moved too
    (event,) = _events(Organization, branch.pk, Action.UPDATE)
    assert event.changes["parent_id"] == [world.park.pk, world.outsider_county.pk]


def test_enterprise_add_change_delete(world, admin_client, admin_user):
    data = {
        "name": "和静县工业园区服装公司",
        "uscc": make_uscc(2020),
        "ownership": "private",
        "supervising_org": world.park.pk,
        "party_org": "",
    }
    _post(admin_client, _url(Enterprise, "add"), data)
    ent = Enterprise.objects.get(name="和静县工业园区服装公司")
    (created,) = _events(Enterprise, ent.pk, Action.CREATE)
    assert created.actor_id == admin_user.pk and created.changes["uscc"] == [None, ent.uscc]

    _post(admin_client, _url(Enterprise, "change", ent.pk), {**data, "industry": "纺织服装"})
    (changed,) = _events(Enterprise, ent.pk, Action.UPDATE)
    assert changed.changes == {"industry": ["", "纺织服装"]}

    _post(admin_client, _url(Enterprise, "delete", ent.pk), {"post": "yes"})
    (deleted,) = _events(Enterprise, ent.pk, Action.DELETE)
    assert deleted.changes["name"] == ["和静县工业园区服装公司", None]


def test_production_unit_add_change_delete(world, admin_client):
    ent = world.a.enterprise
    _post(admin_client, _url(ProductionUnit, "add"), {"enterprise": ent.pk, "kind": "workshop", "name": "6号厂房"})
    unit = ProductionUnit.objects.get(name="6号厂房")
    assert _events(ProductionUnit, unit.pk, Action.CREATE)
    _post(admin_client, _url(ProductionUnit, "change", unit.pk), {"name": "六号厂房"})
    assert _events(ProductionUnit, unit.pk, Action.UPDATE)[0].changes == {"name": ["6号厂房", "六号厂房"]}
    _post(admin_client, _url(ProductionUnit, "delete", unit.pk), {"post": "yes"})
    assert _events(ProductionUnit, unit.pk, Action.DELETE)


def _person_data(world, **extra):
    birth = dt.date(1992, 8, 15)
    data = {
        "name": "李小燕",
        "gender": "F",
        "ethnicity": "01",
        "birth_date": birth.isoformat(),
        "id_number": make_id_number(birth, "F", 77),
        "phone": "139 9912 0077",
        "employer": world.a.enterprise.pk,
        "team": world.a.team.pk,
        "post": "技术总监",
    }
    data.update(extra)
    return data


def test_person_add_and_change_go_through_the_service_with_values_redacted(world, admin_client):
    data = _person_data(world)
    _post(admin_client, _url(Person, "add"), data)
    person = Person.objects.get(name="李小燕")
    assert person.phone == "13999120077"  # normalised by the service
    assert person.id_number_index  # set by the service: findable by number
    (created,) = _events(Person, person.pk, Action.CREATE)
    assert created.changes["id_number"] == [None, REDACTED] and created.changes["phone"] == [None, REDACTED]

    _post(admin_client, _url(Person, "change", person.pk), {**data, "phone": "13999120078", "post": "班组长"})
    (changed,) = _events(Person, person.pk, Action.UPDATE)
    assert changed.changes == {"phone": [REDACTED, REDACTED], "post": ["技术总监", "班组长"]}
    assert "13999120078" not in str(AuditEvent.objects.filter(object_id=str(person.pk)).values_list("changes"))


def test_deleting_a_person_records_the_membership_records_deleted_with_them(world, admin_client):
    member = world.a.member
    membership = member.memberships.get()
    _post(admin_client, _url(Person, "delete", member.pk), {"post": "yes"})
    assert _events(Person, member.pk, Action.DELETE)
    (cascaded,) = _events(Membership, membership.pk, Action.DELETE)
    assert cascaded.object_repr == "A党员 @ A公司党支部"
    assert cascaded.org_path == world.a.branch.path


def test_membership_add_change_delete_keep_the_status_in_step(world, admin_client):
    worker = world.a.worker
    data = {"person": worker.pk, "organization": world.a.branch.pk, "admitted_on": "2024-06-28"}
    _post(admin_client, _url(Membership, "add"), data)
    m = Membership.objects.get(person=worker)
    worker.refresh_from_db()
    assert worker.political_status == PoliticalStatus.PROBATIONARY
    assert _events(Membership, m.pk, Action.CREATE)

    _post(admin_client, _url(Membership, "change", m.pk), {**data, "converted_on": "2025-06-28"})
    worker.refresh_from_db()
    assert worker.political_status == PoliticalStatus.FULL
    assert _events(Membership, m.pk, Action.UPDATE)[0].changes == {"converted_on": [None, "2025-06-28"]}

    _post(admin_client, _url(Membership, "delete", m.pk), {"post": "yes"})
    worker.refresh_from_db()
    assert worker.political_status == PoliticalStatus.MASSES
    assert _events(Membership, m.pk, Action.DELETE)


def test_candidacy_add_is_recorded_and_sets_the_status(world, admin_client):
    worker = world.b.worker
    data = {"person": worker.pk, "organization": world.b.branch.pk, "applied_on": "2025-05-04", "stage": "applicant"}
    _post(admin_client, _url(Candidacy, "add"), data)
    candidacy = Candidacy.objects.get(person=worker)
    assert _events(Candidacy, candidacy.pk, Action.CREATE)
    worker.refresh_from_db()
    assert worker.political_status == PoliticalStatus.APPLICANT


def test_user_add_change_and_password_are_recorded_without_the_hash(world, admin_client, admin_user):
    _post(
        admin_client,
        _url(User, "add"),
        {
            "username": "heyanping",
            "usable_password": "true",
            "password1": "Hejing-2020-May",
            "password2": "Hejing-2020-May",
        },
    )
    user = User.objects.get(username="heyanping")
    (created,) = _events(User, user.pk, Action.CREATE)
    assert created.changes["password"] == [None, REDACTED]
    assert user.password not in str(created.changes)

    change = {
        "username": "heyanping",
        "first_name": "艳萍",
        "last_name": "何",
        "is_active": "on",
        "is_staff": "on",
        "language": "zh-hans",
        "person": world.a.member.pk,
        "date_joined_0": "2025-05-04",
        "date_joined_1": "09:00:00",
        "groups": [],
        "user_permissions": [],
    }
    _post(admin_client, _url(User, "change", user.pk), change)
    (changed,) = _events(User, user.pk, Action.UPDATE)
    assert {"first_name", "last_name", "is_staff", "person_id", "language"} <= set(changed.changes)

    before = AuditEvent.objects.count()
    _post(
        admin_client,
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {
            "usable_password": "true",
            "password1": "Another-2021-Jun",
            "password2": "Another-2021-Jun",
            "set-password": "1",
        },
    )
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").changes == {"password": [REDACTED, REDACTED]}


def test_the_password_page_of_an_id_that_names_no_user_is_no_server_error(db, admin_client):
    # Digits int() refuses ("²") and ids beyond 64 bits: Django's own page says there is no such user.
    for value in ("²", "１２", "99999999999999999999"):
        response = admin_client.get(reverse("admin:auth_user_password_change", args=[value]))
        assert response.status_code in {302, 404}, value


def test_user_permissions_changed_in_the_admin_are_recorded(world, admin_client):
    from django.contrib.auth.models import Permission

    user = world.a.manager
    perm = Permission.objects.get(codename="view_person")
    change = {
        "username": user.username,
        "is_active": "on",
        "date_joined_0": "2025-05-04",
        "date_joined_1": "09:00:00",
        "user_permissions": [perm.pk],
    }
    _post(admin_client, _url(User, "change", user.pk), change)
    event = next(e for e in _events(User, user.pk, Action.UPDATE) if "user_permissions" in e.changes)
    assert event.changes["user_permissions"] == [[], [perm.pk]]


def test_role_assignment_add_and_delete_go_through_assign_and_revoke(world, admin_client):
    sec_b = world.b.secretary
    # The form drops an anchor that does not fit the role instead of tripping the constraint.
    data = {
        "user": sec_b.pk,
        "role": "committee",
        "organization": world.b.branch.pk,
        "enterprise": world.b.enterprise.pk,
    }
    _post(admin_client, _url(RoleAssignment, "add"), data)
    ra = RoleAssignment.objects.get(user=sec_b, role="committee")
    assert ra.enterprise is None
    assert _events(RoleAssignment, ra.pk, Action.CREATE)[0].org_path == world.b.branch.path
    _post(admin_client, _url(RoleAssignment, "delete", ra.pk), {"post": "yes"})
    assert _events(RoleAssignment, ra.pk, Action.DELETE)


def test_api_token_rename_and_revoke_action(world, admin_client):
    token, _raw = access_services.create_token(actor=world.a.manager, user=world.a.manager, name="ERP")
    _post(
        admin_client, _url(ApiToken, "change", token.pk), {"name": "ERP 同步", "expires_at_0": "", "expires_at_1": ""}
    )
    assert _events(ApiToken, token.pk, Action.UPDATE)[0].changes == {"name": ["ERP", "ERP 同步"]}
    response = admin_client.post(_url(ApiToken, "changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    revoked = _events(ApiToken, token.pk, Action.UPDATE)[-1]
    assert set(revoked.changes) == {"revoked_at"}
    assert token.token_hash not in str(AuditEvent.objects.filter(object_type="access.ApiToken").values_list("changes"))


def test_bulk_delete_records_every_object(world, admin_client):
    ent = world.a.enterprise
    units = [ProductionUnit.objects.create(enterprise=ent, kind="workshop", name=f"{n}号厂房") for n in (7, 8)]
    response = admin_client.post(
        _url(ProductionUnit, "changelist"),
        {"action": "delete_selected", "_selected_action": [u.pk for u in units], "post": "yes"},
    )
    assert response.status_code == 302
    for unit in units:
        assert _events(ProductionUnit, unit.pk, Action.DELETE)
    assert LogEntry.objects.filter(object_id__in=[str(u.pk) for u in units]).count() == 2


def test_the_admin_offers_no_write_path_the_audit_chain_cannot_see(db):
    from django.contrib import admin
    from django.contrib.auth.models import Group
    from django.test import RequestFactory
    from django_tasks_db.models import DBTaskResult

    from dangjian.access.audited_admin import AuditedModelAdmin
    from dangjian.testing.factories import UserFactory

    assert not admin.site.is_registered(Group) and not admin.site.is_registered(DBTaskResult)
    unaudited = {m._meta.label: ma for m, ma in admin.site._registry.items() if not isinstance(ma, AuditedModelAdmin)}
    # The rest only show what the system keeps (see test_audit_admin_read_only): not even a
    # superuser may add, change or delete through them.
    assert sorted(unaudited) == ["audit.AuditEvent", "jobs.WorkerBeat"]
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    for label, model_admin in unaudited.items():
        writes = (
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
        )
        assert writes == (False, False, False), label


def test_deleting_a_team_records_each_member_losing_it(world):
    from dangjian.audit.models import AuditEvent
    from dangjian.organizations import services

    team_pk = world.a.team.pk
    services.delete_unit(actor=world.a.manager, unit=world.a.team)
    for person in (world.a.member, world.a.worker):
        event = AuditEvent.objects.filter(
            object_type="people.Person", object_id=str(person.pk), action="update"
        ).latest("id")
        assert event.changes["team_id"] == [team_pk, None]
