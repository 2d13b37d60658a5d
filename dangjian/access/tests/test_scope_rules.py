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
