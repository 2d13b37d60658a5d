"""An organisation's figures (its page, its dashboard panel) and the members by ethnicity are the
plain counts of its subtree's rows, for every organisation of a generated prefecture, and one
subtree's figures never count another's rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from dangjian.access.models import Role, RoleAssignment
from dangjian.choices import PARTY_MEMBER_STATUSES, PoliticalStatus
from dangjian.organizations import selectors
from dangjian.organizations.models import (
    NON_PUBLIC_OWNERSHIP,
    PARTY_UNIT_KINDS,
    Enterprise,
    Organization,
    OrgKind,
    Ownership,
    ProductionUnit,
    UnitKind,
)
from dangjian.people import services as people_services
from dangjian.people.models import Person
from dangjian.people.selectors import ethnicity_counts
from dangjian.scale import dataset
from dangjian.testing.factories import EnterpriseFactory, PersonFactory
from dangjian.testing.scale import TWO_COUNTIES


@pytest.fixture
def generated(db):
    """A prefecture of two counties (the benchmark generator's, small)."""
    dataset.generate(TWO_COUNTIES, 7)


def _plainly(org: Organization) -> tuple[dict, Counter]:
    """The figures counted row by row in Python, and the subtree's members by ethnicity."""
    sub = {o.pk: o.kind for o in Organization.objects.filter(path__startswith=org.path)}
    people = [
        p for p in Person.objects.values("political_status", "party_org_id", "ethnicity") if p["party_org_id"] in sub
    ]
    status = Counter(p["political_status"] for p in people)
    figures = {
        "members": status[PoliticalStatus.FULL] + status[PoliticalStatus.PROBATIONARY],
        "full_members": status[PoliticalStatus.FULL],
        "probationary_members": status[PoliticalStatus.PROBATIONARY],
        "applicants": sum(status[s] for s in selectors.APPLICANT_STATUSES),
        "applying": {str(s): status[s] for s in selectors.APPLICANT_STATUSES},
    }
    if org.is_committee:
        ents = [e for e in Enterprise.objects.all() if e.supervising_org_id in sub]

        def count(owners=None, covered=None) -> int:
            return sum(
                1
                for e in ents
                if (owners is None or e.ownership in owners)
                and (covered is None or (e.party_org_id is not None) == covered)
            )

        ent_ids = {e.pk for e in ents}
        figures.update(
            enterprises=count(),
            covered=count(covered=True),
            state=count({Ownership.STATE}),
            state_covered=count({Ownership.STATE}, True),
            non_public=count(NON_PUBLIC_OWNERSHIP),
            non_public_covered=count(NON_PUBLIC_OWNERSHIP, True),
            branches=sum(1 for kind in sub.values() if kind in selectors.BRANCH_KINDS),
            party_units=sum(1 for kind in sub.values() if kind in PARTY_UNIT_KINDS),
            instructors=len(
                {r.user_id for r in RoleAssignment.objects.filter(role=Role.INSTRUCTOR) if r.enterprise_id in ent_ids}
            ),
        )
    else:
        covered = {e.pk for e in Enterprise.objects.all() if e.party_org_id in sub}
        figures.update(
            employees=sum(1 for p in Person.objects.values("employer_id") if p["employer_id"] in covered),
            teams=sum(
                1 for u in ProductionUnit.objects.all() if u.enterprise_id in covered and u.kind == UnitKind.TEAM
            ),
        )
    ethnicity = Counter(p["ethnicity"] for p in people if p["political_status"] in PARTY_MEMBER_STATUSES)
    return figures, ethnicity


def test_every_organisations_figures_are_its_rows_counted(generated):
    orgs = list(Organization.objects.exclude(kind=OrgKind.PARTY_GROUP))
    assert {o.kind for o in orgs} >= {OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE, OrgKind.BRANCH}
    for org in orgs:
        figures, ethnicity = _plainly(org)
        assert selectors.org_figures(org) == figures, org.name
        statuses = selectors.subtree_statuses(org)
        assert selectors.org_figures(org, statuses) == figures
        by_status = Counter({s: n for s, n in selectors.status_counts(org)})
        assert sum(by_status.values()) == sum(statuses.values())
        assert by_status[PoliticalStatus.FULL] == figures["full_members"]
        assert ethnicity_counts(org) == dict(ethnicity)
        assert list(ethnicity_counts(org).values()) == sorted(ethnicity.values(), reverse=True)
    county = next(o for o in orgs if o.kind == OrgKind.COUNTY_COMMITTEE)
    assert selectors.org_figures(county)["members"] > 0 and selectors.org_figures(county)["instructors"] > 0


def test_a_countys_figures_leave_out_the_other_county(generated):
    prefecture = Organization.objects.get(kind=OrgKind.PREFECTURE_COMMITTEE)
    counties = list(Organization.objects.filter(kind=OrgKind.COUNTY_COMMITTEE))
    assert len(counties) == 2
    whole = selectors.org_figures(prefecture)
    parts = [selectors.org_figures(c) for c in counties]
    for key in ("members", "applicants", "enterprises", "covered", "branches", "instructors"):
        assert 0 < parts[0][key] < whole[key] or whole[key] == parts[0][key] == 0, key
        assert parts[0][key] + parts[1][key] == whole[key], key
    ethnic = [Counter(ethnicity_counts(c)) for c in counties]
    assert ethnic[0] + ethnic[1] == Counter(ethnicity_counts(prefecture))


def test_figures_counted_again_see_new_rows(world):
    """The statements are built once (dangjian.prepared) but run each time: a new member, employee
    and enterprise count at once, in the park and not in the other county."""
    before = selectors.org_figures(world.park)
    other = selectors.org_figures(world.outsider_county)
    ethnic = ethnicity_counts(world.park)
    people_services.add_membership(
        actor=None,
        person=PersonFactory(name="新党员", ethnicity="05", employer=world.a.enterprise),
        organization=world.a.branch,
        admitted_on=dt.date(2020, 7, 1),
        converted_on=dt.date(2021, 7, 1),
    )
    EnterpriseFactory(supervising_org=world.park)
    after = selectors.org_figures(world.park)
    assert after["full_members"] == before["full_members"] + 1
    assert after["enterprises"] == before["enterprises"] + 1
    assert ethnicity_counts(world.park) == {**ethnic, "05": ethnic.get("05", 0) + 1}
    assert selectors.org_figures(world.outsider_county) == other
