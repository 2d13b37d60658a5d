"""The home dashboard keeps a panel's figures for a few minutes and says when it counted them."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from dangjian.testing.factories import EnterpriseFactory, PersonFactory

START = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def _figure(body: str, panel: str, key: str) -> int:
    section = body.split(f'data-panel="{panel}"', 1)[1] if panel else body
    return int(re.search(rf'data-figure="{key}">(\d+)<', section).group(1))


def test_figures_are_kept_for_five_minutes_then_counted_again(world, login, settings):
    settings.DANGJIAN = {**settings.DANGJIAN, "DASHBOARD_SECONDS": 300}
    world.county_admin.language = "en"
    world.county_admin.save()
    client = login(world.county_admin)
    with time_machine.travel(START, tick=False):
        body = client.get(reverse("home")).content.decode()
        enterprises_before = _figure(body, "committee", "enterprises")
        local = timezone.localtime(START)
        with translation.override("en"):
            assert f"Counted at {local:%H:%M}; the figures are counted again every 5 minutes." in body
    EnterpriseFactory(supervising_org=world.park)  # one more enterprise under the county
    with time_machine.travel(START + dt.timedelta(minutes=4), tick=False):
        body = client.get(reverse("home")).content.decode()
        assert _figure(body, "committee", "enterprises") == enterprises_before  # still the kept figures
    with time_machine.travel(START + dt.timedelta(minutes=6), tick=False):
        body = client.get(reverse("home")).content.decode()
        assert _figure(body, "committee", "enterprises") == enterprises_before + 1
        assert f"Counted at {timezone.localtime(START + dt.timedelta(minutes=6)):%H:%M}" in body


def test_an_organisations_own_page_always_counts_afresh(world, login):
    client = login(world.a.secretary)
    client.get(reverse("home"))
    before = client.get(reverse("organizations:detail", args=[world.a.branch.pk])).content.decode()
    PersonFactory(employer=world.a.enterprise)
    after = client.get(reverse("organizations:detail", args=[world.a.branch.pk])).content.decode()
    assert _figure(after, "", "employees") == _figure(before, "", "employees") + 1


def test_an_organisation_that_changes_kind_gets_the_other_panel_at_once(world, login):
    """A park committee made an enterprise committee shows a branch panel, not the kept figures
    of its committee panel."""
    from dangjian.access.services import assign_role
    from dangjian.organizations import services as org_services

    assign_role(actor=None, user=world.a.secretary, role="secretary", organization=world.park)
    client = login(world.a.secretary)
    assert 'data-panel="committee"' in client.get(reverse("home")).content.decode()
    org_services.update_organization(actor=None, org=world.park, kind="committee")
    body = client.get(reverse("home")).content.decode()
    assert client.get(reverse("home")).status_code == 200
    assert body.count('data-panel="branch"') == 2  # the park, now an enterprise committee, and A's branch


def test_a_managers_figures_never_count_the_other_enterprise(world, login):
    def employees(user) -> int:
        cache.clear()  # the figures are kept for minutes: count them afresh
        return _figure(login(user).get(reverse("home")).content.decode(), "", "employees")

    a_before, b_before = employees(world.a.manager), employees(world.b.manager)
    for i in range(4):
        PersonFactory(name=f"B新员工{i}", employer=world.b.enterprise)
    assert employees(world.a.manager) == a_before
    assert employees(world.b.manager) == b_before + 4


def test_the_applying_tile_adds_up_to_the_chart_beside_it(world, login):
    from dangjian.development import services as development

    for k, name in enumerate(["申一", "申二", "申三"]):
        person = PersonFactory(name=name, employer=world.a.enterprise)
        development.apply(
            actor=world.a.secretary,
            person=person,
            organization=world.a.branch,
            applied_on=dt.date(2026, 1, 10 + k),
            today=dt.date(2026, 1, 20),
        )
    body = login(world.a.secretary).get(reverse("home")).content.decode()
    tile = _figure(body, "branch", "applicants")
    sub = body.split('data-figure="applicants">', 1)[1].split("</div></div>", 1)[0]
    parts = [int(n) for n in re.findall(r"(\d+)", sub.split("</div>", 1)[1])]
    assert tile == sum(parts) >= 3  # the tile's sub-line names each status the chart shows
