"""Political status (政治面貌) is derived from the records, never typed in (DOMAIN.md §1)."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.choices import PoliticalStatus
from dangjian.development.models import Candidacy, Stage
from dangjian.people import services
from dangjian.testing.factories import PersonFactory


@pytest.fixture
def person(world):
    return PersonFactory(name="阿比巴罕·麦提萨力", employer=world.a.enterprise, birth_date=dt.date(1996, 4, 12))


def _status(person):
    person.refresh_from_db()
    return person.political_status


def _candidacy(person, org, stage):
    Candidacy.objects.create(person=person, organization=org, applied_on=dt.date(2024, 5, 10), stage=stage)
    services.refresh_derived(person)


def test_no_records_means_the_masses(person):
    assert _status(person) == PoliticalStatus.MASSES
    assert person.party_org is None


def test_league_member_without_records_is_league(world):
    p = PersonFactory(employer=world.a.enterprise, is_league_member=True)
    assert _status(p) == PoliticalStatus.LEAGUE


@pytest.mark.parametrize("stage", [Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET])
def test_open_candidacy_gives_its_stage(person, world, stage):
    _candidacy(person, world.a.branch, stage)
    assert _status(person) == PoliticalStatus(stage.value)
    assert person.party_org == world.a.branch


def test_closed_candidacy_does_not_count(person, world):
    _candidacy(person, world.a.branch, Stage.CLOSED)
    assert _status(person) == PoliticalStatus.MASSES


def test_admitted_not_converted_is_probationary(person, world):
    services.add_membership(
        actor=world.a.secretary, person=person, organization=world.a.branch, admitted_on=dt.date(2025, 6, 1)
    )
    assert _status(person) == PoliticalStatus.PROBATIONARY
    assert person.party_org == world.a.branch
    assert person.is_party_member


def test_membership_wins_over_an_open_candidacy(person, world):
    _candidacy(person, world.a.branch, Stage.TARGET)
    services.add_membership(
        actor=world.a.secretary, person=person, organization=world.a.branch, admitted_on=dt.date(2025, 6, 1)
    )
    assert _status(person) == PoliticalStatus.PROBATIONARY


def test_converted_is_full(person, world):
    m = services.add_membership(
        actor=world.a.secretary, person=person, organization=world.a.branch, admitted_on=dt.date(2023, 6, 1)
    )
    assert _status(person) == PoliticalStatus.PROBATIONARY
    services.update_membership(actor=world.a.secretary, membership=m, converted_on=dt.date(2024, 6, 1))
    assert _status(person) == PoliticalStatus.FULL


def test_ended_membership_goes_back_to_the_masses(person, world):
    m = services.add_membership(
        actor=world.a.secretary,
        person=person,
        organization=world.a.branch,
        admitted_on=dt.date(2022, 6, 1),
        converted_on=dt.date(2023, 6, 1),
    )
    services.update_membership(
        actor=world.a.secretary, membership=m, ended_on=dt.date(2024, 1, 5), end_reason="withdrawn"
    )
    assert _status(person) == PoliticalStatus.MASSES
    assert person.party_org is None


def test_ended_membership_of_a_league_member_goes_back_to_league(world):
    p = PersonFactory(employer=world.a.enterprise, is_league_member=True, birth_date=dt.date(2000, 2, 2))
    services.add_membership(
        actor=world.a.secretary,
        person=p,
        organization=world.a.branch,
        admitted_on=dt.date(2022, 6, 1),
        ended_on=dt.date(2023, 1, 1),
        end_reason="cancelled",
    )
    assert _status(p) == PoliticalStatus.LEAGUE


def test_transfer_keeps_full_membership_in_the_new_branch(world):
    member = world.a.member
    old = member.memberships.get(ended_on__isnull=True)
    today = timezone.localdate()
    services.update_membership(actor=world.a.secretary, membership=old, ended_on=today, end_reason="transferred")
    services.add_membership(
        actor=world.b.secretary,
        person=member,
        organization=world.b.branch,
        admitted_on=old.admitted_on,
        converted_on=old.converted_on,
        joined_org_on=today,
    )
    assert _status(member) == PoliticalStatus.FULL
    assert member.party_org == world.b.branch


def test_joining_or_leaving_the_league_updates_the_status(person, world):
    services.update_person(actor=world.a.secretary, person=person, is_league_member=True)
    assert _status(person) == PoliticalStatus.LEAGUE
    services.update_person(actor=world.a.secretary, person=person, is_league_member=False)
    assert _status(person) == PoliticalStatus.MASSES


def test_conversion_and_end_dates_cannot_lie_in_the_future(world):
    import datetime as dt

    import pytest
    from django.core.exceptions import ValidationError

    from dangjian.people import services
    from dangjian.testing.factories import PersonFactory

    p = PersonFactory(name="预备")
    today = dt.date.today()
    with pytest.raises(ValidationError) as exc:
        services.add_membership(
            actor=None,
            person=p,
            organization=world.a.branch,
            admitted_on=today - dt.timedelta(days=360),
            converted_on=today + dt.timedelta(days=5),
        )
    assert "converted_on" in exc.value.message_dict
    m = world.a.member.memberships.get()
    with pytest.raises(ValidationError) as exc:
        services.update_membership(
            actor=None, membership=m, ended_on=today + dt.timedelta(days=3), end_reason="transferred"
        )
    assert "ended_on" in exc.value.message_dict
