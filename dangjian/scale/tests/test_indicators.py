"""The indicators benchmark group: its floor computes the chart's figures (a floor answering
something else would make its ratio meaningless), and the group runs on a generated dataset."""

from __future__ import annotations

import pytest

from dangjian.indicators import selectors
from dangjian.indicators.models import PASS_RATE, Value
from dangjian.scale import bench, dataset, indicators
from dangjian.testing.scale import TWO_COUNTIES


@pytest.fixture
def generated(db):
    return dataset.generate(TWO_COUNTIES, 12)


def test_the_chart_floor_computes_the_charts_figures(generated):
    world = bench.find_world_of(TWO_COUNTIES)
    found = indicators.largest_enterprise(world.widest)
    assert found is not None
    enterprise, team = found
    pass_rate = selectors.defaults().get(code=PASS_RATE)
    floor = indicators.chart_sql(enterprise.pk, pass_rate, team.pk)
    ours = selectors.series([enterprise.pk], pass_rate, may_see_few=True)
    theirs = indicators.floor_series(pass_rate, floor["months"])
    assert [p.month for p in ours] == [month for month, _v in theirs]
    assert [p.value for p in ours] == pytest.approx([v for _m, v in theirs], rel=1e-9)
    assert indicators.agree(ours, theirs)
    assert len(ours) == 24
    rows = selectors.team_series(team, list(selectors.defaults()), may_see_few=True)
    assert sum(len(points) for points in rows.values()) == len(floor["team"]) == 24 * 6
    assert (
        indicators.panel_sql([enterprise.pk], pass_rate)
        == Value.objects.filter(enterprise=enterprise, indicator=pass_rate).count()
    )


def test_the_indicators_group_runs(generated):
    world = bench.find_world_of(TWO_COUNTIES)
    figures = {f.scenario: f for f in indicators.run_on(world, bench.SHORT)}
    assert set(figures) == {
        "sql.indicators.chart",
        "indicators.chart",
        "sql.indicators.panel.county",
        "indicators.effect.county",
        "indicators.effect.county.kept",
        "sql.indicators.panel.prefecture",
        "indicators.effect.prefecture",
        "indicators.effect.prefecture.kept",
    }
    chart = figures["indicators.chart"]
    assert chart.floor == "sql.indicators.chart" and chart.ratio is not None and "agrees with the floor" in chart.note
    effect = figures["indicators.effect.prefecture"]
    assert effect.detail is not None and effect.detail["team_months"] > 0 and effect.detail["status"] == "ok"
    assert effect.detail["background"] is False  # a small dataset: answered at once
    assert figures["indicators.effect.prefecture.kept"].runs >= bench.SHORT.min_runs
