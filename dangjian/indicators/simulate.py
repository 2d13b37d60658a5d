"""Plausible monthly figures for production teams, with a known effect of coverage: for the demo
scenario, the prefecture-scale generator and the analysis's property tests — one recipe, so the
tests check the analysis on the data the demo shows.

A team has a size, a base efficiency and a base quality; every month brings a season (Q1 slow
after the New Year, Q2 and Q3 busy), a slow trend shared by all, and noise. From the month a team
is covered, its figures move by `effect` times the moderate effects in EFFECTS (a `pretrend`
makes covered teams drift apart in the months before, which the analysis must flag). Django-free:
the callers store the figures.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .analysis import Observation
from .models import EFFICIENCY, HEADCOUNT, INCOME, ON_TIME, OUTPUT, PASS_RATE

# The moderate effect of coverage at effect=1: points for a percentage, a share otherwise.
EFFECTS = {PASS_RATE: 1.2, ON_TIME: 2.5, EFFICIENCY: 0.04, INCOME: 0.03}
SEASON = [-0.06, -0.08, -0.02, 0.02, 0.04, 0.05, 0.03, 0.02, 0.03, 0.01, 0.0, -0.02]  # by month of the year
HOURS = 8 * 24  # a worker's hours in a month
CODES = (HEADCOUNT, OUTPUT, PASS_RATE, ON_TIME, EFFICIENCY, INCOME)


@dataclass(frozen=True)
class Team:
    key: int
    size: int


def _clip(x: float, low: float, high: float) -> float:
    return min(max(x, low), high)


def figures(
    teams: Iterable[Team],
    periods: Sequence[int],
    starts: Mapping[int, int],
    *,
    effect: float = 1.0,
    pretrend: float = 0.0,
    seed: int = 0,
) -> dict[str, list[tuple[int, int, float]]]:
    """(team, period, value) per indicator code, for every team and period; `starts` gives the
    period each covered team is covered from."""
    rng = random.Random(seed)
    out: dict[str, list[tuple[int, int, float]]] = {code: [] for code in CODES}
    first = periods[0] if periods else 0
    for team in teams:
        base_eff = rng.gauss(2.4, 0.35)
        base_quality = rng.uniform(88.0, 95.0)
        base_on_time = rng.uniform(85.0, 95.0)
        base_pay = rng.uniform(3200.0, 4600.0)
        start = starts.get(team.key)
        size = team.size
        for period in periods:
            season = SEASON[period % 12]
            trend = 0.002 * (period - first)
            covered = start is not None and period >= start
            drift = pretrend * (period - start) if start is not None and not covered and period >= start - 6 else 0.0
            lift = effect if covered else 0.0
            size = max(3, size + rng.choice((-1, 0, 0, 0, 0, 1)))
            eff = base_eff * (1 + season + trend + lift * EFFECTS[EFFICIENCY] + drift / 100) * rng.gauss(1, 0.03)
            quality = base_quality + 40 * season + lift * EFFECTS[PASS_RATE] + drift + rng.gauss(0, 0.8)
            on_time = base_on_time + 60 * season + lift * EFFECTS[ON_TIME] + drift + rng.gauss(0, 1.8)
            pay = base_pay * (1 + 0.6 * season + trend + lift * EFFECTS[INCOME] + drift / 100) * rng.gauss(1, 0.02)
            out[HEADCOUNT].append((team.key, period, float(size)))
            out[OUTPUT].append((team.key, period, float(round(eff * size * HOURS))))
            out[PASS_RATE].append((team.key, period, round(_clip(quality, 60.0, 100.0), 1)))
            out[ON_TIME].append((team.key, period, round(_clip(on_time, 40.0, 100.0), 1)))
            out[EFFICIENCY].append((team.key, period, round(eff, 2)))
            out[INCOME].append((team.key, period, float(round(pay))))
    return out


def panel(
    n_teams: int,
    n_months: int,
    *,
    effect: float,
    seed: int,
    pretrend: float = 0.0,
    covered_share: float = 0.6,
    all_at: int | None = None,
    code: str = PASS_RATE,
) -> tuple[list[Observation], dict[int, int]]:
    """One indicator's observations and the teams' starts: a share of the teams covered at
    staggered months (from the 7th month to 4 months before the end), the rest never — or all at
    `all_at`. For the property tests."""
    rng = random.Random(seed * 7919 + 1)
    periods = list(range(24_000, 24_000 + n_months))
    starts: dict[int, int] = {}
    for key in range(n_teams):
        if all_at is not None:
            starts[key] = periods[all_at]
        elif rng.random() < covered_share:
            starts[key] = periods[rng.randrange(6, max(n_months - 4, 7))]
    teams = [Team(key, rng.randrange(12, 40)) for key in range(n_teams)]
    values = figures(teams, periods, starts, effect=effect, pretrend=pretrend, seed=seed)[code]
    return [Observation(t, p, v) for t, p, v in values if not math.isnan(v)], starts
