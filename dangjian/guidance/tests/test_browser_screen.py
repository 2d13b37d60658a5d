"""The large screen in a real Chromium at 1920×1080, as the county's meeting room shows it: the
figures fill the page without scrolling, the three charts are drawn (on canvas), the page
polls its figures, and the browser reports no error (the CSP refuses nothing)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.urls import reverse

from dangjian.development import services as development_services
from dangjian.testing.browser import BROWSER_MARKS, log_in
from dangjian.testing.factories import EnterpriseFactory
from dangjian.testing.guidance import instructor_of, visit_of

pytestmark = BROWSER_MARKS

SCREEN = {"width": 1920, "height": 1080}


def test_the_large_screen_draws_its_figures_at_1920_by_1080(transactional_db, live_server, world, browser, tmp_path):
    EnterpriseFactory(name="C商贸公司", supervising_org=world.county, ownership="private")
    visit_of(world.a, instructor_of(world.a), on=dt.date.today() - dt.timedelta(days=3))
    development_services.apply(
        actor=None, person=world.a.worker, organization=world.a.branch, applied_on=dt.date.today()
    )
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, live_server, "county_admin")
    page.goto(f"{live_server.url}{reverse('guidance:screen')}?org={world.county.pk}")
    page.wait_for_function("() => document.querySelectorAll('[data-screen-chart][data-drawn]').length === 3")
    assert page.locator("[data-screen-chart] canvas").count() == 3
    assert page.locator("[data-figure=members]").inner_text().strip() == "4"
    size = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size == [1920, 1080], size  # one screen, nothing to scroll
    # Readable from the back of the room: the numerals are at least 80 px high.
    assert page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.tile .num')).fontSize)") >= 80
    # The figures poll themselves: after a swap the charts are drawn again.
    with page.expect_response(lambda r: "/guidance/screen/figures/" in r.url):
        page.evaluate(
            "() => { const el = document.querySelector('#screen-figures');"
            " htmx.ajax('GET', el.getAttribute('hx-get'), {target: el, swap: 'innerHTML'}); }"
        )
    page.wait_for_function("() => document.querySelectorAll('[data-screen-chart][data-drawn]').length === 3")
    shot = Path(tmp_path) / "screen.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 20_000
    assert errors == []
    context.close()
