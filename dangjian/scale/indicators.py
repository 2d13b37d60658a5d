"""Production indicators at scale (issue 19): an enterprise's chart data against the raw aggregate
SQL of the same figures, and the effect analysis of a county and of the prefecture.

- **Chart data** of the enterprise with the most teams: `selectors.series` of the pass rate (a
  headcount-weighted mean: each team's figure weighed by its headcount of the same month) with
  its `quarters`, and one team's months of all six indicators (`team_series`) — what a chart page
  reads. The floor is the same figures in hand-written SQL: one grouped statement joining each
  figure to its team's headcount, and one plain read of the team's rows (`chart_sql`; a test
  checks the two agree). Target: ≤ 2× the floor.
- **The analysis** (`effects.compute`: the panel read, the stacked regressions, the event study)
  of the county with the most enterprises and of the prefecture, with the panel's team-months:
  above `effects.INLINE_OBSERVATIONS` a page hands it to a background job. The panel's raw read
  is printed beside it as a reference (no target: the regression is most of the work). The
  cached answer (`effects.answer` once the result is kept) is what every later request costs.

The pages themselves are measured once they exist (the charts and the analysis are another
part's); the functions measured here are the ones they call.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.models import Count

from dangjian.indicators import analysis, effects, selectors
from dangjian.indicators.models import HEADCOUNT, PASS_RATE, Indicator, Value
from dangjian.organizations.models import Enterprise, ProductionUnit, UnitKind

from .bench import Figure, Place, Settings, World, measured, peak_mb, reset_peak, time_calls


def chart_sql(enterprise_id: int, indicator: Indicator, team_id: int) -> dict[str, Any]:
    """The chart's figures by hand: per month, Σ value, the count and the headcount-weighted sums
    over the enterprise's teams (each figure joined to its team's headcount of the month), and
    the team's (indicator, month, value) rows."""
    head = Indicator.objects.get(enterprise__isnull=True, code=HEADCOUNT)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT v.month, SUM(v.value), COUNT(*), SUM(h.value * v.value), SUM(h.value), COUNT(h.value)
              FROM indicators_value v
              LEFT JOIN indicators_value h ON h.indicator_id = %s AND h.team_id = v.team_id AND h.month = v.month
             WHERE v.enterprise_id = %s AND v.indicator_id = %s AND v.value IS NOT NULL
             GROUP BY v.month ORDER BY v.month
            """,
            [head.pk, enterprise_id, indicator.pk],
        )
        months = cursor.fetchall()
        cursor.execute(
            "SELECT indicator_id, month, value FROM indicators_value WHERE team_id = %s AND value IS NOT NULL",
            [team_id],
        )
        team = cursor.fetchall()
    return {"months": months, "team": team}


def floor_series(indicator: Indicator, rows: list[tuple[Any, ...]]) -> list[tuple[dt.date, float | None]]:
    """The floor's monthly rows as the chart's points (the selector's rule: a weighted mean where
    every figure has its headcount, else the plain mean; a sum for a sum)."""
    out = []
    for month, total, n, hv, hsum, hn in rows:
        value = selectors._combine(indicator, total, n, hv, hsum, hn)
        day = month if isinstance(month, dt.date) else dt.date.fromisoformat(str(month))
        out.append((day, value))
    return out


def agree(points: list[selectors.Point], floor: list[tuple[dt.date, float | None]]) -> bool:
    """The chart's points and the floor's months: the same months, the same figures (to the last
    digits a sum's order may change)."""
    if [p.month for p in points] != [month for month, _v in floor]:
        return False
    return all(
        (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9))
        for a, b in zip((p.value for p in points), (v for _m, v in floor), strict=True)
    )


def largest_enterprise(place: Place) -> tuple[Enterprise, ProductionUnit] | None:
    """The enterprise with the most teams (with figures) the place's user reads, and its first team."""
    ids = selectors.visible_enterprises(place.user)
    row = (
        ProductionUnit.objects.filter(kind=UnitKind.TEAM, enterprise__in=ids)
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "enterprise_id")
        .first()
    )
    if row is None:
        return None
    enterprise = Enterprise.objects.get(pk=row["enterprise_id"])
    team = ProductionUnit.objects.filter(enterprise=enterprise, kind=UnitKind.TEAM).order_by("pk").first()
    assert team is not None
    return enterprise, team


def panel_sql(enterprise_ids: list[int], indicator: Indicator) -> int:
    """The analysis's input read by hand: the teams' figures of one indicator (the rows fetched,
    nothing computed). Returns how many."""
    marks = ", ".join(["%s"] * len(enterprise_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT team_id, month, value FROM indicators_value
                 WHERE indicator_id = %s AND enterprise_id IN ({marks})
                   AND team_id IS NOT NULL AND value IS NOT NULL""",
            [indicator.pk, *enterprise_ids],
        )
        return len(cursor.fetchall())


def _few(runs: int) -> Settings:
    """Settings for a scenario of seconds per call: a fixed few runs."""
    return Settings(seconds=0.0, min_runs=runs, max_runs=runs)


def run_on(world: World, s: Settings) -> Iterator[Figure]:
    indicators = list(selectors.defaults())
    pass_rate = next(i for i in indicators if i.code == PASS_RATE)
    if not Value.objects.filter(indicator=pass_rate).exists():
        yield Figure("indicators", 0, 0.0, 0.0, note="not measured: the dataset has no indicator figures", detail={})
        return

    # An enterprise's chart data against its SQL.
    found = largest_enterprise(world.widest)
    if found is not None:
        enterprise, team = found

        def floor(_i: int) -> Any:
            return chart_sql(enterprise.pk, pass_rate, team.pk)

        def chart(_i: int) -> Any:
            points = selectors.series([enterprise.pk], pass_rate, may_see_few=True)
            return (
                points,
                selectors.quarters(pass_rate, points),
                selectors.team_series(team, indicators, may_see_few=True),
            )

        f = measured("sql.indicators.chart", floor, s)
        yield f
        fig = measured("indicators.chart", chart, s)
        fig.floor, fig.ratio = f.scenario, fig.median_ms / f.median_ms if f.median_ms else None
        teams = ProductionUnit.objects.filter(enterprise=enterprise, kind=UnitKind.TEAM).count()
        points = selectors.series([enterprise.pk], pass_rate, may_see_few=True)
        agrees = agree(points, floor_series(pass_rate, chart_sql(enterprise.pk, pass_rate, team.pk)["months"]))
        fig.note = f"{teams} teams, {len(points)} months; " + ("agrees with the floor" if agrees else "DISAGREES")
        fig.detail = {"teams": teams, "months": len(points), "agrees": agrees}
        yield fig

    # The analysis of a county and of the prefecture.
    places = [("county", world.county)]
    if world.prefecture is not None:
        places.append(("prefecture", world.prefecture))
    for label, place in places:
        yield from _analysis(label, place, pass_rate, s)


def _analysis(label: str, place: Place, pass_rate: Indicator, s: Settings) -> Iterator[Figure]:
    """The place's analysis of the pass rate: its panel's raw read, `effects.compute`, and the
    kept answer."""
    ids = list(selectors.visible_enterprises(place.user).values_list("pk", flat=True))
    rows = Value.objects.filter(
        enterprise_id__in=ids, indicator=pass_rate, team__isnull=False, value__isnull=False
    ).count()
    background = rows > effects.INLINE_OBSERVATIONS
    f = measured(f"sql.indicators.panel.{label}", lambda _i: panel_sql(ids, pass_rate), s)
    f.note = f"{rows:,} team-months read"
    f.detail = {"team_months": rows}
    yield f
    heavy = label == "prefecture" or rows > 4 * effects.INLINE_OBSERVATIONS
    settings = _few(1 if s.min_runs <= 5 else 3) if heavy else s
    reset_peak()
    result: list[analysis.Effect] = []
    times = time_calls(lambda _i: result.append(effects.compute(ids, pass_rate)), settings, warmup=0 if heavy else 1)
    effect = result[-1]
    fig = Figure.of(f"indicators.effect.{label}", times, peak_rss_mb=peak_mb())
    fig.floor = f.scenario
    fig.ratio = fig.median_ms / f.median_ms if f.median_ms else None
    where = "in the background (a job)" if background else "inline"
    estimate = "" if effect.estimate is None else f" {effect.estimate:+.2f} [{effect.low:.2f}, {effect.high:.2f}]"
    fig.note = (
        f"{rows:,} team-months → {where}; {effect.status}{estimate}, {effect.covered_teams} covered / "
        f"{effect.comparison_teams} comparison teams, {effect.cohorts} cohorts, {effect.observations:,} stacked rows"
    )
    fig.detail = {
        "team_months": rows,
        "background": background,
        "status": effect.status,
        "estimate": effect.estimate,
        "low": effect.low,
        "high": effect.high,
        "stacked": effect.observations,
        "covered": effect.covered_teams,
        "comparison": effect.comparison_teams,
    }
    yield fig
    # What every later request costs: the kept answer.
    effects.compute_and_keep(ids, pass_rate)

    def kept(_i: int) -> Any:
        answer = effects.answer(place.user, pass_rate, ids, "benchmark")
        assert answer.effect is not None, "the kept answer was not found"
        return answer

    k = measured(f"indicators.effect.{label}.kept", kept, s)
    k.note = "the kept result (from the cache, under the data's version)"
    k.detail = {"kept": True}
    yield k
