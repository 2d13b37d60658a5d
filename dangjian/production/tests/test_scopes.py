"""Who sees and who keeps the records of party building in production: the branch keeps its teams
in charge, pairings, posts and courses; the county reads and keeps those of its enterprises; an
enterprise's managers and an instructor read coverage, posts and training but never whom a member
is paired with; a member reads the branch's, and everyone their own. Side B sees none of A's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.access import permissions
from dangjian.access.models import Role
from dangjian.access.scopes import AUDIT, CHANGE, VIEW, can, scope
from dangjian.access.services import assign_role
from dangjian.people import services as people
from dangjian.testing.factories import PersonFactory, UserFactory
from dangjian.testing.members import member

from .. import selectors, services
from ..models import Course, Pairing, Post, Purpose, TeamCharge

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MODELS = (TeamCharge, Pairing, Post, Course)
KEPT = {TeamCharge: "charge", Pairing: "pairing", Post: "post", Course: "course"}


def _records(side, label: str) -> dict[str, object]:
    """One side's records: its member's charge, pairing with the worker, post and course (the
    worker a trainee), and a second member's pairing and course the worker is not on."""
    since = TODAY - dt.timedelta(days=30)
    second = member(side, dt.date(2018, 7, 1), dt.date(2019, 7, 1), name=f"{label}党员二")
    other_worker = PersonFactory(name=f"{label}员工一", employer=side.enterprise)
    kept = {"actor": None, "organization": side.branch}
    charge = services.take_charge(**kept, team=side.team, member=side.member, started_on=since)
    pairing = services.pair(
        **kept, member=side.member, partners=[side.worker], purposes=[Purpose.SKILLS], started_on=since
    )
    other_pairing = services.pair(
        **kept, member=second, partners=[other_worker], purposes=[Purpose.SKILLS], started_on=since
    )
    post = services.propose_post(
        **kept,
        kind="vanguard",
        title=f"{label}先锋岗",
        holder=side.member,
        commitment="带头",
        started_on=since,
        unit=side.team,
    )

    def course(trainer, trainees):
        c = services.open_course(
            **kept,
            title=f"{label}培训",
            skill="验布",
            trainer=trainer,
            starts_on=since,
            ends_on=TODAY,
            hours=Decimal(4),
        )
        services.enrol(actor=None, course=c, people=trainees)
        return c

    return {
        "charge": charge,
        "pairing": pairing,
        "other_pairing": other_pairing,
        "post": post,
        "course": course(side.member, [side.worker]),
        "other_course": course(second, [other_worker]),
    }


@pytest.fixture
def kept(world):
    return {"a": _records(world.a, "A"), "b": _records(world.b, "B")}


def of(records: dict[str, object], model) -> set[int]:
    return {obj.pk for obj in records.values() if isinstance(obj, model)}


def seen(user, model, action=VIEW) -> set[int]:
    return set(scope(user, model.objects.all(), action).values_list("pk", flat=True))


@pytest.fixture
def instructor_a(world):
    user = UserFactory(username="instructor_a")
    assign_role(actor=None, user=user, role=Role.INSTRUCTOR, enterprise=world.a.enterprise)
    return user


@pytest.fixture
def outsider_admin(world):
    user = UserFactory(username="outsider_admin")
    assign_role(actor=None, user=user, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    return user


@pytest.fixture
def member_a(world):
    return UserFactory(username="member_a", person=world.a.member)


@pytest.fixture
def worker_a(world):
    return UserFactory(username="worker_a", person=world.a.worker)


def test_a_secretary_sees_and_keeps_a_branchs_records_not_bs(world, kept):
    for model in MODELS:
        assert seen(world.a.secretary, model) == of(kept["a"], model), model.__name__
        assert seen(world.a.secretary, model, CHANGE) == of(kept["a"], model), model.__name__
        assert seen(world.a.secretary, model, AUDIT) == of(kept["a"], model), model.__name__
        b_record = kept["b"][KEPT[model]]
        assert not can(world.a.secretary, VIEW, b_record) and not can(world.a.secretary, CHANGE, b_record)


def test_b_secretary_cannot_see_or_change_as_records(world, kept):
    for model in MODELS:
        assert seen(world.b.secretary, model) == of(kept["b"], model), model.__name__
        assert not seen(world.b.secretary, model) & of(kept["a"], model)
        a_record = kept["a"][KEPT[model]]
        assert not can(world.b.secretary, VIEW, a_record) and not can(world.b.secretary, CHANGE, a_record)


def test_the_countys_department_reaches_both_sides_of_its_county_and_another_county_none(world, kept, outsider_admin):
    assert world.a.branch.path.startswith(world.county.path) and world.b.branch.path.startswith(world.county.path)
    for model in MODELS:
        both = of(kept["a"], model) | of(kept["b"], model)
        assert seen(world.county_admin, model) == both, model.__name__
        assert seen(world.county_admin, model, CHANGE) == both, model.__name__
        assert seen(outsider_admin, model) == set() and seen(outsider_admin, model, CHANGE) == set()


def test_a_manager_reads_coverage_posts_and_training_never_pairings_and_changes_nothing(world, kept):
    manager = world.a.manager
    for model in (TeamCharge, Post, Course):
        assert seen(manager, model) == of(kept["a"], model), model.__name__
    assert seen(manager, Pairing) == set()
    assert not can(manager, VIEW, kept["a"]["pairing"])
    assert not permissions.may_see_production(manager, "pairing")
    for model in MODELS:
        assert seen(manager, model, CHANGE) == set(), model.__name__
    assert seen(world.b.manager, TeamCharge) == of(kept["b"], TeamCharge)
    assert not permissions.may_keep_production(manager, world.a.branch)


def test_an_instructor_reads_all_four_of_the_assigned_enterprise_and_changes_none(world, kept, instructor_a):
    for model in MODELS:
        assert seen(instructor_a, model) == of(kept["a"], model), model.__name__
        assert seen(instructor_a, model, CHANGE) == set(), model.__name__
        assert not seen(instructor_a, model) & of(kept["b"], model)


def test_a_member_reads_the_branchs_charges_posts_and_courses_and_only_their_own_pairing(world, kept, member_a):
    for model in (TeamCharge, Post, Course):
        assert seen(member_a, model) == of(kept["a"], model), model.__name__
    assert seen(member_a, Pairing) == {kept["a"]["pairing"].pk}  # their own, not A党员二's
    assert not can(member_a, VIEW, kept["a"]["other_pairing"])
    for model in MODELS:
        assert seen(member_a, model, CHANGE) == set(), model.__name__
        assert not seen(member_a, model) & of(kept["b"], model)


def test_a_worker_reads_their_own_pairing_and_course_and_the_posts_on_their_floor(world, kept, worker_a):
    assert seen(worker_a, Pairing) == {kept["a"]["pairing"].pk}
    assert seen(worker_a, Course) == {kept["a"]["course"].pk}
    assert not can(worker_a, VIEW, kept["a"]["other_pairing"]) and not can(worker_a, VIEW, kept["a"]["other_course"])
    assert seen(worker_a, Post) == of(kept["a"], Post)  # the sign hangs on the shop floor
    assert seen(worker_a, TeamCharge) == set()
    for model in MODELS:
        assert seen(worker_a, model, CHANGE) == set(), model.__name__
        assert not seen(worker_a, model) & of(kept["b"], model)


def test_the_join_form_and_the_subquery_form_reach_the_same_records(
    world, kept, instructor_a, outsider_admin, member_a, worker_a
):
    users = [
        world.a.secretary,
        world.b.secretary,
        world.county_admin,
        outsider_admin,
        world.a.manager,
        world.b.manager,
        instructor_a,
        member_a,
        worker_a,
    ]
    reached = 0
    for user in users:
        for model in MODELS:
            for action in (VIEW, CHANGE, AUDIT):
                lists = seen(user, model, action)
                joins = set(scope(user, model.objects.all(), action, joins=True).values_list("pk", flat=True))
                assert lists == joins, (user, model.__name__, action)
                for obj in model.objects.all():
                    assert can(user, action, obj) == (obj.pk in lists), (user, obj, action)
                reached += bool(lists)
    assert reached >= 40  # most combinations reach something: not empty against empty


def test_every_assessment_on_a_course_is_for_its_trainer_and_those_who_read_it_as_a_body(
    world, kept, member_a, worker_a, instructor_a
):
    course, other = kept["a"]["course"], kept["a"]["other_course"]
    assert not permissions.may_see_assessments(worker_a, course)  # a trainee reads their own result only
    assert permissions.may_see_assessments(member_a, course)  # its trainer
    assert not permissions.may_see_assessments(member_a, other)  # a member, not its trainer
    assert permissions.may_see_assessments(world.a.manager, other)
    assert permissions.may_see_assessments(world.a.secretary, other)
    assert permissions.may_see_assessments(instructor_a, other)
    assert permissions.may_see_assessments(world.county_admin, other)
    assert not permissions.may_see_assessments(world.b.manager, other)
    assert not permissions.may_see_assessments(world.b.secretary, other)


def test_a_manager_of_one_enterprise_of_a_joint_branch_reads_only_its_own_teams(world, login):
    """A joint branch keeps A and a second enterprise C: C's teams and who covers them are not A's
    manager's to read, on the page, in the API or in the download; the branch's secretary reads both."""
    from django.urls import reverse

    from dangjian.production import downloads
    from dangjian.testing.factories import EnterpriseFactory, PersonFactory, UnitFactory

    a = world.a
    c = EnterpriseFactory(name="C公司", supervising_org=world.park, party_org=a.branch)
    c_team = UnitFactory(enterprise=c, kind="team", name="C包装组")
    c_member = PersonFactory(name="C党员", employer=c, team=c_team)
    people.add_membership(
        actor=None,
        person=c_member,
        organization=a.branch,
        admitted_on=dt.date(2015, 1, 1),
        converted_on=dt.date(2016, 1, 1),
    )
    c_member.refresh_from_db()
    services.take_charge(
        actor=None, organization=a.branch, team=c_team, member=c_member, started_on=dt.date(2026, 1, 5)
    )
    assert {r.team.name for r in selectors.coverage(a.branch, user=a.secretary).rows} == {a.team.name, "C包装组"}
    assert {r.team.name for r in selectors.coverage(a.branch, user=a.manager).rows} == {a.team.name}
    page = login(a.manager).get(reverse("production:page") + f"?org={a.branch.pk}").content.decode()
    assert "C包装组" not in page and "C党员" not in page
    import io

    import openpyxl

    data, _name, _count = downloads.coverage_workbook(a.branch, user=a.manager)
    cells = {str(c.value) for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows() for c in row}
    assert a.team.name in cells and "C包装组" not in cells
    # Side B's manager reaches neither.
    assert selectors.coverage(a.branch, user=world.b.manager).rows == []
