"""The error pages in a real Chromium, on a desktop and a 360-px phone, in Chinese and English:
a member refused the development board reads who may and finds the way home; a missing page
says so; nothing spills sideways."""

from __future__ import annotations

import pytest

from dangjian.testing.browser import BROWSER_MARKS, VIEWPORTS, log_in

pytestmark = BROWSER_MARKS


def _fits(page, viewport: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    home = page.locator("[data-error] a.btn-primary")
    box = home.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[viewport]["width"]


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_refused_member_reads_who_may_and_goes_home(
    transactional_db, live_server, world, member_user, browser, viewport, language
):
    member_user.language = language
    member_user.save()
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    log_in(page, live_server, member_user.username)
    response = page.goto(f"{live_server.url}/development/")
    assert response is not None and response.status == 403
    text = page.locator("[data-error]").inner_text()
    if language == "en":
        assert "You may not open this page" in text and "Branch secretary" in text and "Party member" in text
    else:
        assert "你无权打开此页面" in text and "支部书记" in text and "党员" in text
    _fits(page, viewport)
    page.locator("[data-error] a.btn-primary").click()
    page.wait_for_url(f"{live_server.url}/")

    response = page.goto(f"{live_server.url}/people/{world.b.member.pk}/")  # side B's: not found
    assert response is not None and response.status == 404
    assert ("Page not found" if language == "en" else "找不到页面") in page.locator("h1").inner_text()
    assert "B党员" not in page.content()
    _fits(page, viewport)
    context.close()
