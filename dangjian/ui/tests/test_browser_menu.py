"""The menu of the widest role (a county's organisation department) in English on desktops: one
line, every item on it unbroken, the language selector wide enough to read, nothing beyond the
window; below 1200 px it folds behind the toggler."""

from __future__ import annotations

import pytest

from dangjian.testing.browser import BROWSER_MARKS, log_in

pytestmark = BROWSER_MARKS


@pytest.mark.parametrize("width", [1200, 1280, 1440])
def test_the_english_menu_keeps_to_one_line(transactional_db, live_server, world, browser, width):
    world.county_admin.language = "en"
    world.county_admin.save()
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    log_in(page, live_server, "county_admin")
    links = page.locator("#navbar-menu .nav-link")
    tops = {round(link.bounding_box()["y"]) for link in links.all()}
    heights = {round(link.bounding_box()["height"]) for link in links.all()}
    assert len(tops) == 1 and len(heights) == 1  # one row, no item wrapped onto two lines
    language = page.locator("#language-form select")
    assert language.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # "English" is not cut
    beyond = page.evaluate(
        "w => Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w)"
        ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))",
        width,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, beyond
    assert "B公司" not in page.content()
    context.close()


def test_below_1200_the_menu_folds_behind_the_toggler(transactional_db, live_server, world, browser):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    log_in(page, live_server, "county_admin")
    assert page.locator(".navbar-toggler").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    context.close()
