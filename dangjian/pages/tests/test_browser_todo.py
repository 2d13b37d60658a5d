"""The to-do list in a real Chromium on a 360-px phone, in Chinese and English: a secretary sees
what is due and one tap opens the page where it is done."""

from __future__ import annotations

import pytest

from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in

pytestmark = BROWSER_MARKS


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_secretary_opens_a_due_item_on_a_phone(transactional_db, live_server, world, browser, language):
    world.a.secretary.language = language
    world.a.secretary.save()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, "secretary_a")
    heading = page.locator("#todo .card-title").inner_text()
    assert heading == ("To do this month" if language == "en" else "本月待办")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "B公司党支部" not in page.locator("#todo").inner_text()
    first = page.locator("#todo [data-todo-kind]").first
    href = first.get_attribute("href")
    first.click()
    page.wait_for_url(f"**{href.split('?')[0]}**")
    assert page.locator("h1").count() >= 1
    context.close()
