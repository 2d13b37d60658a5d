"""A branch secretary in a real Chromium: log in in Chinese, switch to English, open the member
list and a person — on a desktop and on a 360-px-wide phone."""

from __future__ import annotations

import pytest

from dangjian.testing.browser import BROWSER_MARKS, VIEWPORTS, open_menu

pytestmark = BROWSER_MARKS


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_secretary_logs_in_switches_language_and_opens_a_member(
    transactional_db, live_server, world, browser, viewport
):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    assert page.locator("h1").inner_text() == "党建工作平台"
    page.fill("input[name=username]", "secretary_a")
    page.fill("input[name=password]", "pass-Word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "欢迎" in page.locator("h1").inner_text()
    assert page.locator("[data-panel=branch] [data-figure=members]").inner_text() == "2"

    with page.expect_navigation():
        page.select_option("#language-form select", "en")
    assert "Welcome" in page.locator("h1").inner_text()

    open_menu(page)
    page.click("text=People")
    page.wait_for_url("**/people/")
    rows = page.locator("#person-table tbody tr")
    assert rows.count() == 3
    assert "B工人" not in page.content()

    page.select_option("select[name=status]", "members")
    page.wait_for_function("() => document.querySelectorAll('#person-table tbody tr').length === 2")
    page.click("text=A党员")
    page.wait_for_url("**/people/*/")
    assert page.locator("h1").inner_text().startswith("A党员")
    assert page.locator("[data-status]").inner_text() == "Full member"
    masked = page.locator("#id-number").inner_text()
    assert "*" in masked
    page.click("#id-number + button")
    page.wait_for_selector("[data-revealed]")
    assert "*" not in page.locator("[data-revealed]").inner_text()

    # Nothing spills sideways on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"]
    context.close()
