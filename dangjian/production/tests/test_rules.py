"""The rules of party building in production as the branch meets them: teams taken in charge and
handed over (never uncovered, never covered twice), a member who leaves, 1+N pairings and their
notes, posts and their recognition by the county, member-led courses and their assessments.

Each refusal is checked by the message the user reads and by nothing having been written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.access.models import Role
from dangjian.access.services import assign_role
from dangjian.audit.models import AuditEvent
from dangjian.development import services as development
from dangjian.notifications.models import Notification
from dangjian.organizations.models import Enterprise
from dangjian.people import services as people
from dangjian.testing.factories import PersonFactory, UnitFactory, UserFactory
from dangjian.testing.members import member, transfer

from .. import selectors, services
from ..models import (
    Course,
    Pairing,
    PairingNote,
    Partner,
    Post,
    PostStatus,
    ProductionConfig,
    Purpose,
    Result,
    Session,
    SessionAttendance,
    TeamCharge,
    Trainee,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
WRITTEN = (
    TeamCharge,
    Pairing,
    Partner,
    PairingNote,
    Post,
    Course,
    Trainee,
    Session,
    SessionAttendance,
    ProductionConfig,
    AuditEvent,
    Notification,
)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN}


@contextmanager
def refused(*words: str) -> Iterator[None]:
    """The block is refused with a message containing each of `words`, and writes nothing."""
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        yield
    text = " ".join(exc.value.messages)
    for word in words:
        assert word in text, text
    assert _counts() == before


def worker(side, name: str):
    return PersonFactory(name=name, employer=side.enterprise)


def charge(world, who=None, since: dt.date | None = None, team=None, **kw) -> TeamCharge:
    return services.take_charge(
        actor=world.a.secretary,
        organization=world.a.branch,
        team=team or world.a.team,
        member=who or world.a.member,
        started_on=since or ago(30),
        **kw,
    )


def row_of(world, today: dt.date = TODAY):
    return next(r for r in selectors.coverage(world.a.branch, today).rows if r.team == world.a.team)


def counts_of(world, today: dt.date = TODAY) -> tuple[int, int]:
    return selectors.coverage_counts(Enterprise.objects.filter(pk=world.a.enterprise.pk).values("pk"), today)[
        world.a.enterprise.pk
    ]


# --- teams in charge ------------------------------------------------------------------------------


def test_the_branch_takes_a_team_in_charge_and_the_team_is_covered(world):
    c = charge(world)
    row = row_of(world)
    assert row.charge == c and row.charge.member == world.a.member
    assert row.covered_since == ago(30)
    assert counts_of(world) == (1, 1)
    assert AuditEvent.objects.filter(object_type="production.TeamCharge", object_id=str(c.pk), action="create").exists()


def test_a_team_is_in_one_members_charge_at_a_time(world):
    charge(world)
    other = member(world.a, dt.date(2018, 7, 1), dt.date(2019, 7, 1), name="A党员二")
    with refused("A缝纫一组", "already in the charge of A党员", "end that charge or hand it over first"):
        charge(world, other, since=ago(5))
    # …nor before it began, for a period that reaches into it
    with refused("already in the charge of A党员"):
        charge(world, other, since=ago(60), ended_on=ago(30))


def test_a_charge_ends_on_or_after_it_starts(world):
    with refused("is before the start", ago(10).isoformat(), ago(11).isoformat()):
        charge(world, since=ago(10), ended_on=ago(11))


def test_a_workshop_is_not_a_team(world):
    with refused("A一车间 is a workshop: choose one of its teams."):
        charge(world, team=world.a.workshop)


def test_the_responsible_member_is_the_branchs_member_and_the_teams_enterprises_employee(world):
    with refused("B党员 is not a party member of A公司党支部"):
        charge(world, world.b.member)
    # a member of A's branch who works for B
    elsewhere = member(world.b, dt.date(2018, 7, 1), dt.date(2019, 7, 1), name="A支部B员工", org=world.a.branch)
    with refused("A支部B员工 is not an employee of A公司"):
        charge(world, elsewhere)
    with refused("A工人 is not a party member"):
        charge(world, world.a.worker)


def test_side_a_cannot_take_b_team_in_charge(world):
    with refused("B缝纫一组 belongs to B公司, which A公司党支部 does not cover."):
        charge(world, team=world.b.team)
    assert counts_of(world) == (1, 0)
    assert selectors.coverage(world.b.branch).uncovered[0].team == world.b.team


def test_a_hand_over_leaves_no_gap_and_no_double_coverage(world):
    first = charge(world, since=ago(30))
    second_member = member(world.a, dt.date(2018, 7, 1), dt.date(2019, 7, 1), name="A党员二")
    second = services.hand_over(actor=world.a.secretary, charge=first, member=second_member, on=ago(5))
    first.refresh_from_db()
    assert (first.ended_on, first.end_reason) == (ago(6), TeamCharge.EndReason.HANDED_OVER)
    assert second.started_on == ago(5)
    for back in range(0, 31):
        day = ago(back)
        assert TeamCharge.objects.filter(selectors.effective_on(day), team=world.a.team).count() == 1, day
    row = row_of(world)
    assert row.charge == second and row.charge.member == second_member
    assert row.covered_since == ago(30)  # unbroken since the first charge
    assert counts_of(world) == (1, 1)


def test_a_hand_over_is_after_the_charge_began(world):
    first = charge(world, since=ago(30))
    with refused("A hand-over is after the charge began", ago(30).isoformat()):
        services.hand_over(actor=None, charge=first, member=world.a.member, on=ago(30))


def _left_by_transfer(world):
    transfer(world.a.member, world.b.branch, TODAY)


def _left_by_employer(world):
    people.update_person(actor=None, person=world.a.member, employer=world.b.enterprise, team=None)


@pytest.mark.parametrize("leave", [_left_by_transfer, _left_by_employer], ids=["transferred", "employer changed"])
def test_a_member_who_leaves_uncovers_the_team_at_once_and_the_daily_run_closes_the_charge(world, leave):
    c = charge(world, since=ago(30))
    leave(world)
    row = row_of(world)
    assert row.charge is None and row.lapsed == c  # uncovered at once, before the daily run
    assert counts_of(world) == (1, 0)
    assert list(selectors.lapsed_charges()) == [c]

    events = AuditEvent.objects.count()
    assert services.release_lapsed(today=TODAY) == {"charges_ended": 1}
    c.refresh_from_db()
    assert c.end_reason == TeamCharge.EndReason.LEFT and c.ended_on is not None
    # The team stays uncovered after the run: the member is gone today.
    row = row_of(world)
    assert row.charge is None and row.lapsed is None
    assert counts_of(world) == (1, 0)
    assert not selectors.lapsed_charges().exists()
    told = Notification.objects.get(kind="production")
    assert told.user == world.a.secretary
    assert "A缝纫一组" in told.title and "A党员" in told.body
    assert AuditEvent.objects.count() >= events + 2  # the charge's end and who was told
    assert AuditEvent.objects.filter(object_type="production.TeamCharge", object_id=str(c.pk), action="update")
    # The run is idempotent.
    assert services.release_lapsed(today=TODAY) == {"charges_ended": 0}
    assert Notification.objects.filter(kind="production").count() == 1


def test_a_team_whose_charge_lapsed_is_taken_in_charge_again(world):
    old = charge(world, since=ago(30))
    _left_by_transfer(world)
    other = member(world.a, dt.date(2018, 7, 1), dt.date(2019, 7, 1), name="A党员二")
    new = charge(world, other, since=TODAY)
    old.refresh_from_db()
    assert old.ended_on == ago(1) and old.end_reason == TeamCharge.EndReason.LEFT
    row = row_of(world)
    assert row.charge == new
    assert row.covered_since == ago(30)  # the old charge ends the day before: no day uncovered


# The overlap rule as a property: whatever periods are asked for, in any order, the team's
# charges never overlap and a request is refused exactly when it would overlap one kept.
PERIODS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=40), st.one_of(st.none(), st.integers(min_value=0, max_value=15))),
    min_size=1,
    max_size=6,
)


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(periods=PERIODS)
def test_no_two_charges_of_a_team_ever_overlap(world, periods):
    base = ago(60)
    with transaction.atomic():
        kept: list[tuple[dt.date, dt.date]] = []
        for start, length in periods:
            begin = base + dt.timedelta(days=start)
            end = begin + dt.timedelta(days=length) if length is not None else None
            span = (begin, end or dt.date.max)
            clash = any(b <= span[1] and span[0] <= e for b, e in kept)
            try:
                charge(world, since=begin, ended_on=end)
            except ValidationError as exc:
                assert clash and "already in the charge of A党员" in " ".join(exc.messages)
            else:
                assert not clash
                kept.append(span)
        spans = sorted((c.started_on, c.ended_on or dt.date.max) for c in TeamCharge.objects.filter(team=world.a.team))
        assert spans == sorted(kept)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))
        transaction.set_rollback(True)


# coverage's "covered since": the first day of the unbroken run of periods reaching today.
SPANS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=60), st.one_of(st.none(), st.integers(min_value=0, max_value=20))),
    max_size=8,
)


@given(spans=SPANS, today=st.integers(min_value=0, max_value=80))
def test_covered_since_is_the_start_of_the_unbroken_run_reaching_today(spans, today):
    base = dt.date(2024, 1, 1)
    periods = [
        (base + dt.timedelta(days=s), base + dt.timedelta(days=s + n) if n is not None else None) for s, n in spans
    ]
    day = base + dt.timedelta(days=today)

    def covered(d: dt.date) -> bool:
        return any(b <= d and (e is None or d <= e) for b, e in periods)

    expected = None
    if covered(day):
        expected = day
        while covered(expected - dt.timedelta(days=1)):
            expected -= dt.timedelta(days=1)
    assert selectors._run_start(periods, day) == expected


# --- pairing (1+N) --------------------------------------------------------------------------------


def pair(world, partners, who=None, purposes=(Purpose.SKILLS,), since: dt.date | None = None, **kw) -> Pairing:
    return services.pair(
        actor=world.a.secretary,
        organization=world.a.branch,
        member=who or world.a.member,
        partners=partners,
        purposes=list(purposes),
        started_on=since or ago(30),
        **kw,
    )


def test_one_member_pairs_with_up_to_five_employees_by_default(world):
    workers = [worker(world.a, f"A员工{i}") for i in range(6)]
    with refused("at most 5 employees here (1+5); 6 were chosen"):
        pair(world, workers)
    p = pair(world, workers[:5])
    assert set(p.partners.values_list("person__name", flat=True)) == {f"A员工{i}" for i in range(5)}
    assert AuditEvent.objects.filter(object_type="production.Pairing", object_id=str(p.pk)).exists()


def test_the_countys_setting_bounds_n_for_the_branches_below_the_nearest_up_the_tree(world):
    workers = [worker(world.a, f"A员工{i}") for i in range(4)]
    services.save_config(
        actor=world.county_admin, organization=world.county, max_partners=2, probationary_holders=False, quiet_days=60
    )
    assert selectors.config_for(world.a.branch).max_partners == 2
    with refused("at most 2 employees here (1+2); 3 were chosen"):
        pair(world, workers[:3])
    services.save_config(
        actor=world.county_admin, organization=world.park, max_partners=3, probationary_holders=False, quiet_days=60
    )
    assert selectors.config_for(world.a.branch).max_partners == 3
    assert selectors.config_for(world.b.branch).max_partners == 3
    assert selectors.config_for(world.outsider_county).max_partners == 5
    assert pair(world, workers[:3]).partners.count() == 3


def test_the_pairing_member_is_a_full_member(world):
    probationer = member(world.a, ago(100), None, name="A预备党员")
    with refused("A预备党员 is not a full member: only a full member may do this."):
        pair(world, [world.a.worker], who=probationer)


def test_a_member_pairs_with_employees_of_their_own_enterprise_only(world):
    with refused("B工人 is not an employee of A公司"):
        pair(world, [world.a.worker, world.b.worker])


def test_a_member_of_a_who_works_at_b_does_not_pair_b_workers_for_a(world):
    """Their employer changed, their membership not yet transferred: A's branch does not keep
    pairings, posts or courses at B."""
    elsewhere = member(world.b, dt.date(2018, 7, 1), dt.date(2019, 7, 1), name="A支部B员工", org=world.a.branch)
    with refused("A支部B员工 belongs to B公司, which A公司党支部 does not cover."):
        pair(world, [world.b.worker], who=elsewhere)
    with refused("A支部B员工 belongs to B公司, which A公司党支部 does not cover."):
        propose(world, elsewhere, unit=None)
    with refused("A支部B员工 belongs to B公司, which A公司党支部 does not cover."):
        course(world, elsewhere)


def test_an_employee_has_one_pairing_per_purpose_at_a_time(world):
    pair(world, [world.a.worker], purposes=[Purpose.SKILLS])
    other = member(world.a, dt.date(2018, 7, 1), dt.date(2019, 7, 1), name="A党员二")
    with refused("A工人 is already paired with A党员 for “Skills”"):
        pair(world, [world.a.worker], who=other, purposes=[Purpose.SKILLS, Purpose.LIFE], since=ago(3))
    life = pair(world, [world.a.worker], who=other, purposes=[Purpose.LIFE], since=ago(3))
    assert life.purposes == [Purpose.LIFE]


def test_notes_are_written_by_the_member_and_the_employees_within_the_pairings_dates(world):
    p = pair(world, [world.a.worker], since=ago(30))
    services.add_note(actor=None, pairing=p, author=world.a.member, text="教了验布", written_on=ago(2))
    services.add_note(actor=None, pairing=p, author=world.a.worker, text="学会了", written_on=ago(1))
    assert p.notes.count() == 2
    with refused("Only the member and the employees of a pairing write its notes."):
        services.add_note(actor=None, pairing=p, author=world.a.secretary.person, text="看看", written_on=ago(1))
    with refused("Only the member and the employees of a pairing write its notes."):
        services.add_note(actor=None, pairing=p, author=world.b.worker, text="看看", written_on=ago(1))
    with refused("The pairing ran from", ago(30).isoformat(), "date the note within it"):
        services.add_note(actor=None, pairing=p, author=world.a.member, text="早了", written_on=ago(31))
    services.end_pairing(actor=None, pairing=p, ended_on=ago(10))
    p.refresh_from_db()
    with refused("The pairing ran from", f"until {ago(10).isoformat()}"):
        services.add_note(actor=None, pairing=p, author=world.a.member, text="晚了", written_on=ago(5))
    with refused("A note cannot be dated in the future."):
        services.add_note(actor=None, pairing=p, author=world.a.member, text="明天", written_on=TODAY + dt.timedelta(1))


def test_pairings_with_no_note_for_sixty_days_are_quiet(world):
    quiet = pair(world, [world.a.worker], since=ago(90))
    noted = pair(world, [worker(world.a, "A员工一")], since=ago(90))
    services.add_note(actor=None, pairing=noted, author=world.a.member, text="好", written_on=ago(10))
    young = pair(world, [worker(world.a, "A员工二")], since=ago(20))
    old_note = pair(world, [worker(world.a, "A员工三")], since=ago(120))
    services.add_note(actor=None, pairing=old_note, author=world.a.member, text="早", written_on=ago(100))
    found = set(selectors.quiet_pairings(Pairing.objects.all(), TODAY, 60))
    assert found == {quiet, old_note}
    assert noted not in found and young not in found


def test_double_cultivation_paired_workers_who_apply_after_the_pairing_started(world):
    early = worker(world.a, "A早申请")
    development.apply(actor=None, person=early, organization=world.a.branch, applied_on=ago(60))
    p = pair(world, [world.a.worker, early], since=ago(30))
    development.apply(actor=None, person=world.a.worker, organization=world.a.branch, applied_on=ago(10))
    result = selectors.outcomes(Pairing.objects.filter(pk=p.pk))
    assert result.applied == [world.a.worker]  # the one who applied before the pairing does not count
    assert result.activists == [] and result.admitted == []


def test_double_cultivation_paired_members_who_pass_an_assessment_later(world):
    pair(world, [world.a.worker], since=ago(30))
    other = member(world.a, dt.date(2018, 7, 1), dt.date(2019, 7, 1), name="A党员二")
    pair(world, [worker(world.a, "A员工一")], who=other, since=ago(30))
    course = services.open_course(
        actor=None,
        organization=world.a.branch,
        title="质检",
        skill="质检",
        trainer=world.a.secretary.person,
        starts_on=ago(60),
        ends_on=ago(1),
        hours=Decimal(8),
    )
    mine, theirs = services.enrol(actor=None, course=course, people=[world.a.member, other])
    services.assess(actor=None, trainee=mine, result=Result.PASSED, assessed_on=ago(5))
    services.assess(actor=None, trainee=theirs, result=Result.PASSED, assessed_on=ago(40))  # before pairing
    result = selectors.outcomes(Pairing.objects.filter(organization=world.a.branch))
    assert result.skilled_members == [world.a.member]


# --- posts ----------------------------------------------------------------------------------------


def propose(world, holder=None, **kw) -> Post:
    return services.propose_post(
        actor=world.a.secretary,
        organization=world.a.branch,
        kind="vanguard",
        title="质检先锋岗",
        holder=holder or world.a.member,
        commitment="一件不合格不放过",
        **{"started_on": ago(10), "unit": world.a.team, **kw},
    )


def test_a_probationary_member_holds_a_post_only_where_the_county_allows(world):
    probationer = member(world.a, ago(100), None, name="A预备党员")
    with refused("A预备党员 is a probationary member: the county allows only full members to hold a post."):
        propose(world, probationer)
    services.save_config(
        actor=world.county_admin, organization=world.county, max_partners=5, probationary_holders=True, quiet_days=60
    )
    assert propose(world, probationer).holder == probationer
    with refused("A工人 is not a party member"):
        propose(world, world.a.worker)


def test_a_posts_status_moves_as_the_county_recognises_suspends_and_ends_it(world):
    post = propose(world)
    assert selectors.public_post(post.public_key) == post
    with refused("A post is recognised by a committee above its branch."):
        services.set_post_status(actor=world.county_admin, post=post, status=PostStatus.RECOGNISED)
    with refused("A post that is “Proposed” cannot become “Suspended”."):
        services.set_post_status(actor=world.county_admin, post=post, status=PostStatus.SUSPENDED, reason="停产")
    post = services.set_post_status(
        actor=world.county_admin, post=post, status=PostStatus.RECOGNISED, recognised_by=world.county, on=ago(2)
    )
    assert (post.status, post.recognised_by, post.recognised_on) == (PostStatus.RECOGNISED, world.county, ago(2))
    assert selectors.public_post(post.public_key) == post
    with refused("Say why the post is suspended"):
        services.set_post_status(actor=world.county_admin, post=post, status=PostStatus.SUSPENDED, reason="  ")
    post = services.set_post_status(actor=world.county_admin, post=post, status=PostStatus.SUSPENDED, reason="停产")
    assert post.status_reason == "停产"
    assert selectors.public_post(post.public_key) is None
    post = services.set_post_status(
        actor=world.county_admin, post=post, status=PostStatus.RECOGNISED, recognised_by=world.county
    )
    assert post.recognised_on == ago(2)  # reinstated, recognised when it first was
    post = services.set_post_status(actor=world.county_admin, post=post, status=PostStatus.ENDED)
    assert (post.status, post.ended_on) == (PostStatus.ENDED, TODAY)
    assert selectors.public_post(post.public_key) is None
    with refused("A post that is “Ended” cannot become “Recognised by the county”."):
        services.set_post_status(
            actor=world.county_admin, post=post, status=PostStatus.RECOGNISED, recognised_by=world.county
        )


def test_the_countys_organisation_department_recognises_not_the_branch_nor_another_county(world):
    from dangjian.access import permissions

    post = propose(world)
    assert permissions.may_recognise_post(world.county_admin, post) == world.county.path
    assert permissions.may_recognise_post(world.a.secretary, post) is None
    outsider_admin = UserFactory(username="outsider_admin")
    assign_role(actor=None, user=outsider_admin, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    assert permissions.may_recognise_post(outsider_admin, post) is None
    b_department = UserFactory(username="b_department")
    assign_role(actor=None, user=b_department, role=Role.ORG_DEPARTMENT, organization=world.b.branch)
    assert permissions.may_recognise_post(b_department, post) is None
    assert permissions.may_recognise_post(world.b.secretary, post) is None


# --- member-led skills training -------------------------------------------------------------------


def course(world, trainer=None, **kw) -> Course:
    fields = {"starts_on": ago(20), "ends_on": TODAY + dt.timedelta(days=20), "hours": Decimal(12), **kw}
    return services.open_course(
        actor=world.a.secretary,
        organization=world.a.branch,
        title="验布培训",
        skill="质量检验",
        trainer=trainer or world.a.member,
        **fields,
    )


def test_a_course_is_led_by_a_member_of_the_branch(world):
    c = course(world)
    assert (c.enterprise, c.trainer) == (world.a.enterprise, world.a.member)
    with refused("A工人 is not a party member of A公司党支部"):
        course(world, world.a.worker)
    with refused("B党员 is not a party member of A公司党支部"):
        course(world, world.b.member)


def test_a_course_enrols_its_enterprises_employees_only(world):
    c = course(world)
    other = worker(world.a, "A员工一")
    assert len(services.enrol(actor=None, course=c, people=[world.a.worker, other])) == 2
    assert services.enrol(actor=None, course=c, people=[world.a.worker]) == []  # already on it
    third = worker(world.a, "A员工二")
    with refused("B工人 is not an employee of A公司"):
        services.enrol(actor=None, course=c, people=[third, world.b.worker])
    with refused("A党员 leads this course."):
        services.enrol(actor=None, course=c, people=[world.a.member])


def test_sessions_fall_within_the_course_and_attendance_is_one_tap_from_the_day(world):
    c = course(world)
    services.enrol(actor=None, course=c, people=[world.a.worker, worker(world.a, "A员工一")])
    with refused("The course runs from", ago(20).isoformat(), "date the session within it"):
        services.hold_session(actor=None, course=c, held_on=ago(21), hours=Decimal(2))
    with refused("The course runs from"):
        services.hold_session(actor=None, course=c, held_on=TODAY + dt.timedelta(days=21), hours=Decimal(2))
    held = services.hold_session(actor=None, course=c, held_on=ago(5), hours=Decimal(2), topic="验布")
    later = services.hold_session(actor=None, course=c, held_on=TODAY + dt.timedelta(days=5), hours=Decimal(2))
    assert held.attendances.count() == 2 and later.attendances.count() == 2
    with refused("presence is marked from that day on"):
        services.mark_attendance(actor=None, attendance=later.attendances.first(), present=True)
    tap = held.attendances.get(trainee__person=world.a.worker)
    assert services.mark_attendance(actor=None, attendance=tap, present=True).present is True
    assert selectors.sessions_of(c)[0].n_present == 1
    # a trainee enrolled later is expected at the sessions already planned
    services.enrol(actor=None, course=c, people=[worker(world.a, "A员工二")])
    assert held.attendances.count() == 3


def test_an_assessment_is_dated_within_the_course_and_a_certificate_has_its_number(world):
    c = course(world)
    first, second = services.enrol(actor=None, course=c, people=[world.a.worker, worker(world.a, "A员工一")])
    with refused("A certified trainee has a certificate number"):
        services.assess(actor=None, trainee=first, result=Result.CERTIFIED, assessed_on=ago(2), certified_on=ago(1))
    with refused("Give the date on the certificate."):
        services.assess(actor=None, trainee=first, result=Result.CERTIFIED, assessed_on=ago(2), certificate_no="Z1")
    with refused("on or after the course began", ago(20).isoformat()):
        services.assess(actor=None, trainee=first, result=Result.PASSED, assessed_on=ago(21))
    with refused("not in the future"):
        services.assess(actor=None, trainee=first, result=Result.PASSED, assessed_on=TODAY + dt.timedelta(days=1))
    with refused("Give the date of the assessment."):
        services.assess(actor=None, trainee=first, result=Result.FAILED)
    done = services.assess(
        actor=None,
        trainee=first,
        result=Result.CERTIFIED,
        assessed_on=ago(2),
        certificate_no=" Z1 ",
        certified_on=ago(1),
    )
    assert (done.result, done.certificate_no, done.certified_on) == (Result.CERTIFIED, "Z1", ago(1))
    services.assess(actor=None, trainee=second, result=Result.FAILED, assessed_on=ago(2))
    assert selectors.trained_by(world.a.member) == {"trainees": 2, "passed": 1}
    assert selectors.trained_by(world.b.member) == {"trainees": 0, "passed": 0}


def test_b_workers_are_on_no_course_of_a_and_b_sees_no_training_of_a(world):
    c = course(world)
    services.enrol(actor=None, course=c, people=[world.a.worker])
    assert list(selectors.training_of(world.b.worker)) == []
    assert not selectors.visible_courses(world.b.secretary).exists()
    assert not selectors.visible_courses(world.b.manager).exists()
    b_team = UnitFactory(enterprise=world.b.enterprise, kind="team", name="B缝纫二组", parent=world.b.workshop)
    with refused("B缝纫二组 belongs to B公司"):
        charge(world, team=b_team)


def test_n_counts_every_employee_the_member_is_already_paired_with(world):
    workers = [worker(world.a, f"A员工{i}") for i in range(6)]
    pair(world, workers[:3], purposes=(Purpose.SKILLS,))
    with refused("A党员 is already paired with 3, so 2 more at most"):
        pair(world, workers[3:6], purposes=(Purpose.LIFE,))
    assert pair(world, workers[3:5], purposes=(Purpose.LIFE,)).partners.count() == 2
    # B's member is bounded by their own pairings, not A's.
    b_workers = [worker(world.b, f"B员工{i}") for i in range(5)]
    assert (
        services.pair(
            actor=None,
            organization=world.b.branch,
            member=world.b.member,
            partners=b_workers,
            purposes=["skills"],
            started_on=ago(30),
        ).partners.count()
        == 5
    )


def test_a_branch_under_the_enterprises_committee_keeps_its_teams(world):
    """Where an enterprise's party organisation is a committee, its branches take its teams in charge."""
    from dangjian.organizations.models import OrgKind
    from dangjian.testing.factories import make_org

    committee = make_org(OrgKind.ENTERPRISE_COMMITTEE, "A公司党委", world.park)
    world.a.enterprise.party_org = committee
    world.a.enterprise.save()
    from dangjian.organizations.services import move_organization

    move_organization(actor=None, org=world.a.branch, new_parent=committee)
    world.a.branch.refresh_from_db()
    world.a.member.refresh_from_db()
    assert charge(world).team == world.a.team
    assert selectors.coverage(world.a.branch).covered == 1
    assert selectors.coverage(committee).covered == 1
    with refused("does not cover"):
        services.take_charge(
            actor=None, organization=world.b.branch, team=world.a.team, member=world.b.member, started_on=ago(10)
        )


def test_the_daily_command_closes_lapsed_charges(world):
    from io import StringIO

    from django.core.management import call_command

    c = charge(world)
    _left_by_employer(world)
    out = StringIO()
    call_command("release_lapsed_charges", stdout=out)
    assert "1" in out.getvalue()
    c.refresh_from_db()
    assert c.end_reason == TeamCharge.EndReason.LEFT
    assert AuditEvent.objects.filter(object_type="production.TeamCharge", source="command").exists()
