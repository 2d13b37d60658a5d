"""The onboarding benchmark group runs on a generated dataset, and its floor counts what the
set-up page's steps count (else the comparison would flatter or wrong the page)."""

from __future__ import annotations

import pytest

from dangjian.onboarding import selectors
from dangjian.scale import bench, dataset
from dangjian.scale import onboarding as onboarding_bench
from dangjian.testing.scale import TWO_COUNTIES


@pytest.mark.django_db
def test_the_floor_counts_what_the_steps_count_and_the_group_runs():
    dataset.generate(TWO_COUNTIES, 12)
    world = bench.find_world_of(TWO_COUNTIES)
    for place in filter(None, (world.county, world.prefecture)):
        below, enterprises, people, holders, without_password = onboarding_bench.counts_sql(place.org)
        steps = {step.key: dict((str(what), n) for what, n in step.counts) for step in selectors.steps(place.org)}
        assert sum(steps["tree"].values()) == below > 0
        assert list(steps["enterprises"].values()) == [enterprises]
        assert list(steps["rosters"].values()) == [people]
        assert list(steps["roles"].values()) == [holders]
        assert list(steps["logins"].values()) == [without_password]
    s = bench.Settings(seconds=0.0, min_runs=1, max_runs=1)
    names = [f.scenario for f in onboarding_bench.run_on(world, s, http=False)]
    assert {"sql.onboarding.steps.county", "onboarding.steps.county", "onboarding.roster_rows.county"} <= set(names)
