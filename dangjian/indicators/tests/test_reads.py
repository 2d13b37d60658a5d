"""Who reads which figures, how months add up to an enterprise's and a quarter's, what a small
team's pay shows, and the analysis kept until the data change."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.access import permissions
from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.access.scopes import CHANGE, scope
from dangjian.indicators import analysis, effects, selectors
from dangjian.indicators.models import Value
from dangjian.production import services as production
from dangjian.testing.factories import UnitFactory, UserFactory
from dangjian.testing.indicators import enter, indicator, month

JAN, FEB, MAR, APR = (month(2026, m) for m in (1, 2, 3, 4))


def _second_team(side, name="二组"):
    return UnitFactory(
        enterprise=side.enterprise, kind="team", name=f"{side.enterprise.name}{name}", parent=side.workshop
    )


def test_each_role_reads_and_enters_its_own_enterprises_only(world, member_user):
    a, b = world.a.enterprise, world.b.enterprise
    statistician = UserFactory(username="stats_a")
    access_services.assign_role(actor=None, user=statistician, role=Role.STATISTICIAN, enterprise=a)
    assert set(selectors.visible_enterprises(world.a.manager)) == {a}
    assert set(selectors.visible_enterprises(world.b.manager)) == {b}
    assert set(selectors.visible_enterprises(world.county_admin)) == {a, b}
    assert set(selectors.visible_enterprises(world.a.secretary)) == {a}
    assert set(selectors.visible_enterprises(statistician, CHANGE)) == {a}
    assert set(selectors.visible_enterprises(world.a.secretary, CHANGE)) == set()
    assert set(selectors.visible_enterprises(world.county_admin, CHANGE)) == set()
    assert permissions.may_enter_indicators(statistician, a) and not permissions.may_enter_indicators(statistician, b)
    assert not permissions.may_enter_indicators(world.b.manager, a)
    assert not permissions.may_see_indicators(member_user)
    enter(world.a, "output", {JAN: 100})
    enter(world.b, "output", {JAN: 200})
    assert [v.value for v in scope(world.b.manager, Value.objects.all())] == [200]
    assert not scope(member_user, Value.objects.all()).exists()


def test_an_enterprise_month_sums_output_and_weights_rates_by_headcount(world):
    big = _second_team(world.a)
    enter(world.a, "headcount", {JAN: 10, FEB: 10})
    enter(world.a, "headcount", {JAN: 30, FEB: 30}, team=big)
    enter(world.a, "pass_rate", {JAN: 90, FEB: 92})
    enter(world.a, "pass_rate", {JAN: 98, FEB: 96}, team=big)
    enter(world.a, "output", {JAN: 1000, FEB: 1100})
    enter(world.a, "output", {JAN: 3000, FEB: 2900}, team=big)
    ids = [world.a.enterprise.pk]
    rate = selectors.series(ids, indicator("pass_rate"))
    assert [round(p.value, 2) for p in rate] == [96.0, 95.0]  # (90·10 + 98·30) / 40, (92·10 + 96·30) / 40
    assert [p.teams for p in rate] == [2, 2]
    output = selectors.series(ids, indicator("output"))
    assert [p.value for p in output] == [4000.0, 4000.0]
    assert selectors.quarters(indicator("output"), output) == [((2026, 1), 8000.0, 2)]
    assert selectors.quarters(indicator("pass_rate"), rate) == [((2026, 1), 95.5, 2)]
    assert selectors.series([world.b.enterprise.pk], indicator("output")) == []


def test_the_pay_of_a_very_small_team_is_shown_only_to_its_hr(world):
    enter(world.a, "headcount", {JAN: 2, FEB: 12})
    enter(world.a, "income", {JAN: 5200, FEB: 4800})
    ind = indicator("income")
    hr = permissions.may_see_pay_of_few(world.a.manager, world.a.enterprise)
    secretary = permissions.may_see_pay_of_few(world.a.secretary, world.a.enterprise)
    assert hr and not secretary
    seen_by_secretary = selectors.team_series(world.a.team, [ind], may_see_few=secretary)[ind.pk]
    assert [(p.value, p.masked) for p in seen_by_secretary] == [(None, True), (4800.0, False)]
    seen_by_hr = selectors.team_series(world.a.team, [ind], may_see_few=hr)[ind.pk]
    assert [p.value for p in seen_by_hr] == [5200.0, 4800.0]
    # the enterprise's average of two people is one of them too
    assert [p.masked for p in selectors.series([world.a.enterprise.pk], ind)] == [True, False]
    assert not permissions.may_see_pay_of_few(world.b.manager, world.a.enterprise)


def test_a_team_counts_as_covered_from_the_month_most_of_which_it_was():
    assert selectors.coverage_period(dt.date(2026, 5, 15)) == analysis.period_of(2026, 5)
    assert selectors.coverage_period(dt.date(2026, 5, 16)) == analysis.period_of(2026, 6)


def _scene(side, teams: int, *, covered_from: dict[int, dt.date]) -> list:
    """`teams` teams at the side's enterprise with 14 months of pass rates; those in covered_from
    taken into the side's member's charge on that day."""
    from dangjian.indicators import simulate

    units = [side.team] + [_second_team(side, f"{i}组") for i in range(1, teams)]
    first = month(2025, 1)
    months = [selectors.add_months(first, i) for i in range(14)]
    periods = [analysis.period_of(m.year, m.month) for m in months]
    starts = {i: selectors.coverage_period(day) for i, day in covered_from.items()}
    figures = simulate.figures([simulate.Team(i, 20) for i in range(teams)], periods, starts, seed=7)["pass_rate"]
    by_period = dict(zip(periods, months, strict=True))
    for i, unit in enumerate(units):
        enter(side, "pass_rate", {by_period[p]: v for t, p, v in figures if t == i}, team=unit)
    for i, day in covered_from.items():
        production.take_charge(actor=None, organization=side.branch, team=units[i], member=side.member, started_on=day)
    return units


# Kept answers need committed data (a version is not handed out inside a writing transaction).
@pytest.mark.django_db(transaction=True)
def test_the_analysis_is_kept_until_a_figure_or_a_charge_changes(world, django_assert_max_num_queries):
    _scene(world.a, 8, covered_from={0: dt.date(2025, 7, 1), 1: dt.date(2025, 7, 1), 2: dt.date(2025, 9, 1)})
    ids = [world.a.enterprise.pk]
    ind = indicator("pass_rate")
    first = effects.answer(world.a.manager, ind, ids, "t")
    assert first.effect is not None and first.effect.status == analysis.OK
    assert first.effect.covered_teams == 3
    with django_assert_max_num_queries(0):
        kept = effects.answer(world.a.manager, ind, ids, "t")
    assert kept.effect == first.effect
    enter(world.a, "pass_rate", {month(2025, 3): 50}, confirm=True)
    changed = effects.answer(world.a.manager, ind, ids, "t")
    assert changed.effect != first.effect
    fourth = _second_team(world.a, "十组")
    enter(world.a, "pass_rate", {month(2025, m): 95 for m in range(1, 13)}, team=fourth)
    production.take_charge(
        actor=None, organization=world.a.branch, team=fourth, member=world.a.member, started_on=dt.date(2025, 8, 1)
    )
    assert effects.answer(world.a.manager, ind, ids, "t").effect.covered_teams == 4


def test_a_large_analysis_runs_in_the_background_with_progress(world, monkeypatch, django_capture_on_commit_callbacks):
    _scene(world.a, 6, covered_from={0: dt.date(2025, 7, 1), 1: dt.date(2025, 8, 1)})
    monkeypatch.setattr(effects, "INLINE_OBSERVATIONS", 10)
    ind, ids = indicator("pass_rate"), [world.a.enterprise.pk]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        started = effects.answer(world.a.manager, ind, ids, "Pass rate, A")
        again = effects.answer(world.a.manager, ind, ids, "Pass rate, A")
    assert started.effect is None and started.job is not None
    assert again.job == started.job  # asked again while it runs: the same job, not a second
    for run in queued:
        run()
    started.job.refresh_from_db()
    assert started.job.status == "done" and started.job.result["status"] == analysis.OK
    shown = effects.answer(world.a.manager, ind, ids, "Pass rate, A")
    assert shown.effect is not None and shown.effect.status == analysis.OK
    # B's manager asking for B's teams gets B's answer, not A's
    assert effects.answer(world.b.manager, ind, [world.b.enterprise.pk], "B").effect.status == analysis.NO_COVERED


def test_an_enterprise_whose_teams_were_all_covered_together_has_no_comparison(world):
    _scene(world.a, 5, covered_from={i: dt.date(2025, 6, 1) for i in range(5)})
    answer = effects.answer(world.a.manager, indicator("pass_rate"), [world.a.enterprise.pk], "t")
    assert answer.effect.status == analysis.NO_COMPARISON and answer.effect.estimate is None
