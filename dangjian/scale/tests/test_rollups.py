"""The committees' roll-up at scale: its floor counts the same figures (a floor answering
something else would make its ratio meaningless), in the same number of queries at the county and
the prefecture, and the benchmark group runs."""

from __future__ import annotations

import pytest

from dangjian.organizations.models import Organization, OrgKind
from dangjian.scale import bench, dataset, rollups
from dangjian.testing.scale import TWO_COUNTIES


@pytest.fixture
def generated(db):
    return dataset.generate(TWO_COUNTIES, 11)


def test_the_floor_counts_the_rollups_figures(generated):
    committees = Organization.objects.filter(kind__in=[OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE])
    assert committees.count() == 3
    for org in committees:
        agree = rollups.agreement(org)
        assert all(ours == floor for ours, floor in agree.values()), (org.name, agree)
        assert agree["enterprises"][0] >= agree["covered"][0] > 0 and agree["members"][0] > 0


def test_the_rollups_group_runs_in_the_same_queries_at_every_size(generated):
    world = bench.find_world_of(TWO_COUNTIES)
    figures = {f.scenario: f for f in rollups.run_on(world, bench.SHORT, http=False)}
    assert set(figures) == {"sql.rollup.county", "rollup.county", "sql.rollup.prefecture", "rollup.prefecture"}
    prefecture = figures["rollup.prefecture"]
    assert prefecture.floor == "sql.rollup.prefecture" and prefecture.ratio is not None
    assert "agrees with the floor" in prefecture.note
    # One more at the prefecture (production groups its counties), the same whatever the size.
    assert prefecture.detail["queries"] <= figures["rollup.county"].detail["queries"] + 1
