"""The branch's monthly ledger on a 360-px phone in a real Chromium, under the
Content-Security-Policy: the secretary finds the dues under "More", marks a member paid with one
tap (the row is saved and redrawn in place), and opens the member's dues. No page is wider than
the phone, none shows side B, and the console stays clean."""

from __future__ import annotations

from decimal import Decimal

from dangjian.dues import selectors
from dangjian.dues.models import Charge
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in, open_menu
from dangjian.testing.dues import base, charge

pytestmark = BROWSER_MARKS


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert "B党员" not in page.content()


def test_the_secretary_marks_a_member_paid_on_a_phone(transactional_db, live_server, world, browser):
    month = selectors.this_month()
    for side in (world.a, world.b):
        base(side.member, month, "3000.01")
        charge(side.branch, month)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, live_server, "secretary_a")
    open_menu(page)  # "More" is pressed once the menu has slid open, and its items are waited for
    page.click("[data-nav-more] > a")
    page.locator("[data-nav-dues]").wait_for(state="visible")
    page.click("[data-nav-dues]")
    page.wait_for_url("**/dues/org/*/**")
    row = page.locator(f"tr[data-person='{world.a.member.pk}']")
    assert row.get_attribute("data-status") == "unpaid"
    assert "¥30.00" in row.inner_text()
    _fits(page)
    row.locator("[data-pay]").click()
    page.wait_for_selector(f"tr[data-person='{world.a.member.pk}'][data-status='paid']")
    assert Charge.objects.get(person=world.a.member).paid == Decimal("30.00")
    page.click(f"tr[data-person='{world.a.member.pk}'] a")
    page.wait_for_url("**/dues/person/*/")
    assert "¥3,000.01" not in page.content() and "¥••••" in page.content()  # masked until shown
    page.locator("[data-bases] button").first.click()
    page.wait_for_selector("[data-revealed='base_pay']")
    assert "¥3,000.01" in page.content()  # the base, to the branch's keeper, the viewing audited
    _fits(page)
    assert errors == []
    context.close()
