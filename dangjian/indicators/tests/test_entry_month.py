"""A month's completeness (how many teams have all their figures, each team's count, a link to
its form) and the HR's to-do for last month's figures: in a fixed number of queries however
many teams an enterprise has, and never naming the other enterprise's teams."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from dangjian.access import permissions
from dangjian.indicators import services
from dangjian.indicators.todo import todo
from dangjian.organizations.models import ProductionUnit
from dangjian.testing.factories import UnitFactory
from dangjian.testing.indicators import indicator, last_month, own_indicator
from dangjian.testing.indicators_entry import figure

CODES = ("output", "pass_rate", "on_time", "efficiency", "income", "headcount")


def _url(side, month=None, **query):
    q = "&".join(f"{k}={v}" for k, v in {"month": f"{month or last_month():%Y-%m}", **query}.items())
    return f"{reverse('indicators:month', args=[side.enterprise.pk])}?{q}"


def _complete(side, team, month=None):
    values = {
        "output": "100",
        "pass_rate": "98",
        "on_time": "95",
        "efficiency": "3",
        "income": "5000",
        "headcount": "9",
    }
    services.record_values(
        actor=side.manager,
        enterprise=side.enterprise,
        entries=[
            services.Entry(indicator(c), team, month or last_month(), services.parse_figure(values[c])) for c in CODES
        ],
    )


def _teams(side, n: int, prefix: str = "新增班组") -> list[ProductionUnit]:
    return [
        UnitFactory(enterprise=side.enterprise, kind="team", name=f"{prefix}{i}", parent=side.workshop)
        for i in range(n)
    ]


def test_the_month_counts_the_teams_complete_and_links_each_form(world, login):
    extra = _teams(world.a, 2)
    _complete(world.a, world.a.team)
    figure(world.a, "output", "10", team=extra[0])
    client = login(world.a.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(_url(world.a)).content.decode()
    assert "1 of 3" in body and "teams complete, with all 6 figures" in body and "1 begun" not in body
    assert 'data-complete="1" data-teams="3"' in body
    assert f'data-team="{world.a.team.pk}" data-filled="6"' in body
    assert f'data-team="{extra[0].pk}" data-filled="1"' in body
    enter = reverse("indicators:enter", args=[world.a.enterprise.pk])
    assert f"{enter}?month={last_month():%Y-%m}&amp;team={extra[1].pk}" in body
    download = reverse("indicators:values_xlsx", args=[world.a.enterprise.pk])
    assert f'action="{download}?first={last_month():%Y-%m}&amp;last={last_month():%Y-%m}"' in body
    missing = client.get(_url(world.a, missing=1)).content.decode()
    assert f'data-team="{world.a.team.pk}"' not in missing and f'data-team="{extra[1].pk}"' in missing


def test_an_enterprises_own_indicator_counts_in_every_teams_figures(world, login):
    own_indicator(world.a)
    _complete(world.a, world.a.team)
    body = login(world.a.manager).get(_url(world.a)).content.decode()
    assert 'data-complete="0" data-teams="1"' in body
    assert f'data-team="{world.a.team.pk}" data-filled="6"' in body  # of 7


def test_an_enterprise_level_indicator_is_counted_on_its_own(world, login):
    own_indicator(world.a, name="用电量", level="enterprise")
    body = login(world.a.manager).get(_url(world.a)).content.decode()
    assert 'data-enterprise-filled="0"' in body


def test_the_secretary_reads_the_month_without_links_to_enter(world, login):
    body = login(world.a.secretary).get(_url(world.a)).content.decode()
    assert "A缝纫一组" in body
    assert reverse("indicators:enter", args=[world.a.enterprise.pk]) not in body


def test_side_b_is_neither_counted_nor_reachable(world, login):
    _complete(world.b, world.b.team)
    body = login(world.a.manager).get(_url(world.a)).content.decode()
    assert 'data-complete="0" data-teams="1"' in body and "B缝纫一组" not in body
    assert login(world.b.manager).get(_url(world.a)).status_code == 404


def test_a_future_month_is_explained(world, login):
    client = login(world.a.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(_url(world.a, month=dt.date(last_month().year + 2, 1, 1)))
    assert response.status_code == 400 and "has not come yet" in response.content.decode()


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_month_page_runs_a_fixed_number_of_queries_for_700_teams(world, login, django_assert_max_num_queries):
    client = login(world.a.manager)
    few = _queries(client, _url(world.a))
    teams = _teams(world.a, 60)
    for team in teams[:30]:
        _complete(world.a, team)
    ProductionUnit.objects.bulk_create(
        [
            ProductionUnit(enterprise=world.a.enterprise, kind="team", name=f"批量班组{i}", parent=world.a.workshop)
            for i in range(640)
        ]
    )
    many = _queries(client, _url(world.a))
    assert many == few
    with django_assert_max_num_queries(12):
        body = client.get(_url(world.a)).content.decode()
    assert 'data-complete="30" data-teams="701"' in body
    assert 'data-month-teams="701"' in body and body.count("data-filled=") == settings.DANGJIAN["PAGE_SIZE"]


# --- the HR's to-do -------------------------------------------------------------------------------------


def test_the_hr_is_asked_for_last_months_figures_until_every_team_has_them(world):
    today = dt.date(2026, 6, 3)
    may = dt.date(2026, 5, 1)
    second = _teams(world.a, 1)[0]
    with translation.override("en"):
        items = todo(world.a.manager, today)
        assert [(i.title, i.detail) for i in items] == [("Enter the figures of 2026-05: 2 of 2 teams missing", "A公司")]
        assert items[0].url == f"{reverse('indicators:month', args=[world.a.enterprise.pk])}?month=2026-05&missing=1"
        _complete(world.a, world.a.team, may)
        _complete(world.a, second, dt.date(2026, 4, 1))  # another month's figures do not count
        assert [i.title for i in todo(world.a.manager, today)] == ["Enter the figures of 2026-05: 1 of 2 teams missing"]
    _complete(world.a, second, may)
    assert todo(world.a.manager, today) == []


def test_the_todo_is_the_hrs_and_names_only_their_enterprise(world):
    today = dt.date(2026, 6, 3)
    assert todo(world.a.secretary, today) == [] and todo(world.county_admin, today) == []
    _complete(world.a, world.a.team, dt.date(2026, 5, 1))
    items = todo(world.b.manager, today)
    assert [(i.detail, i.url) for i in items] == [
        ("B公司", f"{reverse('indicators:month', args=[world.b.enterprise.pk])}?month=2026-05&missing=1")
    ]
    assert todo(world.a.manager, today) == []


def test_the_todo_costs_three_queries_for_the_hr_and_none_for_others(world, django_assert_num_queries):
    today = dt.date(2026, 6, 3)
    _teams(world.a, 20)
    for user in (world.a.manager, world.a.secretary):
        permissions.may_see_indicators(user)  # the user's roles, read once per request (the menu asks first)
    with django_assert_num_queries(3):
        todo(world.a.manager, today)
    with django_assert_num_queries(0):
        todo(world.a.secretary, today)
