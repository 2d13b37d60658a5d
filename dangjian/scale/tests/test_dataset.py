"""The dataset generator: the same seed gives the same data, the proportions are the ones the
benchmarks rely on, the records agree with what the services would derive, and the generated
role holders see what their role reaches."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count

from dangjian.access.models import Role, RoleAssignment, User
from dangjian.access.scopes import scope
from dangjian.appraisal.models import Participant as AppraisalLine
from dangjian.audit.models import AuditEvent
from dangjian.ballots.models import Mark, Voter
from dangjian.choices import PARTY_MEMBER_STATUSES
from dangjian.development.models import Candidacy
from dangjian.guidance.models import FollowUp, Visit
from dangjian.indicators import effects, simulate
from dangjian.indicators.analysis import OK
from dangjian.indicators.models import PASS_RATE, Indicator, Value
from dangjian.organizations.models import Enterprise, Organization, OrgKind, ProductionUnit, UnitKind
from dangjian.people import services
from dangjian.people.models import Membership, Person
from dangjian.people.validators import parse_id_number
from dangjian.scale import dataset
from dangjian.selections.models import Nomination
from dangjian.testing.scale import TWO_COUNTIES


def fingerprint() -> list:
    """What a user would see of the data, without database ids."""
    return [
        sorted(Organization.objects.values_list("name", "kind", "depth", "parent__name")),
        sorted(Enterprise.objects.values_list("name", "uscc", "ownership", "supervising_org__name", "party_org__name")),
        sorted(ProductionUnit.objects.values_list("enterprise__uscc", "kind", "name", "parent__name")),
        sorted(
            (p.name, p.birth_date, p.id_number, p.phone, p.political_status, p.employer.uscc, p.team and p.team.name)
            for p in Person.objects.select_related("employer", "team")
        ),
        sorted(Membership.objects.values_list("person__name", "organization__name", "admitted_on", "converted_on")),
        sorted(RoleAssignment.objects.values_list("user__username", "role")),
        sorted(RoleAssignment.objects.filter(role=Role.INSTRUCTOR).values_list("user__username", "started_on")),
        sorted(Visit.objects.values_list("instructor__username", "enterprise__uscc", "visited_on", "minutes", "met")),
        sorted(
            FollowUp.objects.values_list(
                "visit__instructor__username", "visit__visited_on", "problem", "owner__username", "due_on", "closed_on"
            )
        ),
        sorted(
            Nomination.objects.values_list(
                "round__enterprise__uscc", "round__phase", "category__name", "nominee__name", "kind", "reason"
            )
        ),
        sorted(Mark.objects.values_list("ballot_id", "question__label", "option__label")),
        sorted(
            Voter.objects.filter(poll__round__isnull=False).values_list(
                "poll__round__enterprise__uscc", "person__name", "voted"
            )
        ),
        # Last year's appraisals: each branch's roll with its grades (their ballots are in the marks).
        sorted(
            AppraisalLine.objects.values_list("round__organization__name", "person__name", "part", "grade", "follow_up")
        ),
        sorted(Value.objects.values_list("enterprise__uscc", "team__name", "indicator__code", "month", "value")),
    ]


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    runs = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            dataset.generate(TWO_COUNTIES, seed)
            runs.append(fingerprint())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0][3] != runs[2][3]
    assert runs[0][-3] and runs[0][-3] != runs[2][-3]  # the ballots too
    assert runs[0][-1] and runs[0][-1] != runs[2][-1]  # and the indicators' figures
    assert len(runs[0][3]) == 1_600


@pytest.mark.django_db
def test_proportions_follow_the_scale():
    result = dataset.generate(TWO_COUNTIES, 3)
    c = result.counts
    assert (c.enterprises, c.persons) == (16, 1_600)
    assert Organization.objects.filter(kind=OrgKind.PREFECTURE_COMMITTEE).count() == 1
    assert Organization.objects.filter(kind=OrgKind.COUNTY_COMMITTEE).count() == 2
    members = Person.objects.filter(political_status__in=PARTY_MEMBER_STATUSES).count()
    assert 0.02 * c.persons <= members <= 0.10 * c.persons  # about 5%
    sizes = sorted(Enterprise.objects.annotate(n=Count("employees")).values_list("n", flat=True))
    assert sizes[-1] >= 3 * sizes[len(sizes) // 2]  # long-tailed: the largest firm dwarfs the median
    teams = list(ProductionUnit.objects.filter(kind=UnitKind.TEAM).annotate(n=Count("members")))
    assert all(t.n <= 40 for t in teams)
    # Teams are drawn with 10–40 people; about 3% of people then have no team.
    assert sum(t.n >= 8 for t in teams) >= 0.9 * len(teams)
    ethnic = Counter(Person.objects.values_list("ethnicity", flat=True))
    assert len(ethnic) == 5 and max(ethnic.values()) < 0.8 * c.persons  # a mix, not one group
    # ID numbers are valid and agree with the birth date and sex.
    for p in Person.objects.all()[:200]:
        parsed = parse_id_number(p.id_number)
        assert (parsed.birth_date, parsed.gender) == (p.birth_date, p.gender)


@pytest.mark.django_db
def test_records_agree_with_what_the_services_derive():
    dataset.generate(TWO_COUNTIES, 5)
    people = list(Person.objects.all())
    before = [(p.political_status, p.party_org_id) for p in people]
    for p in people:
        services.refresh_derived(p)
    assert [(p.political_status, p.party_org_id) for p in people] == before
    # A member's open record is at their employer's party organisation; an ended one is the record
    # at the branch they were transferred from (a generated transfer), wherever that was.
    for m in Membership.objects.select_related("person__employer", "organization"):
        if m.ended_on is not None:
            assert m.end_reason == "transferred"
            continue
        covering = m.person.employer.party_org
        assert covering is not None and m.organization.path.startswith(covering.path)
    for cand in Candidacy.objects.prefetch_related("steps"):
        numbers = {s.number for s in cand.steps.all()}
        assert {1, 2} <= numbers
        assert (3 in numbers) == (cand.stage in {"activist", "target"})
        assert (7 in numbers) == (cand.stage == "target")


@pytest.mark.django_db
def test_role_holders_reach_their_part_and_not_beyond():
    result = dataset.generate(TWO_COUNTIES, 2, password="Bench-pass-2026")
    county_a, county_b = Organization.objects.filter(kind=OrgKind.COUNTY_COMMITTEE).order_by("code")
    dept_a = User.objects.get(username=f"{county_a.code}-org")
    seen = set(scope(dept_a, Person.objects.all()).values_list("pk", flat=True))
    in_a = set(
        Person.objects.filter(employer__supervising_org__path__startswith=county_a.path).values_list("pk", flat=True)
    )
    assert seen == in_a and 0 < len(seen) < 1_600
    prefecture_user = User.objects.get(username=result.logins["prefecture_org_department"])
    assert scope(prefecture_user, Person.objects.all()).count() == 1_600
    secretary = User.objects.get(username=result.logins["secretary"])
    assert secretary.check_password("Bench-pass-2026")
    branch = RoleAssignment.objects.filter(user=secretary, role=Role.SECRETARY).first().organization
    visible = scope(secretary, Person.objects.all())
    assert visible.exists()
    assert not visible.exclude(party_org__path__startswith=branch.path).exclude(employer__party_org=branch).exists()
    instructors = RoleAssignment.objects.filter(role=Role.INSTRUCTOR).values("enterprise").distinct().count()
    assert instructors == 16  # one per enterprise, as the county in the article did


@pytest.mark.django_db
def test_the_command_refuses_to_generate_twice_and_audits_the_run():
    out = io.StringIO()
    call_command("generate_dataset", "--scale", "tiny", "--seed", "4", stdout=out)
    assert "1,200 persons" in out.getvalue() and "county_org_department: 652926-org" in out.getvalue()
    event = AuditEvent.objects.get(object_type="dataset")
    assert event.source == "command" and event.changes["counts"]["persons"] == 1_200
    with pytest.raises(CommandError, match="already holds the tiny dataset"):
        call_command("generate_dataset", "--scale", "tiny", stdout=io.StringIO())
    assert Person.objects.count() == 1_200  # nothing half-written
    again = io.StringIO()
    call_command("generate_dataset", "--scale", "tiny", "--if-missing", stdout=again)
    assert "already in this database" in again.getvalue() and Person.objects.count() == 1_200


@pytest.mark.django_db
def test_another_scale_whose_committees_are_already_there_is_refused_before_writing():
    dataset.generate("tiny", 1)
    persons = Person.objects.count()
    # The prefecture plan's nine counties include the tiny county's code (652926).
    with pytest.raises(dataset.AlreadyGenerated, match="no finished prefecture dataset"):
        dataset.generate("prefecture", 1)
    assert Person.objects.count() == persons
    assert not Organization.objects.filter(code="652900").exists()


@pytest.mark.django_db
def test_every_team_has_two_years_of_plausible_monthly_figures_and_the_comparison_runs_on_them():
    result = dataset.generate(TWO_COUNTIES, 6)
    teams = ProductionUnit.objects.filter(kind=UnitKind.TEAM)
    assert result.counts.indicator_values == Value.objects.count() == teams.count() * 24 * 6 > 0
    months = sorted(Value.objects.values_list("month", flat=True).distinct())
    assert len(months) == 24 and months[0] == dt.date(2024, 1, 1) and months[-1] == dt.date(2025, 12, 1)
    per_team = Value.objects.values("team", "enterprise").annotate(n=Count("pk"))
    assert {row["n"] for row in per_team} == {24 * 6} and len(per_team) == teams.count()
    assert all(t.enterprise_id == row["enterprise"] for row in per_team for t in teams if t.pk == row["team"])
    defaults = Indicator.objects.filter(enterprise__isnull=True)
    assert set(defaults.values_list("code", flat=True)) == set(simulate.CODES)
    for indicator in defaults:  # as record_values would store them: none needs a confirmation
        stored = Value.objects.filter(indicator=indicator)
        assert not stored.filter(value__lt=indicator.plausible_min).exists(), indicator.code
        assert not stored.filter(value__gt=indicator.plausible_max).exists(), indicator.code
    # Coverage comes from the generated charges: covered teams beside teams not yet covered.
    pass_rate = defaults.get(code=PASS_RATE)
    effect = effects.compute(list(Enterprise.objects.values_list("pk", flat=True)), pass_rate)
    assert effect.status == OK and effect.covered_teams and effect.comparison_teams
    assert effect.estimate is not None and effect.estimate > 0
