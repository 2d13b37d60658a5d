"""Edges of the scope rule found in review: each case once let a user reach past their part."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.development.models import Candidacy
from dangjian.organizations.models import OrgKind
from dangjian.people import services as people_services
from dangjian.people.models import Membership
from dangjian.testing.factories import EnterpriseFactory, PersonFactory, UnitFactory, UserFactory, make_org


def _api(user) -> Client:
    _, raw = access_services.create_token(actor=None, user=user, name="t")
    return Client(headers={"authorization": f"Bearer {raw}"})


def test_manager_does_not_see_membership_records_or_applications(world, client):
    Candidacy.objects.create(person=world.a.worker, organization=world.a.branch, applied_on=dt.date(2024, 1, 1))
    client.force_login(world.a.manager)
    assert "2015-07-01" not in client.get(reverse("people:detail", args=[world.a.member.pk])).content.decode()
    assert "2024-01-01" not in client.get(reverse("people:detail", args=[world.a.worker.pk])).content.decode()


def test_members_do_not_see_applicants(world):
    Candidacy.objects.create(person=world.a.worker, organization=world.a.branch, applied_on=dt.date(2024, 1, 1))
    people_services.refresh_derived(world.a.worker)
    member = UserFactory(username="member_a", person=world.a.member)
    names = {i["name"] for i in _api(member).get("/api/v1/people").json()["items"]}
    assert names == {"A党员", "A书记"}


def test_id_number_lookup_needs_the_right_to_see_id_numbers(world, client):
    member = UserFactory(username="member_a", person=world.a.member)
    target = world.a.secretary.person
    assert _api(member).get("/api/v1/people", {"id_number": target.id_number}).json()["count"] == 0
    assert _api(world.a.secretary).get("/api/v1/people", {"id_number": target.id_number}).json()["count"] == 1
    client.force_login(member)
    assert "A书记" not in client.get(reverse("people:list"), {"q": target.id_number}).content.decode()


def test_joint_branch_page_shows_an_instructor_only_their_enterprise(world, client):
    joint = make_org(OrgKind.JOINT_BRANCH, "联合支部", world.park)
    mine = EnterpriseFactory(name="甲公司", supervising_org=world.park, party_org=joint)
    other = EnterpriseFactory(name="乙公司", supervising_org=world.park, party_org=joint)
    UnitFactory(enterprise=other, kind="team", name="乙班组")
    p = PersonFactory(name="乙党员", employer=other)
    people_services.add_membership(
        actor=None, person=p, organization=joint, admitted_on=dt.date(2015, 1, 1), converted_on=dt.date(2016, 1, 1)
    )
    instructor = UserFactory(username="instr")
    access_services.assign_role(actor=None, user=instructor, role=Role.INSTRUCTOR, enterprise=mine)
    client.force_login(instructor)
    body = client.get(reverse("organizations:detail", args=[joint.pk])).content.decode()
    assert "乙党员" not in body and "乙班组" not in body


def test_employing_a_member_of_another_branch_does_not_allow_rewriting_their_record(world, client):
    p = PersonFactory(name="跨支部", employer=world.a.enterprise)
    m = people_services.add_membership(
        actor=None,
        person=p,
        organization=world.b.branch,
        admitted_on=dt.date(2015, 1, 1),
        converted_on=dt.date(2016, 1, 1),
    )
    client.force_login(world.a.secretary)
    url = reverse("people:membership_edit", args=[m.pk])
    response = client.post(url, {"organization": world.a.branch.pk, "admitted_on": "2015-01-01"})
    assert response.status_code in {403, 404}
    m.refresh_from_db()
    assert m.organization_id == world.b.branch.pk


def test_committee_member_records_memberships_in_their_branch(world, client):
    cm = UserFactory(username="cm")
    access_services.assign_role(actor=None, user=cm, role=Role.COMMITTEE_MEMBER, organization=world.a.branch)
    client.force_login(cm)
    form = client.get(reverse("people:membership_add", args=[world.a.worker.pk])).context["form"]
    assert set(form.fields["organization"].queryset) == {world.a.branch, world.a.group}


def test_hr_manager_cannot_detach_the_enterprise_from_its_branch(world, client):
    response = _api(world.a.manager).patch(
        f"/api/v1/enterprises/{world.a.enterprise.pk}", {"party_org_id": None}, content_type="application/json"
    )
    assert response.status_code == 403
    world.a.enterprise.refresh_from_db()
    assert world.a.enterprise.party_org_id == world.a.branch.pk
    client.force_login(world.a.manager)
    form = client.get(reverse("organizations:enterprise_edit", args=[world.a.enterprise.pk])).context["form"]
    assert form.fields["party_org"].disabled and form.fields["supervising_org"].disabled


def test_api_membership_goes_only_where_the_user_keeps_records(world):
    other_branch = make_org(OrgKind.BRANCH, "焉耆支部", world.outsider_county)
    own = PersonFactory(name="县管理员本人")
    people_services.add_membership(
        actor=None,
        person=own,
        organization=other_branch,
        admitted_on=dt.date(2015, 1, 1),
        converted_on=dt.date(2016, 1, 1),
    )
    world.county_admin.person = own
    world.county_admin.save()
    response = _api(world.county_admin).post(
        f"/api/v1/people/{world.a.worker.pk}/memberships",
        {"organization_id": other_branch.pk, "admitted_on": "2020-01-01"},
        content_type="application/json",
    )
    assert response.status_code in {403, 422}
    assert not Membership.objects.filter(person=world.a.worker).exists()


def test_deleting_an_organisation_with_ended_records_is_refused_with_a_reason(world, client):
    branch = make_org(OrgKind.BRANCH, "空支部", world.park)
    p = PersonFactory(name="旧党员")
    m = people_services.add_membership(actor=None, person=p, organization=branch, admitted_on=dt.date(2015, 1, 1))
    people_services.update_membership(actor=None, membership=m, ended_on=dt.date(2016, 1, 1), end_reason="transferred")
    client.force_login(world.county_admin)
    response = client.post(reverse("organizations:delete", args=[branch.pk]), follow=True)
    assert "它保存着党员或申请人的记录" in response.content.decode()
    assert branch.__class__.objects.filter(pk=branch.pk).exists()


def test_editing_a_person_without_a_phone_offers_to_show_the_id_number_only(world, client):
    p = PersonFactory(name="无电话", employer=world.a.enterprise, phone="")
    client.force_login(world.a.secretary)
    page = client.get(reverse("people:edit", args=[p.pk])).content.decode()
    assert reverse("people:reveal", args=[p.pk, "id_number"]) in page
    assert reverse("people:reveal", args=[p.pk, "phone"]) not in page
    assert not AuditEvent.objects.filter(action="reveal", object_id=str(p.pk)).exists()


def test_createsuperuser_and_changepassword_are_audited(db, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "x-Very-Long-Pass-123")
    call_command("createsuperuser", "--noinput", username="root2", email="r@example.com")
    event = AuditEvent.objects.get(object_type="access.User", action="create")
    assert (event.source, event.object_repr) == ("command", "root2")
    assert event.changes["password"] == [None, "***"]


def test_a_nul_character_is_refused_not_a_server_error(world):
    response = _api(world.county_admin).post(
        "/api/v1/organizations",
        {"kind": "branch", "name": "a\x00b", "parent_id": world.park.pk},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_organisation_department_assigns_roles_to_existing_logins_but_cannot_mint_logins(world, client):
    from dangjian.access.models import RoleAssignment, User

    client.force_login(world.county_admin)
    url = reverse("access:roles", args=["org", world.a.branch.pk])
    response = client.post(
        url, {"username": "new_login", "role": "committee", "person": world.a.worker.pk, "password": "x-Pass-12345"}
    )
    assert response.status_code == 200 and not User.objects.filter(username="new_login").exists()
    assert "平台管理员" in response.content.decode()
    response = client.post(url, {"username": "manager_a", "role": "committee"})
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=world.a.manager, role="committee", organization=world.a.branch).exists()


def test_a_token_expiry_without_a_zone_is_beijing_time_and_must_be_ahead(world):
    client = Client()
    client.force_login(world.a.secretary)
    created = client.post(
        "/api/v1/tokens", {"name": "x", "expires_at": "2099-01-01T00:00:00"}, content_type="application/json"
    )
    assert created.status_code == 201
    past = client.post(
        "/api/v1/tokens", {"name": "y", "expires_at": "2000-01-01T00:00:00"}, content_type="application/json"
    )
    assert past.status_code == 422 and "expires_at" in past.json()["errors"]
