"""The development services: steps recorded through the rules, and the records that follow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.audit.models import AuditEvent
from dangjian.development import services
from dangjian.development.models import Stage, Step
from dangjian.people import services as people
from dangjian.testing.factories import PersonFactory

from .walk import plan

pytestmark = pytest.mark.django_db


def _sponsors(world):
    second = PersonFactory(name="A党员二", employer=world.a.enterprise)
    people.add_membership(
        actor=None,
        person=second,
        organization=world.a.branch,
        admitted_on=dt.date(2012, 7, 1),
        converted_on=dt.date(2013, 7, 1),
    )
    return [world.a.member.pk, second.pk]


def test_a_candidate_walks_all_steps_to_full_membership(world):
    applicant = PersonFactory(name="阿比巴汗", employer=world.a.enterprise, birth_date=dt.date(1998, 5, 5))
    applied = dt.date(2021, 3, 1)
    sponsors = _sponsors(world)
    today = dt.date(2024, 12, 31)
    cand = services.apply(
        actor=world.a.secretary, person=applicant, organization=world.a.branch, applied_on=applied, today=today
    )
    applicant.refresh_from_db()
    assert applicant.political_status == "applicant"
    for number, on, data in plan(applied, sponsors, sponsors[:1]):
        conclusion = "政治可靠" if number == 10 else ""
        services.record_step(
            actor=world.a.secretary,
            candidacy=cand,
            number=number,
            done_on=on,
            data=data,
            conclusion=conclusion,
            today=today,
        )
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
    with pytest.raises(ValidationError) as exc:
        services.apply(
            actor=world.a.secretary,
            person=young,
            organization=world.a.branch,
            applied_on=dt.date(2026, 5, 31),
            today=dt.date(2026, 6, 1),
        )
    assert "2026-06-01" in exc.value.messages[0]
    services.apply(
        actor=world.a.secretary,
        person=young,
        organization=world.a.branch,
        applied_on=dt.date(2026, 6, 1),
        today=dt.date(2026, 6, 1),
    )
    with pytest.raises(ValidationError):
        services.apply(
            actor=world.a.secretary,
            person=young,
            organization=world.a.branch,
            applied_on=dt.date(2026, 6, 1),
            today=dt.date(2026, 6, 1),
        )
    with pytest.raises(ValidationError):
        services.apply(
            actor=world.a.secretary,
            person=world.a.member,
            organization=world.a.branch,
            applied_on=dt.date(2026, 6, 1),
            today=dt.date(2026, 6, 1),
        )


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
