"""The county set-up page on a 360-px phone in a real Chromium, under the Content-Security-Policy:
the county's organisation department finds it under "More", and every step, list and settings
form fits the phone's width; the console stays clean."""

from __future__ import annotations

from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in, open_menu

pytestmark = BROWSER_MARKS


def test_the_department_sets_up_its_county_on_a_phone(transactional_db, live_server, world, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, live_server, "county_admin")
    open_menu(page)
    page.click("[data-nav-more] > a")
    page.locator("[data-nav-setup]").wait_for(state="visible")
    page.click("[data-nav-setup]")
    page.wait_for_url(f"**/setup/{world.county.pk}/")
    assert page.locator("[data-step]").count() == 5
    for selector in ("#step-tree", "#step-rosters", "#step-logins", "#settings"):
        page.locator(selector).scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], selector
    assert errors == []
    context.close()
