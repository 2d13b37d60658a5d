"""The figures' pages: a committee's roll-up, an enterprise's and a team's charts and quarter
tables show the figures entered, made of their teams as the indicator says (a sum, or a mean
weighted by headcount), with coverage marked; a very small team's pay is withheld from all but
the enterprise's HR; and nobody reads another side's figures."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.indicators import rollups, selectors
from dangjian.testing.factories import EnterpriseFactory, UnitFactory, UserFactory
from dangjian.testing.indicator_scenes import cover, months_back, record
from dangjian.testing.indicators import indicator


@pytest.fixture(autouse=True)
def _english(client):
    """The pages' labels asserted below are the English ones."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _spec(response, chart_id: str) -> dict:
    body = response.content.decode()
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', body, re.DOTALL)
    assert found, f"no chart {chart_id}"
    return json.loads(found.group(1))


def _by_month(spec: dict, series: int = 0) -> dict[str, float | None]:
    return dict(zip(spec["categories"], spec["series"][series]["data"], strict=True))


def _quarter_months():
    latest, before = rollups.latest_quarters(selectors.this_month())
    return rollups.quarter_months(latest), rollups.quarter_months(before), latest


def _two_teams(side):
    """The side's own team (10 people) and a second one (30 people), with a quarter of output
    and pass rates: output sums to 900 in the latest complete quarter; the pass rate's
    headcount-weighted months are 96, 92 and 96 (a plain mean's would be 94, 88 and 94)."""
    second = UnitFactory(
        enterprise=side.enterprise, kind="team", name=f"{side.enterprise.name}二组", parent=side.workshop
    )
    months, before, _latest = _quarter_months()
    rows = []
    for m, low, high in zip(months, (90, 80, 90), (98, 96, 98), strict=True):
        rows += [
            ("headcount", side.team, m, 10),
            ("headcount", second, m, 30),
            ("output", side.team, m, 100),
            ("output", second, m, 200),
            ("pass_rate", side.team, m, low),
            ("pass_rate", second, m, high),
        ]
    for m in before:
        rows += [("output", side.team, m, 100), ("output", second, m, 100)]
    record(side.enterprise, rows)
    return second


# --- an enterprise ----------------------------------------------------------------------------


def test_the_enterprise_chart_shows_the_figures_entered(world, login):
    months, _before, _q = _quarter_months()
    _two_teams(world.a)
    response = login(world.a.manager).get(
        reverse("indicators:enterprise", args=[world.a.enterprise.pk]), {"indicator": indicator("output").pk}
    )
    assert response.status_code == 200
    line = _by_month(_spec(response, "enterprise-chart"))
    assert [line[f"{m:%Y-%m}"] for m in months] == [300, 300, 300]
    assert "A缝纫一组" in response.content.decode()  # the teams list, each a link to its page
    assert reverse("indicators:team", args=[world.a.team.pk]) in response.content.decode()


def test_a_quarter_of_output_is_summed_and_a_pass_rate_is_weighted_by_headcount(world, login):
    _months, _before, latest = _quarter_months()
    _two_teams(world.a)
    client = login(world.a.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("indicators:enterprise", args=[world.a.enterprise.pk])
    output = client.get(url, {"indicator": indicator("output").pk}).content.decode()
    quarter = f'data-quarter="{latest[0]} Q{latest[1]}"'
    row = output[output.index(quarter) : output.index("</tr>", output.index(quarter))]
    assert ">900<" in row  # 3 months × (100 + 200)
    assert "+300" in row  # from 600 in the quarter before
    rate = client.get(url, {"indicator": indicator("pass_rate").pk}).content.decode()
    row = rate[rate.index(quarter) : rate.index("</tr>", rate.index(quarter))]
    assert ">94.7<" in row  # (96 + 92 + 96) / 3; a plain mean of the teams would give 92.0


def test_the_enterprise_chart_marks_its_first_team_covered_and_the_share_covered(world, login):
    months, _before, _q = _quarter_months()
    _two_teams(world.a)  # the second team stays uncovered
    cover(world.a, world.a.team, months[1].replace(day=9))
    response = login(world.a.secretary).get(reverse("indicators:enterprise", args=[world.a.enterprise.pk]))
    spec = _spec(response, "enterprise-chart")
    assert spec["marks"] == [{"at": f"{months[1]:%Y-%m}", "label": f"first team covered {months[1]:%Y-%m}-09"}]
    share = dict(zip(spec["categories"], spec["share"]["data"], strict=True))
    assert share[f"{months[0]:%Y-%m}"] == 0 and share[f"{months[1]:%Y-%m}"] == 50.0  # one team of two
    quarter = next(q for q in spec["quarters"] if q["from"] == f"{months[0]:%Y-%m}")
    assert quarter["to"] == f"{months[2]:%Y-%m}"  # the quarter's band spans its three months


def test_manager_sees_the_entry_links_a_secretary_does_not(world, login):
    url = reverse("indicators:enterprise", args=[world.a.enterprise.pk])
    manager = login(world.a.manager).get(url).content.decode()
    secretary = login(world.a.secretary).get(url).content.decode()
    assert "data-analysis" in manager and "data-analysis" in secretary
    assert "data-enter" not in secretary
    # The entry pages come with the entry part; until then no link points nowhere.
    try:
        enter = reverse("indicators:enter", args=[world.a.enterprise.pk])
    except NoReverseMatch:  # not built yet on this branch
        enter = None
    assert (enter in manager) if enter else "data-enter" not in manager


# --- a team -----------------------------------------------------------------------------------


def test_the_team_chart_marks_its_coverage_start(world, login):
    months = months_back(6)
    record(world.a.enterprise, [("output", world.a.team, m, 100 + i) for i, m in enumerate(months)])
    cover(world.a, world.a.team, months[3].replace(day=12))
    response = login(world.a.secretary).get(reverse("indicators:team", args=[world.a.team.pk]))
    assert response.status_code == 200
    spec = _spec(response, f"team-chart-{indicator('output').pk}")
    assert spec["marks"] == [{"at": f"{months[3]:%Y-%m}", "label": f"covered from {months[3]:%Y-%m}-12"}]
    assert _by_month(spec)[f"{months[5]:%Y-%m}"] == 105
    assert "data-coverage" in response.content.decode()


def test_a_two_person_teams_income_is_withheld_from_the_secretary_and_shown_to_the_manager(world, login):
    months = months_back(3)
    record(
        world.a.enterprise,
        [("headcount", world.a.team, m, 2) for m in months] + [("income", world.a.team, m, 5200) for m in months],
    )
    income = indicator("income").pk
    team_url = reverse("indicators:team", args=[world.a.team.pk])
    ent_url = reverse("indicators:enterprise", args=[world.a.enterprise.pk])
    secretary = login(world.a.secretary)
    response = secretary.get(team_url, {"indicator": income})
    assert set(_by_month(_spec(response, f"team-chart-{income}")).values()) == {None}
    assert "5200" not in response.content.decode() and "5,200" not in response.content.decode()
    assert "data-masked" in response.content.decode()
    response = secretary.get(ent_url, {"indicator": income})
    assert set(_by_month(_spec(response, "enterprise-chart")).values()) == {None}
    assert "5,200" not in response.content.decode() and "data-masked" in response.content.decode()

    manager = login(world.a.manager)
    response = manager.get(team_url, {"indicator": income})
    assert _by_month(_spec(response, f"team-chart-{income}"))[f"{months[-1]:%Y-%m}"] == 5200
    response = manager.get(ent_url, {"indicator": income})
    assert _by_month(_spec(response, "enterprise-chart"))[f"{months[-1]:%Y-%m}"] == 5200
    assert "5,200" in response.content.decode()  # the team's latest figure, in the teams list


# --- the roll-up ------------------------------------------------------------------------------


def test_the_park_roll_up_rows_its_enterprises_and_totals_them(world, login):
    months, _before, _q = _quarter_months()
    _two_teams(world.a)
    record(world.b.enterprise, [("output", world.b.team, m, 50) for m in months])
    client = login(world.county_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("indicators:rollup", args=[world.park.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    row_a = body[body.index(f'data-row="enterprise-{world.a.enterprise.pk}"') :]
    row_a = row_a[: row_a.index("</tr>")]
    assert "A公司" in row_a and ">900<" in row_a and "+300" in row_a and "94.7" in row_a
    total = body[body.index('data-row="total"') :]
    assert ">1,050<" in total[: total.index("</tr>")]  # 900 + 3 × 50
    line = _by_month(_spec(response, "rollup-chart"))
    assert [line[f"{m:%Y-%m}"] for m in months] == [350, 350, 350]


def test_the_county_roll_up_drills_down_to_its_park(world, login):
    months, _before, _q = _quarter_months()
    record(world.a.enterprise, [("output", world.a.team, m, 70) for m in months])
    response = login(world.county_admin).get(reverse("indicators:rollup", args=[world.county.pk]))
    body = response.content.decode()
    assert f'data-row="org-{world.park.pk}"' in body
    assert reverse("indicators:rollup", args=[world.park.pk]) in body
    assert reverse("indicators:analysis") + f"?org={world.county.pk}" in body


def test_home_takes_each_reader_where_they_read(world, login):
    assert login(world.county_admin).get(reverse("indicators:home"))["Location"] == reverse(
        "indicators:rollup", args=[world.county.pk]
    )
    assert login(world.a.manager).get(reverse("indicators:home"))["Location"] == reverse(
        "indicators:enterprise", args=[world.a.enterprise.pk]
    )
    both = UserFactory(username="statistician_ab")
    access_services.assign_role(actor=None, user=both, role=Role.STATISTICIAN, enterprise=world.a.enterprise)
    access_services.assign_role(actor=None, user=both, role=Role.STATISTICIAN, enterprise=world.b.enterprise)
    response = login(both).get(reverse("indicators:home"))
    assert response.status_code == 200
    assert "A公司" in response.content.decode() and "B公司" in response.content.decode()


# --- who reads what ---------------------------------------------------------------------------


def test_side_b_cannot_open_a_pages(world, login):
    client = login(world.b.manager)
    assert client.get(reverse("indicators:enterprise", args=[world.a.enterprise.pk])).status_code == 404
    assert client.get(reverse("indicators:team", args=[world.a.team.pk])).status_code == 404
    assert client.get(reverse("indicators:rollup", args=[world.park.pk])).status_code == 404
    # B's own pages open.
    assert client.get(reverse("indicators:enterprise", args=[world.b.enterprise.pk])).status_code == 200


def test_a_member_and_an_employee_read_no_figures(world, login, member_user):
    worker = UserFactory(username="worker_a", person=world.a.worker)
    for user in (member_user, worker):
        client = login(user)
        assert client.get(reverse("indicators:home")).status_code == 403
        assert client.get(reverse("indicators:enterprise", args=[world.a.enterprise.pk])).status_code == 403
        assert client.get(reverse("indicators:team", args=[world.a.team.pk])).status_code == 403


def test_another_countys_department_sees_nothing_of_this_county(world, login):
    outsider = UserFactory(username="outsider_admin")
    access_services.assign_role(actor=None, user=outsider, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    client = login(outsider)
    assert client.get(reverse("indicators:rollup", args=[world.county.pk])).status_code == 404
    assert client.get(reverse("indicators:rollup", args=[world.park.pk])).status_code == 404
    assert client.get(reverse("indicators:enterprise", args=[world.a.enterprise.pk])).status_code == 404
    response = client.get(reverse("indicators:rollup", args=[world.outsider_county.pk]))
    assert response.status_code == 200 and "A公司" not in response.content.decode()


# --- query counts -----------------------------------------------------------------------------


def _grow_enterprise(side, teams: int) -> None:
    months = months_back(12)
    made = [
        UnitFactory(enterprise=side.enterprise, kind="team", name=f"扩展{i}组", parent=side.workshop)
        for i in range(teams)
    ]
    rows = []
    for i, t in enumerate(made):
        rows += [("headcount", t, m, 10 + i % 5) for m in months] + [("pass_rate", t, m, 90 + i % 7) for m in months]
    record(side.enterprise, rows)
    for t in made[: teams // 2]:
        cover(side, t, months[4].replace(day=3))


def _grow_park(world, enterprises: int) -> None:
    months = months_back(6)
    for i in range(enterprises):
        ent = EnterpriseFactory(name=f"园区企业{i}", supervising_org=world.park)
        team = UnitFactory(enterprise=ent, kind="team", name="一组")
        record(ent, [("output", team, m, 100 + i) for m in months] + [("headcount", team, m, 12) for m in months])


@pytest.mark.parametrize("size", [3, 30])
def test_the_enterprise_page_takes_the_same_queries_for_many_teams(world, login, django_assert_max_num_queries, size):
    _grow_enterprise(world.a, size)
    client = login(world.a.manager)
    url = reverse("indicators:enterprise", args=[world.a.enterprise.pk])
    query = {"indicator": indicator("pass_rate").pk}
    with django_assert_max_num_queries(15):
        assert client.get(url, query).status_code == 200
    team_url = reverse("indicators:team", args=[world.a.team.pk])
    with django_assert_max_num_queries(10):
        assert client.get(team_url).status_code == 200


@pytest.mark.parametrize("size", [2, 25])
def test_the_roll_up_takes_the_same_queries_for_many_enterprises(world, login, django_assert_max_num_queries, size):
    _grow_park(world, size)
    prefecture_admin = UserFactory(username="prefecture_admin")
    access_services.assign_role(
        actor=None, user=prefecture_admin, role=Role.ORG_DEPARTMENT, organization=world.prefecture
    )
    client = login(prefecture_admin)
    # The session, the user and their roles; the committee, the indicators, its enterprises and
    # the committees below; the figures (sums and means, then those weighed by headcount: the
    # headcount indicator and the figures, pay apart: its small teams left out), the teams, their
    # coverage, the teams reporting; the chart's line; the committee above; the bell.
    for org in (world.park, world.county, world.prefecture):
        with django_assert_max_num_queries(17):
            response = client.get(reverse("indicators:rollup", args=[org.pk]))
        assert response.status_code == 200
        total = response.content.decode().split('data-row="total"', 1)[1].split("</tr>", 1)[0]
        assert f'<td class="text-end">{size + 2}</td>' in total  # the park's enterprises, at every level
