"""The effect analysis on generated data whose truth is known (simulate.py, the recipe the demo and
the generator use): an injected effect is found, no effect is found about as often as 95% says,
a pre-trend is flagged, and with nobody to compare with there is no number at all.

The rates are checked over fixed seeds with bounds a correct method passes with high probability
(binomial tails in each test's note); each estimate takes about 0.15 s."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.indicators import analysis, simulate
from dangjian.indicators.simulate import EFFECTS

TRUE_PASS_RATE_EFFECT = EFFECTS["pass_rate"]  # points, at effect=1


def _covers(effect: analysis.Effect, value: float) -> bool:
    assert effect.low is not None and effect.high is not None
    return effect.low <= value <= effect.high


def test_an_injected_effect_lies_in_the_interval():
    # P(≤ 33 of 40 covered | a true 95% rate) ≈ 0.014.
    runs = [analysis.estimate(*simulate.panel(40, 24, effect=1.0, seed=seed)) for seed in range(40)]
    assert all(r.status == analysis.OK for r in runs)
    covered = sum(_covers(r, TRUE_PASS_RATE_EFFECT) for r in runs)
    assert covered >= 34, covered
    # and the estimates centre on the truth, not merely inside wide intervals
    mean = sum(r.estimate for r in runs) / len(runs)
    assert abs(mean - TRUE_PASS_RATE_EFFECT) < 0.25, mean
    # and the moderate effect is told apart from none, not lost in a wide interval
    assert sum(r.conclusive and r.estimate > 0 for r in runs) >= 30


def test_with_no_effect_the_interval_covers_zero_about_95_percent_of_the_time():
    # Between 34 and 40 of 40: P(≤ 33 | 95%) ≈ 0.014; an interval that always covers (too wide to
    # say anything) is caught by the power check above.
    runs = [analysis.estimate(*simulate.panel(40, 24, effect=0.0, seed=1000 + seed)) for seed in range(40)]
    covered = sum(_covers(r, 0.0) for r in runs)
    assert 34 <= covered <= 40, covered
    assert sum(r.conclusive for r in runs) == 40 - covered
    # a clean panel is rarely flagged for a pre-trend (P(≥ 6 of 40 | 5%) ≈ 0.014)
    assert sum(r.pretrend_flagged for r in runs) <= 5


def test_a_pre_trend_is_flagged():
    runs = [analysis.estimate(*simulate.panel(40, 24, effect=0.0, seed=3000 + s, pretrend=0.5)) for s in range(10)]
    assert sum(r.pretrend_flagged for r in runs) >= 9


def test_all_teams_covered_at_once_gives_no_comparison_and_no_number():
    effect = analysis.estimate(*simulate.panel(30, 24, effect=1.0, seed=5, all_at=8))
    assert effect.status == analysis.NO_COMPARISON
    assert effect.estimate is None and effect.low is None and effect.event == []
    assert effect.covered_teams == 30


def test_no_team_ever_covered_gives_nothing_to_compare():
    effect = analysis.estimate(*simulate.panel(30, 24, effect=1.0, seed=5, covered_share=0.0))
    assert effect.status == analysis.NO_COVERED and effect.estimate is None


def test_teams_covered_before_the_first_figure_are_left_out_and_said_so():
    observations, starts = simulate.panel(40, 24, effect=1.0, seed=11)
    first = min(o.period for o in observations)
    early = [t for t in range(40) if t not in starts][:3]
    for team in early:
        starts[team] = first - 5
    effect = analysis.estimate(observations, starts)
    assert effect.covered_before_data == 3
    assert analysis.W_COVERED_BEFORE in effect.warnings
    assert effect.teams == 37


def test_few_teams_are_warned_about():
    effect = analysis.estimate(*simulate.panel(8, 24, effect=1.0, seed=3))
    assert effect.status == analysis.OK
    assert analysis.W_FEW_TEAMS in effect.warnings


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10**6), n_teams=st.integers(6, 50), n_months=st.integers(10, 30))
def test_any_panel_gives_a_consistent_answer(seed, n_teams, n_months):
    effect = analysis.estimate(*simulate.panel(n_teams, n_months, effect=1.0, seed=seed))
    if effect.status != analysis.OK:
        assert effect.estimate is None
        return
    assert effect.low <= effect.estimate <= effect.high
    assert math.isfinite(effect.low) and math.isfinite(effect.high)
    # a team covered later is compared with before its own start: it may count on both sides
    assert max(effect.covered_teams, effect.comparison_teams) <= effect.teams <= n_teams
    assert effect.covered_teams + effect.comparison_teams >= effect.teams
    assert effect.conclusive == (effect.low > 0 or effect.high < 0)
    assert 0 <= effect.p_value <= 1
    assert (effect.p_value < 0.05) == effect.conclusive
    reference = [row for row in effect.event if row[0] == -1]
    assert reference == [(-1, 0.0, 0.0, 0.0)]
    restored = analysis.Effect.from_dict(effect.as_dict())
    assert restored == effect


def test_too_few_or_unvarying_figures_give_no_number_rather_than_an_error():
    two_teams = [analysis.Observation(t, p, 90.0 + t + (p >= 2 and t == 0)) for t in (0, 1) for p in range(3)]
    assert analysis.estimate(two_teams, {0: 2}).status == analysis.TOO_LITTLE
    flat, starts = simulate.panel(20, 12, effect=0.0, seed=1)
    flat = [analysis.Observation(o.team, o.period, 95.0) for o in flat]
    effect = analysis.estimate(flat, starts)
    assert effect.status == analysis.TOO_LITTLE and effect.estimate is None
    single = [analysis.Observation(t, 100 + t, 90.0) for t in range(6)]
    assert analysis.estimate(single, {0: 100, 1: 103}).status in {analysis.TOO_LITTLE, analysis.NO_COMPARISON}
