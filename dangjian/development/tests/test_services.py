"""The development services: steps recorded through the rules, and the records that follow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dangjian.access import permissions
from dangjian.audit.models import AuditEvent
from dangjian.development import services
from dangjian.development.models import Stage, Step
from dangjian.people import services as people
from dangjian.testing.development import plan, record, sponsors, voters
from dangjian.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_candidate_walks_all_steps_to_full_membership(world):
    applicant = PersonFactory(name="阿比巴汗", employer=world.a.enterprise, birth_date=dt.date(1998, 5, 5))
    applied = dt.date(2021, 3, 1)
    two = sponsors(world)
    voters(world)
    today = dt.date(2024, 12, 31)
    cand = services.apply(
        actor=world.a.secretary, person=applicant, organization=world.a.branch, applied_on=applied, today=today
    )
    applicant.refresh_from_db()
    assert applicant.political_status == "applicant"
    for number, on, data in plan(applied, two, two[:1]):
        record(world, cand, number, on, data, today)
        applicant.refresh_from_db()
        cand.refresh_from_db()
        if number == 3:
            assert applicant.political_status == "activist" and cand.stage == Stage.ACTIVIST
        if number == 7:
            assert applicant.political_status == "target"
        if number == 17:
            assert applicant.political_status == "probationary"
            assert applicant.memberships.get().admitted_on == cand.admitted_on
    assert applicant.political_status == "full"
    membership = applicant.memberships.get()
    assert (
        membership.converted_on
        == cand.probation_ends_on
        == dt.date(cand.admitted_on.year + 1, cand.admitted_on.month, cand.admitted_on.day)
    )
    assert cand.stage == Stage.CLOSED and cand.outcome == "converted"
    review = Step.objects.get(candidacy=cand, number=10)
    assert review.conclusion == "政治可靠" and "conclusion" not in review.data
    events = AuditEvent.objects.filter(object_type="development.Step", object_id=str(review.pk))
    assert events.get().changes["conclusion"] == [None, "***"] or events.get().changes["conclusion"][1] == "***"


def test_a_refused_step_says_why_and_writes_nothing(world):
    applicant = PersonFactory(name="申请人", employer=world.a.enterprise, birth_date=dt.date(1998, 5, 5))
    cand = services.apply(
        actor=world.a.secretary,
        person=applicant,
        organization=world.a.branch,
        applied_on=dt.date(2026, 1, 5),
        today=dt.date(2026, 3, 1),
    )
    services.record_step(
        actor=world.a.secretary, candidacy=cand, number=2, done_on=dt.date(2026, 1, 20), today=dt.date(2026, 3, 1)
    )
    services.record_step(
        actor=world.a.secretary, candidacy=cand, number=3, done_on=dt.date(2026, 2, 1), today=dt.date(2026, 3, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.record_step(
            actor=world.a.secretary, candidacy=cand, number=7, done_on=dt.date(2026, 2, 28), today=dt.date(2026, 3, 1)
        )
    assert "2026-02-01" in " ".join(exc.value.messages) or "4" in " ".join(exc.value.messages)
    assert not Step.objects.filter(candidacy=cand, number=7).exists()


def test_a_minor_cannot_apply_and_one_application_at_a_time(world):
    young = PersonFactory(name="少年", employer=world.a.enterprise, birth_date=dt.date(2008, 6, 1))

    def apply(person, on):
        return services.apply(
            actor=world.a.secretary,
            person=person,
            organization=world.a.branch,
            applied_on=on,
            today=dt.date(2026, 6, 1),
        )

    with pytest.raises(ValidationError) as exc:
        apply(young, dt.date(2026, 5, 31))  # the day before the 18th birthday
    assert "2026-06-01" in exc.value.messages[0]
    apply(young, dt.date(2026, 6, 1))
    with pytest.raises(ValidationError):
        apply(young, dt.date(2026, 6, 1))  # a second application while the first is open
    with pytest.raises(ValidationError):
        apply(world.a.member, dt.date(2026, 6, 1))  # already a member


def test_political_birthday_follows_the_records_and_the_county_setting(world, login):
    from dangjian.development.services import save_config
    from dangjian.people.rules import next_anniversary, political_birthday

    page = login(world.a.secretary).get(f"/people/{world.a.member.pk}/").content.decode()
    assert 'data-political-birthday="2015-07-01"' in page  # admitted 2015-07-01, converted 2016-07-01
    save_config(actor=None, organization=world.county, birthday_basis="conversion")
    page = login(world.a.secretary).get(f"/people/{world.a.member.pk}/").content.decode()
    assert 'data-political-birthday="2016-07-01"' in page
    assert political_birthday(dt.date(2020, 2, 29), None) == dt.date(2020, 2, 29)
    assert next_anniversary(dt.date(2020, 2, 29), dt.date(2027, 1, 1)) == dt.date(2027, 2, 28)
    assert next_anniversary(dt.date(2020, 7, 1), dt.date(2026, 7, 2)) == dt.date(2027, 7, 1)


# --- who may record the higher committee's steps ------------------------------------------------

TODAY = dt.date(2024, 12, 31)


def _walk(world, up_to: int, applied: dt.date = dt.date(2021, 3, 1)):
    """A candidacy of branch A walked through steps 2 … `up_to`, each by whoever records it."""
    person = PersonFactory(name="阿比巴汗", employer=world.a.enterprise, birth_date=dt.date(1998, 5, 5))
    cand = services.apply(actor=world.a.secretary, person=person, organization=world.a.branch, applied_on=applied)
    two = sponsors(world)
    voters(world)
    for number, on, data in plan(applied, two, two[:1]):
        if number > up_to:
            break
        record(world, cand, number, on, data, today=on)
    cand.refresh_from_db()
    return cand, plan(applied, two, two[:1])


def _on(steps, number: int) -> dt.date:
    return next(on for n, on, _d in steps if n == number)


def test_the_higher_steps_are_those_of_the_higher_committee_and_the_department():
    assert services.HIGHER_STEPS == {13, 16, 17, 18, 24, 25}


@translation.override("en")  # the assertion reads the English message
def test_the_branch_cannot_record_the_higher_committees_step(world):
    from dangjian.access import services as access
    from dangjian.access.models import Role
    from dangjian.testing.factories import UserFactory

    cand, steps = _walk(world, up_to=12)
    on, data = _on(steps, 13), next(d for n, _o, d in steps if n == 13)
    committee = UserFactory(username="committee_a")
    access.assign_role(actor=None, user=committee, role=Role.COMMITTEE_MEMBER, organization=world.a.branch)
    # A department role anchored on the branch itself is not above it.
    own_department = UserFactory(username="branch_department")
    access.assign_role(actor=None, user=own_department, role=Role.ORG_DEPARTMENT, organization=world.a.branch)
    for user in (world.a.secretary, committee, own_department):
        with pytest.raises(services.StepRefused) as exc:
            services.record_step(actor=user, candidacy=cand, number=13, done_on=on, data=data, today=on)
        assert [r.rule for r in exc.value.refusals] == ["authority"]
        assert "higher party committee" in exc.value.messages[0]
    assert not Step.objects.filter(candidacy=cand, number=13).exists()
    # The park committee's secretary is above the branch; so is the county's department.
    park = UserFactory(username="park_secretary")
    access.assign_role(actor=None, user=park, role=Role.SECRETARY, organization=world.park)
    assert permissions.acts_above(park, world.a.branch.path) and permissions.acts_above(
        world.county_admin, world.a.branch.path
    )
    assert not permissions.acts_above(park, world.park.path) and not permissions.acts_above(
        world.a.secretary, world.a.branch.path
    )
    assert permissions.acts_above(None, world.a.branch.path)  # the system: demo, commands
    assert permissions.acts_above(UserFactory(username="root", is_superuser=True), world.a.branch.path)
    services.record_step(actor=park, candidacy=cand, number=13, done_on=on, data=data, today=on)
    assert Step.objects.filter(candidacy=cand, number=13).exists()


@translation.override("en")  # the assertion reads the English message
def test_the_departments_filing_is_refused_to_the_branch_in_its_own_words(world):
    cand, steps = _walk(world, up_to=17)
    with pytest.raises(services.StepRefused) as exc:
        services.record_step(
            actor=world.a.secretary, candidacy=cand, number=18, done_on=_on(steps, 18), today=_on(steps, 18)
        )
    assert exc.value.refusals[0].rule == "authority"
    assert "organisation department" in exc.value.messages[0]


def test_a_detail_no_rule_reads_is_refused(world):
    cand, steps = _walk(world, up_to=1)
    with pytest.raises(ValidationError) as exc:
        services.record_step(
            actor=world.a.secretary, candidacy=cand, number=2, done_on=_on(steps, 2), data={"days": 3}, today=TODAY
        )
    assert "data" in exc.value.message_dict
    assert not Step.objects.filter(candidacy=cand, number=2).exists()


# --- races and records changed meanwhile -------------------------------------------------------


def test_withdraw_rereads_the_candidacy(world):
    cand = services.apply(
        actor=world.a.secretary, person=world.a.worker, organization=world.a.branch, applied_on=dt.date(2024, 1, 10)
    )
    stale = type(cand).objects.get(pk=cand.pk)  # read before the first withdrawal
    services.withdraw(actor=world.a.secretary, candidacy=cand, on=dt.date(2024, 2, 1), reason="调离")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.withdraw(actor=world.a.secretary, candidacy=stale, on=dt.date(2024, 3, 1), reason="again")
    cand.refresh_from_db()
    assert cand.closed_on == dt.date(2024, 2, 1) and AuditEvent.objects.count() == events


@translation.override("en")  # the assertion reads the English message
def test_two_applications_at_the_same_moment_answer_a_validation_error(world, monkeypatch):
    """The other application is saved between this one's check and its save: the unique
    constraint catches it, and the caller is told, not crashed on."""
    from dangjian.development.models import Candidacy

    check = services.rules.check

    def meanwhile(*args, **kwargs):
        Candidacy.objects.create(
            person=world.a.worker, organization=world.a.branch, applied_on=dt.date(2024, 1, 9), stage=Stage.APPLICANT
        )
        return check(*args, **kwargs)

    monkeypatch.setattr(services.rules, "check", meanwhile)
    with pytest.raises(ValidationError) as exc:
        services.apply(
            actor=world.a.secretary, person=world.a.worker, organization=world.a.branch, applied_on=dt.date(2024, 1, 10)
        )
    assert type(exc.value) is ValidationError and "already has an application" in exc.value.messages[0]


@pytest.mark.parametrize("transferred", [False, True])
def test_the_conversion_is_refused_when_the_membership_ended_meanwhile(world, transferred):
    from dangjian.people.models import Membership

    cand, steps = _walk(world, up_to=23)
    on = _on(steps, 24)
    membership = cand.person.memberships.get()
    reason = Membership.EndReason.TRANSFERRED if transferred else Membership.EndReason.WITHDRAWN
    people.update_membership(actor=None, membership=membership, ended_on=on - dt.timedelta(days=5), end_reason=reason)
    if transferred:
        people.add_membership(
            actor=None, person=cand.person, organization=world.b.branch, admitted_on=membership.admitted_on
        )
    with pytest.raises(services.StepRefused) as exc:
        services.record_step(
            actor=world.county_admin, candidacy=cand, number=24, done_on=on, data={"decision": "on_time"}, today=on
        )
    assert exc.value.refusals[0].rule == "membership"
    assert (world.b.branch.name in exc.value.messages[0]) is transferred
    assert not Step.objects.filter(candidacy=cand, number=24).exists()
    cand.refresh_from_db()
    assert cand.outcome == "" and not cand.person.memberships.filter(converted_on__isnull=False).exists()


def _to_conversion_vote(world, applicant):
    """Walk `applicant` through to the conversion vote (step 23), higher steps by the county."""
    applied = dt.date(2021, 3, 1)
    two = sponsors(world)
    voters(world)
    today = dt.date(2024, 12, 31)
    cand = services.apply(
        actor=world.a.secretary, person=applicant, organization=world.a.branch, applied_on=applied, today=today
    )
    for number, on, data in plan(applied, two, two[:1]):
        if number == 24:
            return cand, on, today
        record(world, cand, number, on, data, today)
    raise AssertionError("the plan has a step 24")


def test_an_extension_then_a_cancellation_end_the_membership(world):
    applicant = PersonFactory(name="预备期延长", employer=world.a.enterprise, birth_date=dt.date(1998, 5, 5))
    cand, decided_on, today = _to_conversion_vote(world, applicant)
    cand.refresh_from_db()
    first_end = cand.probation_ends_on
    services.record_step(
        actor=world.county_admin,
        candidacy=cand,
        number=24,
        done_on=decided_on,
        data={"decision": "extend", "months": 6},
        today=today,
    )
    cand.refresh_from_db()
    applicant.refresh_from_db()
    from dangjian.development import rules

    assert cand.probation_ends_on == rules.add_months(first_end, 6) and cand.stage == Stage.ADMITTED
    assert applicant.political_status == "probationary"
    end = cand.probation_ends_on
    later = end + dt.timedelta(days=20)
    services.record_step(
        actor=world.a.secretary, candidacy=cand, number=22, done_on=end - dt.timedelta(days=5), today=later
    )
    vote = {"entitled": 9, "present": 7, "yes": 6}
    services.record_step(actor=world.a.secretary, candidacy=cand, number=23, done_on=end, data=vote, today=later)
    with pytest.raises(services.StepRefused) as refused:  # probation is extended once only
        services.record_step(
            actor=world.county_admin,
            candidacy=cand,
            number=24,
            done_on=later,
            data={"decision": "extend", "months": 6},
            today=later,
        )
    assert [r.rule for r in refused.value.refusals] == ["extension"]
    services.record_step(
        actor=world.county_admin, candidacy=cand, number=24, done_on=later, data={"decision": "cancel"}, today=later
    )
    cand.refresh_from_db()
    applicant.refresh_from_db()
    assert cand.stage == Stage.CLOSED and cand.outcome == "cancelled"
    membership = applicant.memberships.get()
    assert membership.ended_on == later and membership.end_reason == "cancelled"
    assert applicant.political_status == "masses"
