"""Staff who are not superusers see and change only their scope in the admin, as on every other
page; accounts and tokens are for superusers only."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from dangjian.access.models import ApiToken, User
from dangjian.organizations.models import Enterprise, Organization
from dangjian.people.models import Membership, Person

MODELS = (Organization, Enterprise, Person, Membership)


def _staff(user):
    """Give a user of the world admin access to the scoped models."""
    user.is_staff = True
    user.save()
    codenames = [f"{action}_{m._meta.model_name}" for m in MODELS for action in ("view", "add", "change", "delete")]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def as_secretary_a(world, client):
    client.force_login(_staff(world.a.secretary))
    return client


def test_change_lists_show_only_the_secretarys_side(world, as_secretary_a):
    people = set(as_secretary_a.get(_url(Person, "changelist")).context["cl"].result_list)
    assert {world.a.member, world.a.worker} <= people
    assert not {world.b.member, world.b.worker} & people
    orgs = set(as_secretary_a.get(_url(Organization, "changelist")).context["cl"].result_list)
    assert orgs == {world.a.branch, world.a.group}


def test_the_other_sides_objects_do_not_exist_for_them(world, as_secretary_a):
    response = as_secretary_a.get(_url(Person, "change", world.b.worker.pk))
    assert response.status_code == 302 and response.url == reverse("admin:index")
    response = as_secretary_a.post(_url(Organization, "delete", world.b.group.pk), {"post": "yes"})
    assert response.status_code == 302
    assert Organization.objects.filter(pk=world.b.group.pk).exists()


def test_visible_but_not_changeable_is_read_only(world, as_secretary_a):
    # A secretary sees their enterprise but may not change it (the manager's and county's job).
    response = as_secretary_a.get(_url(Enterprise, "change", world.a.enterprise.pk))
    assert response.status_code == 200 and response.context["title"].startswith(("View", "查看"))
    data = {"name": "改名", "uscc": world.a.enterprise.uscc, "ownership": "private", "supervising_org": world.park.pk}
    assert as_secretary_a.post(_url(Enterprise, "change", world.a.enterprise.pk), data).status_code == 403


def test_choices_offer_only_what_is_in_scope(world, as_secretary_a):
    response = as_secretary_a.get(_url(Membership, "add"))
    choices = response.context["adminform"].form.fields["organization"].queryset
    assert world.a.branch in choices and world.b.branch not in choices
    data = {"person": world.a.worker.pk, "organization": world.b.branch.pk, "admitted_on": "2024-06-28"}
    response = as_secretary_a.post(_url(Membership, "add"), data)
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(person=world.a.worker).exists()


def test_a_new_record_must_land_in_scope(world, as_secretary_a):
    # A secretary may add a sub-organisation under their branch but not a root committee.
    response = as_secretary_a.post(_url(Organization, "add"), {"kind": "county", "name": "私设县委"})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not Organization.objects.filter(name="私设县委").exists()
    response = as_secretary_a.post(
        _url(Organization, "add"), {"kind": "group", "name": "A第二党小组", "parent": world.a.branch.pk}
    )
    assert response.status_code == 302


def test_county_department_sees_both_sides(world, client):
    client.force_login(_staff(world.county_admin))
    people = set(client.get(_url(Person, "changelist")).context["cl"].result_list)
    assert {world.a.worker, world.b.worker} <= people


@pytest.mark.parametrize("model", [User, ApiToken])
def test_accounts_and_tokens_are_for_superusers_only(world, client, model):
    user = _staff(world.county_admin)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="access"))
    client.force_login(user)
    assert client.get(_url(model, "changelist")).status_code == 403
    assert client.get(_url(User, "change", world.a.manager.pk)).status_code in {302, 403}


def test_audit_log_in_the_admin_follows_the_audit_reach(world, client):
    # An organisation department reads its subtree's log; a secretary has no global log.
    for user in (world.county_admin, world.a.secretary):
        user.is_staff = True
        user.save()
        user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    client.force_login(world.county_admin)
    paths = set(
        client.get(reverse("admin:audit_auditevent_changelist"))
        .context["cl"]
        .queryset.values_list("org_path", flat=True)
    )
    assert paths and all(p.startswith(world.county.path) for p in paths)
    client.force_login(world.a.secretary)
    assert not client.get(reverse("admin:audit_auditevent_changelist")).context["cl"].queryset.exists()


def test_an_exact_id_number_finds_only_people_in_reach(world, as_secretary_a):
    """The admin's search by ID number goes through the blind index and the REVEAL scope."""

    def found(person):
        response = as_secretary_a.get(_url(Person, "changelist"), {"q": person.id_number})
        return set(response.context["cl"].result_list)

    assert world.a.worker in found(world.a.worker)
    assert not found(world.b.worker)  # B's worker exists, but not for A's secretary
