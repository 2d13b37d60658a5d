"""Did teams do better once party work reached them? A staggered difference-in-differences.

The comparison (docs/indicators.md "The method"): teams become covered (a member takes charge of
them, production.selectors.coverage_starts) in different months. For each month `g` in which some
teams became covered (a *cohort*), we take those teams and, as their comparison, the teams not yet
covered by the end of the window around `g` (never covered, or covered later) — never teams
covered earlier, whose change after their own start would otherwise be read as the comparison's
trend (the flaw of a plain two-way regression with staggered starts). Each cohort's window runs
from PRE months before `g` to POST months after. The cohorts' windows are stacked, and one
regression of the indicator on "covered and after" with a fixed effect per team in each stack
and per month in each stack estimates the average difference the covered teams' change made
compared with the not-yet-covered teams' change. Its standard error is clustered by team (a team
appears in several stacks and its months are not independent), with the small-sample corrections,
and the 95% interval uses Student's t with one degree of freedom fewer than the number of teams.

The same stacked data with one term per month relative to the start (the month before is the
reference) gives the event study: the months before the start should show no difference. The
pre-trend check is a slope over those months (covered teams against the others): when it differs
from zero at 5%, the covered teams were already moving apart before coverage, and the estimate is
not to be trusted.

The estimator is linearmodels' PanelOLS (absorbed two-way effects, clustered covariance); this
module only builds its data and reads its results. It imports nothing of Django: the callers give
it plain numbers (selectors.analysis_panel) and word its result (wording).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# numpy, pandas, scipy and linearmodels take 2–3 s to import: every process that loads the
# indicators (each manage.py command, each web worker) would pay it at start. They are imported
# where an estimate is made.
if TYPE_CHECKING:
    import pandas as pd

PRE = 6  # months before the start in each cohort's window (the leads: −6 … −2; −1 is the reference)
POST = 6  # months from the start (0 … 5)
LEVEL = 0.95
PRETREND_ALPHA = 0.05
FEW_TEAMS = 20  # below this many teams, clustered standard errors are unreliable
FEW_SIDE = 5  # below this many covered (or comparison) teams, one team can swing the result

# What a result may say of itself (the wording is wording.py's).
OK = "ok"
NO_COVERED = "no_covered"  # no team became covered within the months there are figures for
NO_COMPARISON = "no_comparison"  # every team was covered at once: nobody to compare with
TOO_LITTLE = "too_little"  # a comparison exists but its figures cannot carry an estimate (too few, or all alike)
# Warnings
W_FEW_TEAMS = "few_teams"
W_FEW_COVERED = "few_covered"
W_FEW_COMPARISON = "few_comparison"
W_PRETREND = "pretrend"
W_NO_PRETREND_CHECK = "no_pretrend_check"
W_COVERED_BEFORE = "covered_before_data"


@dataclass(frozen=True)
class Observation:
    team: int
    period: int  # months since year 0 (year * 12 + month − 1)
    value: float


@dataclass
class Effect:
    """The comparison's result, and how much lies behind it."""

    status: str
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    p_value: float | None = None
    covered_teams: int = 0
    comparison_teams: int = 0
    teams: int = 0
    months: int = 0
    observations: int = 0
    cohorts: int = 0
    covered_before_data: int = 0
    pretrend_p: float | None = None
    # (months from the start, estimate, low, high) for the event study's chart
    event: list[tuple[int, float, float, float]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def conclusive(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)

    @property
    def pretrend_flagged(self) -> bool:
        return W_PRETREND in self.warnings

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "p_value": self.p_value,
            "conclusive": self.conclusive,
            "covered_teams": self.covered_teams,
            "comparison_teams": self.comparison_teams,
            "teams": self.teams,
            "months": self.months,
            "observations": self.observations,
            "cohorts": self.cohorts,
            "covered_before_data": self.covered_before_data,
            "pretrend_p": self.pretrend_p,
            "event": [list(row) for row in self.event],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Effect:
        kept = {k: v for k, v in data.items() if k != "conclusive"}
        kept["event"] = [tuple(row) for row in data.get("event", [])]  # type: ignore[attr-defined]
        return cls(**kept)  # type: ignore[arg-type]


def period_of(year: int, month: int) -> int:
    return year * 12 + month - 1


def _stack(frame: pd.DataFrame, starts: pd.Series) -> tuple[pd.DataFrame, int]:
    """Every cohort's window with its covered teams and its not-yet-covered ones, stacked.
    Returns the stack and the number of cohorts that had a comparison."""
    import pandas as pd

    first, last = int(frame.period.min()), int(frame.period.max())
    start = frame.team.map(starts)  # NaN: never covered
    parts = []
    for g in sorted(set(starts[(starts > first) & (starts <= last)].astype(int))):
        lo, hi = max(first, g - PRE), min(last, g + POST - 1)
        in_window = frame.period.between(lo, hi)
        covered = start == g
        comparison = start.isna() | (start > hi)
        if not (in_window & comparison).any():
            continue
        part = frame[in_window & (covered | comparison)].copy()
        if not ((part.period < g) & (start[part.index] == g)).any() or not (part.period >= g).any():
            continue  # the cohort's teams have no month before (or after) in the window
        part["cohort"] = g
        part["covered"] = start[part.index] == g
        part["rel"] = part.period - g
        parts.append(part)
    if not parts:
        return frame.iloc[0:0].assign(cohort=0, covered=False, rel=0), 0
    return pd.concat(parts, ignore_index=True), len(parts)


# What the estimator raises on data that cannot carry a model: a singular design (figures that
# never vary), nothing left once the effects are absorbed, too few observations.
def _unfittable() -> tuple[type[BaseException], ...]:
    import numpy as np
    from linearmodels.panel.utility import AbsorbingEffectError

    return (np.linalg.LinAlgError, ValueError, ZeroDivisionError, AbsorbingEffectError)


def _fit(stacked: pd.DataFrame, columns: list[str]) -> object:
    import pandas as pd
    from linearmodels.panel import PanelOLS

    index = pd.MultiIndex.from_arrays(
        [stacked.cohort * 10**7 + stacked.team, stacked.cohort * 10**5 + stacked.period - stacked.period.min()]
    )
    data = stacked.set_index(index)
    model = PanelOLS(data.value, data[columns], entity_effects=True, time_effects=True, check_rank=False)
    clusters = pd.DataFrame({"team": data.team.to_numpy()}, index=data.index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # linearmodels' notes on its memory-saving algorithm
        return model.fit(cov_type="clustered", clusters=clusters, debiased=True, group_debias=True, low_memory=True)


def _interval(estimate: float, se: float, teams: int) -> tuple[float, float]:
    from scipy import stats

    t = float(stats.t.ppf(0.5 + LEVEL / 2, max(teams - 1, 1)))
    return estimate - t * se, estimate + t * se


def estimate(observations: Iterable[Observation], starts: Mapping[int, int]) -> Effect:
    """The effect of coverage on the indicator whose `observations` are given, teams covered from
    the period in `starts` (a team not in it was never covered)."""
    import numpy as np
    import pandas as pd
    from scipy import stats

    frame = pd.DataFrame(
        [(o.team, o.period, o.value) for o in observations], columns=["team", "period", "value"]
    ).astype({"team": "int64", "period": "int64", "value": "float64"})
    frame = frame[np.isfinite(frame.value)]
    if frame.empty:
        return Effect(NO_COVERED)
    teams = pd.unique(frame.team)
    first, last = int(frame.period.min()), int(frame.period.max())
    start_of = pd.Series({t: starts[t] for t in teams if t in starts}, dtype="float64")
    before_data = int((start_of <= first).sum())
    covered_within = start_of[(start_of > first) & (start_of <= last)]
    if covered_within.empty:
        return Effect(NO_COVERED, teams=len(teams), covered_before_data=before_data)
    stacked, cohorts = _stack(frame, start_of)
    if stacked.empty:
        # Nobody to compare with — or there was, but the covered teams have no month with figures
        # before (or after) their start: too little, not "covered all at once".
        never_or_later = [t for t in teams if t not in start_of.index or start_of[t] > covered_within.min()]
        return Effect(
            TOO_LITTLE if never_or_later else NO_COMPARISON,
            covered_teams=int(covered_within.size),
            teams=len(teams),
            covered_before_data=before_data,
        )
    stacked["after"] = (stacked.covered & (stacked.rel >= 0)).astype("float64")
    n_teams = int(stacked.team.nunique())
    covered = int(stacked.loc[stacked.covered, "team"].nunique())
    comparison = int(stacked.loc[~stacked.covered, "team"].nunique())
    try:
        result = _fit(stacked, ["after"])
        est = float(result.params["after"])  # type: ignore[attr-defined]
        se = float(result.std_errors["after"])  # type: ignore[attr-defined]
    except _unfittable():
        est = se = math.nan
    if n_teams < 3 or not (math.isfinite(est) and math.isfinite(se)) or se <= 0:
        # Too few teams or months, or figures that never vary: no interval can be drawn.
        return Effect(
            TOO_LITTLE,
            covered_teams=covered,
            comparison_teams=comparison,
            teams=n_teams,
            observations=len(stacked),
            covered_before_data=before_data,
        )
    low, high = _interval(est, se, n_teams)
    p = float(2 * stats.t.sf(abs(est / se), n_teams - 1))
    effect = Effect(
        OK,
        estimate=est,
        low=low,
        high=high,
        p_value=p,
        covered_teams=covered,
        comparison_teams=comparison,
        teams=n_teams,
        months=int(stacked.period.nunique()),
        observations=len(stacked),
        cohorts=cohorts,
        covered_before_data=before_data,
    )
    _event_study(stacked, effect, n_teams)
    if n_teams < FEW_TEAMS:
        effect.warnings.append(W_FEW_TEAMS)
    if covered < FEW_SIDE:
        effect.warnings.append(W_FEW_COVERED)
    if comparison < FEW_SIDE:
        effect.warnings.append(W_FEW_COMPARISON)
    if before_data:
        effect.warnings.append(W_COVERED_BEFORE)
    return effect


def _event_study(stacked: pd.DataFrame, effect: Effect, n_teams: int) -> None:
    """One term per month from the start (−1 the reference), and the check of the months before."""
    import numpy as np
    from scipy import stats

    rels = sorted(int(r) for r in stacked.loc[stacked.covered, "rel"].unique() if r != -1)
    columns = []
    for r in rels:
        name = f"rel_{r}".replace("-", "m")
        stacked[name] = (stacked.covered & (stacked.rel == r)).astype("float64")
        columns.append(name)
    if not columns:
        effect.warnings.append(W_NO_PRETREND_CHECK)
        return
    try:
        result = _fit(stacked, columns)
    except _unfittable():
        effect.warnings.append(W_NO_PRETREND_CHECK)
        return
    params, errors = result.params, result.std_errors  # type: ignore[attr-defined]
    for r, name in zip(rels, columns, strict=True):
        if math.isfinite(float(errors[name])):
            low, high = _interval(float(params[name]), float(errors[name]), n_teams)
            effect.event.append((r, float(params[name]), low, high))
    effect.event.append((-1, 0.0, 0.0, 0.0))
    effect.event.sort()
    if not any(r <= -2 for r in rels):
        effect.warnings.append(W_NO_PRETREND_CHECK)
        return
    # The check: were the covered teams already drifting away from the others before their start?
    # A slope over the months before (one term, tested with Student's t on the teams' degrees of
    # freedom). A joint test of every month before over-rejects with tens of teams: of 60 clean
    # panels of 40 teams (the property tests' recipe) it flagged 13% at 5%, the slope 3%.
    stacked["drift"] = np.where(stacked.covered & (stacked.rel < 0), stacked.rel, 0).astype("float64")
    try:
        slope = _fit(stacked, ["after", "drift"])
        b, se = float(slope.params["drift"]), float(slope.std_errors["drift"])  # type: ignore[attr-defined]
    except _unfittable():
        b = se = math.nan
    if not (math.isfinite(b) and math.isfinite(se)) or se <= 0:
        effect.warnings.append(W_NO_PRETREND_CHECK)
        return
    effect.pretrend_p = float(2 * stats.t.sf(abs(b / se), max(n_teams - 1, 1)))
    if effect.pretrend_p < PRETREND_ALPHA:
        effect.warnings.append(W_PRETREND)
