"""A branch secretary on a 360-px-wide phone in a real Chromium: opens Political birthdays from
the menu, steps to the month of the branch's birthdays, downloads one member's card and starts
the batch of all cards, which ends with a PDF to download."""

from __future__ import annotations

import datetime as dt

from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in, open_menu
from dangjian.testing.members import member

pytestmark = BROWSER_MARKS


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_a_secretary_prints_the_cohort_on_a_phone(world, live_server, browser):
    member(world.a, dt.date(2016, 7, 20), name="热依拉·买买提")
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    try:
        log_in(page, live_server, "secretary_a")
        open_menu(page)
        page.click("a.nav-link[href='/birthdays/']")
        page.wait_for_selector("[data-period]")
        _no_sideways_scroll(page)
        page.goto(f"{live_server.url}/birthdays/?org={world.a.branch.pk}&year=2026&period=6")
        page.click("[data-nav=next]")
        page.wait_for_selector('[data-period="2026-7"]')
        _no_sideways_scroll(page)
        assert page.locator("#cohort tbody tr").count() == 3  # A党员, A书记 and the new member
        # Each row's download button is on the screen, not beyond the table's sideways scroll.
        for box in [b.bounding_box() for b in page.locator("[data-card]").all()]:
            assert box is not None and box["x"] + box["width"] <= PHONE["width"]
        with page.expect_download() as download:
            page.locator("tr", has_text="热依拉·买买提").locator("[data-card]").click()
        assert download.value.suggested_filename.endswith(".pdf")
        page.click("[data-print-all]")
        page.wait_for_selector("[data-download]", timeout=30_000)
        assert "3" in page.inner_text("[data-result]")
        _no_sideways_scroll(page)
    finally:
        context.close()
