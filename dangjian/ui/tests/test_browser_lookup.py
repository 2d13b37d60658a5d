"""A long choice list in a real Chromium: the county department types part of an enterprise's
name into the search box above the select, picks it, and the list filters — on a phone too."""

from __future__ import annotations

import pytest

from dangjian.testing.browser import BROWSER_MARKS, VIEWPORTS, log_in

pytestmark = BROWSER_MARKS


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_searching_a_long_enterprise_list_and_filtering_by_the_match(
    transactional_db, live_server, world, browser, settings, viewport
):
    settings.DANGJIAN = {**settings.DANGJIAN, "LOOKUP_LIST_MAX": 1}  # two enterprises count as "long"
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, world.county_admin.username)
    page.goto(f"{live_server.url}/people/")
    select = page.locator("select[name=enterprise]")
    assert select.locator("option").count() == 1  # only "any enterprise" until something is searched
    search = page.locator("input[name=search][aria-controls=id_enterprise]")
    search.fill("B公")
    page.wait_for_function("() => document.querySelectorAll('#id_enterprise option').length === 2")
    assert "A公司" not in select.inner_text()
    select.select_option(label="B公司")
    page.wait_for_function("() => !document.querySelector('#person-table').innerText.includes('A工人')")
    table = page.locator("#person-table").inner_text()
    assert "B工人" in table and "A党员" not in table
    assert "enterprise=" in page.url and "search=" not in page.url  # the search box is not a filter
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"]
    context.close()
