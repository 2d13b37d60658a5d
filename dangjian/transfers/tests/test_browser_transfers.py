"""The receiving branch's secretary on a 360-px-wide phone in a real Chromium: the person page's
panel loads, the letter waiting on the to-do opens from the menu's list, and accepting it moves
the member, without sideways scrolling."""

from __future__ import annotations

from dangjian.people.models import Membership
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in
from dangjian.testing.transfers import issued

pytestmark = BROWSER_MARKS


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_the_receiver_accepts_a_letter_on_a_phone(world, live_server, browser):
    t = issued(world)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server, "secretary_b")
        _no_sideways_scroll(page)
        page.goto(f"{live_server.url}/transfers/")
        page.wait_for_selector(f'[data-transfer="{t.pk}"]')
        _no_sideways_scroll(page)
        page.click(f'[data-transfer="{t.pk}"] a')
        page.wait_for_selector("[data-accept]")
        _no_sideways_scroll(page)
        page.click("[data-accept]")
        page.click("[data-form-page] button[type=submit]")
        page.wait_for_selector('[data-status="accepted"]')
        _no_sideways_scroll(page)
        assert Membership.objects.get(person=world.a.member, ended_on__isnull=True).organization == world.b.branch
        # The moved member's page now shows the move in its panel (loaded after the page).
        page.goto(f"{live_server.url}/people/{world.a.member.pk}/")
        page.wait_for_selector(f'[data-move="{t.pk}"]')
        _no_sideways_scroll(page)
    finally:
        context.close()
