"""The party tree: materialised paths, which kind may sit under which, moving a subtree (and the
scopes that follow it), and what may not be deleted."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.access.scopes import VIEW, can, scope
from dangjian.organizations import services
from dangjian.organizations.models import Organization, OrgKind
from dangjian.people import services as people_services
from dangjian.testing.factories import UserFactory, make_org


def test_paths_and_depths_follow_the_tree(world):
    p, c, park = world.prefecture, world.county, world.park
    assert p.path == f"/{p.pk}/" and p.depth == 0
    assert c.path == f"/{p.pk}/{c.pk}/" and c.depth == 1
    group = Organization.objects.get(pk=world.a.group.pk)
    assert group.path == f"/{p.pk}/{c.pk}/{park.pk}/{world.a.branch.pk}/{group.pk}/"
    assert group.depth == 4
    assert group.ancestor_ids() == [p.pk, c.pk, park.pk, world.a.branch.pk]


def test_a_party_group_cannot_sit_under_a_park_committee(world):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        make_org(OrgKind.PARTY_GROUP, "园区党小组", world.park)
    message = exc.value.message_dict["parent"][0]
    assert message.startswith("A Party group cannot sit under a Park or township committee.")
    assert "Party branch" in message  # and says where it can go
    assert not Organization.objects.filter(name="园区党小组").exists()


def test_a_branch_needs_a_parent(db):
    with pytest.raises(ValidationError) as exc:
        make_org(OrgKind.BRANCH, "无上级支部", None)
    assert "parent" in exc.value.message_dict


def test_changing_kind_must_still_fit_parent_and_children(world):
    with pytest.raises(ValidationError) as exc:
        services.update_organization(actor=world.county_admin, org=world.a.branch, kind=OrgKind.COUNTY_COMMITTEE)
    assert "parent" in exc.value.message_dict
    # An enterprise committee would fit under the park, but not above A's party group.
    with pytest.raises(ValidationError) as exc:
        services.update_organization(actor=world.county_admin, org=world.a.branch, kind=OrgKind.ENTERPRISE_COMMITTEE)
    assert "kind" in exc.value.message_dict


@pytest.fixture
def deep_branch(world):
    """A general branch under the park with two branches, each with a party group."""
    general = make_org(OrgKind.GENERAL_BRANCH, "A总支", world.park)
    nodes = [general]
    for n in (1, 2):
        branch = make_org(OrgKind.BRANCH, f"A第{n}支部", general)
        nodes += [branch, make_org(OrgKind.PARTY_GROUP, f"A第{n}支部第一小组", branch)]
    return nodes


def test_moving_a_subtree_rewrites_every_descendant_in_one_update(world, deep_branch):
    general = deep_branch[0]
    target = world.outsider_county
    with CaptureQueriesContext(connection) as queries:
        services.move_organization(actor=world.county_admin, org=general, new_parent=target)
    path_updates = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and '"path"' in q["sql"]]
    assert len(path_updates) == 1
    for node in deep_branch:
        node.refresh_from_db()
        assert node.path.startswith(f"{target.path}{general.pk}/")
        assert node.depth == len(node.path.strip("/").split("/")) - 1
        assert node.ancestor_ids()[: target.depth + 1] == [int(x) for x in target.path.strip("/").split("/")]
    assert general.parent == target and general.depth == target.depth + 1


def test_scope_follows_a_moved_branch(world):
    other_admin = UserFactory(username="yanqi_admin")
    access_services.assign_role(
        actor=None, user=other_admin, role=Role.ORG_DEPARTMENT, organization=world.outsider_county
    )
    branch, group = world.a.branch, world.a.group
    assert can(world.county_admin, VIEW, group)
    assert not can(other_admin, VIEW, group)

    services.move_organization(actor=world.county_admin, org=branch, new_parent=world.outsider_county)

    for user in (world.county_admin, other_admin):
        user.__dict__.pop("_dangjian_grants", None)
    visible = set(scope(world.county_admin, Organization.objects.all()))
    assert branch not in visible and group not in visible
    assert world.b.branch in visible
    assert can(other_admin, VIEW, group)
    assert not can(other_admin, VIEW, world.b.group)


@pytest.mark.parametrize("under", ["itself", "descendant"])
def test_cannot_move_under_itself_or_a_descendant(world, under):
    branch = world.a.branch
    target = branch if under == "itself" else world.a.group
    before = Organization.objects.get(pk=branch.pk).path
    with pytest.raises(ValidationError) as exc:
        services.move_organization(actor=world.county_admin, org=branch, new_parent=target)
    assert "parent" in exc.value.message_dict
    assert Organization.objects.get(pk=branch.pk).path == before


def test_move_must_still_fit_the_new_parent(world):
    with pytest.raises(ValidationError):
        services.move_organization(actor=world.county_admin, org=world.a.group, new_parent=world.park)


def test_cannot_delete_an_organisation_with_sub_organisations(world):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.delete_organization(actor=world.county_admin, org=world.park)
    assert "it has sub-organisations" in exc.value.messages[0]
    assert Organization.objects.filter(pk=world.park.pk).exists()


def test_cannot_delete_an_organisation_with_members(world):
    childless = make_org(OrgKind.BRANCH, "A第二支部", world.park)
    people_services.add_membership(
        actor=None,
        person=world.a.worker,
        organization=childless,
        admitted_on=dt.date(2020, 7, 1),
    )
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.delete_organization(actor=world.county_admin, org=childless)
    assert "it keeps members' or applicants' records" in exc.value.messages[0]
    assert "sub-organisations" not in exc.value.messages[0]


def test_an_empty_leaf_can_be_deleted(world):
    pk = world.b.group.pk
    services.delete_organization(actor=world.county_admin, org=world.b.group)
    assert not Organization.objects.filter(pk=pk).exists()


def test_deleting_an_organisation_records_the_roles_that_go_with_it(world):
    from dangjian.access import services as access_services
    from dangjian.access.models import Role, RoleAssignment
    from dangjian.audit.models import AuditEvent
    from dangjian.organizations import services
    from dangjian.testing.factories import UserFactory

    group_leader = UserFactory(username="group_leader")
    ra = access_services.assign_role(
        actor=None, user=group_leader, role=Role.COMMITTEE_MEMBER, organization=world.a.group
    )
    services.delete_organization(actor=world.county_admin, org=world.a.group)
    assert not RoleAssignment.objects.filter(pk=ra.pk).exists()
    event = AuditEvent.objects.get(object_type="access.RoleAssignment", object_id=str(ra.pk), action="delete")
    assert event.actor_id == world.county_admin.pk
    assert event.changes["role"] == ["committee", None]
