"""The figures' charts in a real Chromium on a 360-px phone: an enterprise's, a team's and the
committee's months are drawn (SVG) without widening the page, the analysis's event study is
drawn, and a result swapped in by htmx after its background job is drawn too — all under the
Content-Security-Policy, with no error in the console."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from dangjian.indicators import effects
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in
from dangjian.testing.indicator_scenes import (
    analysis_scene,
    cover,
    indicator,
    months_back,
    record,
)
from dangjian.testing.indicators import install_defaults

pytestmark = BROWSER_MARKS

DRAWN = "() => document.querySelectorAll('.chart[data-drawn]').length >= {n}"


def _page(browser, live_server, username):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, live_server, username)
    return context, page, errors


def _fits(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


def test_the_charts_are_drawn_on_a_phone(transactional_db, live_server, world, browser, tmp_path, monkeypatch):
    install_defaults()  # a test that commits before this one empties the tables, the seeded defaults with them
    months = months_back(8)
    record(
        world.a.enterprise,
        [("output", world.a.team, m, 100 + 5 * i) for i, m in enumerate(months)]
        + [("headcount", world.a.team, m, 12) for m in months],
    )
    record(world.b.enterprise, [("output", world.b.team, m, 40) for m in months])
    cover(world.a, world.a.team, months[4].replace(day=3))
    context, page, errors = _page(browser, live_server, "manager_a")

    page.goto(f"{live_server.url}{reverse('indicators:enterprise', args=[world.a.enterprise.pk])}")
    page.wait_for_function(DRAWN.format(n=1))
    assert page.locator(".chart svg").count() == 1
    assert "B公司" not in page.content()
    _fits(page)
    page.screenshot(path=str(Path(tmp_path) / "enterprise.png"), full_page=True)

    page.goto(f"{live_server.url}{reverse('indicators:team', args=[world.a.team.pk])}")
    page.wait_for_function(DRAWN.format(n=2))  # output and headcount
    _fits(page)
    assert errors == []
    context.close()


def test_the_roll_up_and_the_analysis_are_drawn_and_a_result_swapped_in_is_drawn(
    transactional_db, live_server, world, browser, tmp_path, monkeypatch
):
    install_defaults()
    analysis_scene(world, teams_per_side=6, months=12)
    context, page, errors = _page(browser, live_server, "county_admin")

    page.goto(f"{live_server.url}{reverse('indicators:rollup', args=[world.park.pk])}")
    page.wait_for_function(DRAWN.format(n=1))
    _fits(page)
    page.screenshot(path=str(Path(tmp_path) / "rollup.png"), full_page=True)

    page.goto(f"{live_server.url}{reverse('indicators:analysis')}?org={world.county.pk}")
    page.wait_for_function(DRAWN.format(n=1))
    assert page.locator("[data-headline]").count() == 1
    _fits(page)
    page.screenshot(path=str(Path(tmp_path) / "analysis.png"), full_page=True)

    # A large analysis goes to a background job; the test's task backend runs it as it is
    # started, so the page has its result at once (the progress panel: test_analysis_page.py)
    # and draws the result's chart.
    monkeypatch.setattr(effects, "INLINE_OBSERVATIONS", 10)
    other = indicator("headcount").pk  # not the one analysed above, which is kept
    page.goto(f"{live_server.url}{reverse('indicators:analysis')}?org={world.park.pk}&indicator={other}")
    page.wait_for_selector("#analysis-result[data-status=ok]", timeout=15_000)
    page.wait_for_function(DRAWN.format(n=1))
    assert errors == []
    context.close()
