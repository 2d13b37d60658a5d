"""Production rows of the generated dataset follow the services' rules, the roll-up's floor computes
the roll-up's figures (a floor answering something else would make its ratio meaningless), and the
production benchmark group runs."""

from __future__ import annotations

import pytest
from django.db.models import Count

from dangjian.choices import PARTY_MEMBER_STATUSES, PoliticalStatus
from dangjian.organizations.models import Organization, OrgKind, ProductionUnit, UnitKind
from dangjian.production import selectors
from dangjian.production.models import Pairing, Partner, Post, PostStatus, Result, TeamCharge, Trainee
from dangjian.scale import bench, dataset, production
from dangjian.testing.scale import TWO_COUNTIES


@pytest.fixture
def generated(db):
    return dataset.generate(TWO_COUNTIES, 11)


def test_generated_production_rows_follow_the_rules(generated):
    c = generated.counts
    assert c.charges and c.pairings and c.posts and c.courses and c.trainees
    assert TeamCharge.objects.count() == c.charges and Trainee.objects.count() == c.trainees
    # An open charge's member is a member of the keeping organisation employed by the enterprise.
    open_charges = TeamCharge.objects.filter(ended_on__isnull=True).select_related(
        "member__party_org", "organization", "team"
    )
    for charge in open_charges:
        assert charge.member.political_status in PARTY_MEMBER_STATUSES
        assert charge.member.party_org is not None
        assert charge.member.party_org.path.startswith(charge.organization.path)
        assert charge.member.employer_id == charge.enterprise_id == charge.team.enterprise_id
        assert selectors.covers_enterprise(charge.organization, charge.enterprise_id)
    assert not selectors.lapsed_charges().exists()
    # About 90% of the teams of enterprises with members are covered.
    kept = TeamCharge.objects.values("enterprise_id").distinct()
    teams = ProductionUnit.objects.filter(kind=UnitKind.TEAM, enterprise_id__in=kept).count()
    covered = open_charges.values("team_id").distinct().count()
    assert 0.75 * teams <= covered <= teams
    # Pairings: a full member with 1–5 employees of the same enterprise, who are not members.
    sizes = Pairing.objects.annotate(n=Count("partners")).values_list("n", flat=True)
    assert min(sizes) >= 1 and max(sizes) <= 5
    for partner in Partner.objects.select_related("person", "pairing__member")[:300]:
        assert partner.pairing.member.political_status == PoliticalStatus.FULL
        assert partner.person.employer_id == partner.pairing.enterprise_id
        assert partner.person.political_status not in PARTY_MEMBER_STATUSES
    # Posts: held by full members, mostly recognised by their county.
    posts = Post.objects.select_related("holder", "recognised_by")
    assert all(p.holder.political_status == PoliticalStatus.FULL for p in posts)
    recognised = [p for p in posts if p.status == PostStatus.RECOGNISED]
    assert len(recognised) >= 0.6 * len(posts)
    assert all(p.recognised_by is not None and p.recognised_by.kind == OrgKind.COUNTY_COMMITTEE for p in recognised)
    assert Post.objects.values("public_key").distinct().count() == len(posts)
    certified = Trainee.objects.filter(result=Result.CERTIFIED)
    assert certified.exists() and not certified.filter(certificate_no="").exists()


def test_the_rollup_floor_computes_the_rollups_figures(generated):
    committees = Organization.objects.filter(kind__in=[OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE])
    assert committees.count() == 3
    for org in committees:
        floor = production.nonzero(production.with_total(production.rollup_sql(org)))
        ours = production.nonzero(production.rollup_figures(org))
        assert floor == ours, org.name
        assert ours["total"][0] > ours["total"][1] > 0  # teams, most of them covered
        if org.kind == OrgKind.PREFECTURE_COMMITTEE:
            assert all(ours["total"][2:])  # pairings, posts, recognised, trained this year


def test_the_production_group_runs(generated):
    world = bench.find_world_of(TWO_COUNTIES)
    figures = {f.scenario: f for f in production.run_on(world, bench.SHORT, http=False)}
    assert set(figures) == {
        "sql.production.rollup.county",
        "production.rollup.county",
        "sql.production.rollup.prefecture",
        "production.rollup.prefecture",
        "production.branch_view",
    }
    rollup = figures["production.rollup.prefecture"]
    assert rollup.floor == "sql.production.rollup.prefecture" and rollup.ratio is not None and rollup.ratio > 0
    assert "recognised" in rollup.note
    detail = figures["production.branch_view"].detail
    assert detail is not None and detail["queries"] > 0
