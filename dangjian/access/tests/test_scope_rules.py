"""The scope rule on querysets and objects: a role reaches its subtree and nothing beside it."""

from dangjian.access.scopes import CHANGE, REVEAL, VIEW, can, scope
from dangjian.organizations.models import Enterprise, Organization
from dangjian.people.models import Person


def test_secretary_sees_own_enterprise_people_not_the_other(world):
    sec = world.a.secretary
    people = set(scope(sec, Person.objects.all()).values_list("name", flat=True))
    assert {"A党员", "A工人", "A书记"} <= people
    assert not any(name.startswith("B") for name in people)
    assert can(sec, VIEW, world.a.worker)
    assert not can(sec, VIEW, world.b.worker)
    assert not can(sec, CHANGE, world.b.branch)


def test_county_department_reaches_every_enterprise_in_the_county_only(world):
    admin = world.county_admin
    assert set(scope(admin, Enterprise.objects.all())) == {world.a.enterprise, world.b.enterprise}
    assert can(admin, REVEAL, world.b.worker)
    assert not can(admin, VIEW, world.outsider_county)
    assert not can(admin, VIEW, world.prefecture)


def test_member_sees_branch_members_but_not_non_member_workers(world):
    from dangjian.testing.factories import UserFactory

    user = UserFactory(person=world.a.member)
    visible = set(scope(user, Person.objects.all()))
    assert world.a.member in visible
    assert world.a.worker not in visible
    assert not can(user, CHANGE, world.a.member)
    assert can(user, VIEW, world.a.branch)
    assert not can(user, VIEW, world.b.branch)


def test_manager_reaches_own_enterprise_not_the_party_tree_above(world):
    mgr = world.a.manager
    assert can(mgr, CHANGE, world.a.team)
    assert not can(mgr, VIEW, world.b.team)
    assert can(mgr, REVEAL, world.a.worker)
    assert not can(mgr, VIEW, world.park)
    assert set(scope(mgr, Organization.objects.all())) == {world.a.branch, world.a.group}


def test_instructor_sees_the_assigned_enterprise_and_its_branch_but_changes_nothing(world):
    from dangjian.access.models import Role
    from dangjian.access.services import assign_role
    from dangjian.testing.factories import UserFactory

    instructor = UserFactory(username="instructor_a")
    assign_role(actor=None, user=instructor, role=Role.INSTRUCTOR, enterprise=world.a.enterprise)
    assert can(instructor, VIEW, world.a.enterprise) and can(instructor, VIEW, world.a.branch)
    assert can(instructor, VIEW, world.a.worker)
    assert not can(instructor, REVEAL, world.a.worker)
    assert not can(instructor, CHANGE, world.a.worker) and not can(instructor, CHANGE, world.a.branch)
    assert not can(instructor, VIEW, world.b.enterprise) and not can(instructor, VIEW, world.b.worker)


def test_employee_sees_own_workplace_and_own_record_only(world):
    from dangjian.testing.factories import UserFactory

    user = UserFactory(person=world.a.worker)
    assert can(user, VIEW, world.a.enterprise) and can(user, VIEW, world.a.team)
    assert set(scope(user, Person.objects.all())) == {world.a.worker}
    assert can(user, REVEAL, world.a.worker)  # one's own ID number
    assert not can(user, VIEW, world.a.branch)
    assert not can(user, VIEW, world.b.enterprise)


def test_reveal_never_reaches_further_than_view():
    # people.selectors.by_id_number relies on it: an ID look-up is scoped by REVEAL alone.
    from dangjian.access.scopes import ROLE_ACTIONS

    for role, resources in ROLE_ACTIONS.items():
        for resource, actions in resources.items():
            assert REVEAL not in actions or VIEW in actions, (role, resource)


def test_the_join_form_and_the_subquery_form_reach_the_same_rows(world):
    """`can` checks one row by joins, lists filter by subqueries: they must never disagree."""
    from dangjian.access.models import RoleAssignment
    from dangjian.access.scopes import scope_q
    from dangjian.development.models import Candidacy
    from dangjian.development.services import apply
    from dangjian.organizations.models import ProductionUnit
    from dangjian.people.models import Membership
    from dangjian.testing.factories import UserFactory

    apply(actor=None, person=world.b.worker, organization=world.b.branch, applied_on=world.b.branch.created_at.date())
    member_user = UserFactory(person=world.a.member)
    employee_user = UserFactory(person=world.a.worker)
    users = [world.a.secretary, world.b.manager, world.county_admin, member_user, employee_user]
    models = [Organization, Enterprise, ProductionUnit, Person, Membership, Candidacy, RoleAssignment]
    checked = 0
    for user in users:
        for model in models:
            for action in (VIEW, CHANGE, REVEAL):
                lists = set(scope(user, model.objects.all(), action).values_list("pk", flat=True))
                joins = set(scope(user, model.objects.all(), action, joins=True).values_list("pk", flat=True))
                assert lists == joins, (user, model.__name__, action)
                checked += bool(lists)
    assert checked >= 20  # most combinations reach something: the comparison is not empty against empty
    assert scope_q(world.a.secretary, "person", VIEW) != scope_q(world.a.secretary, "person", VIEW, joins=True)
