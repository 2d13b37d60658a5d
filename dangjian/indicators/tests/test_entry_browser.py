"""The monthly form on a 360-px phone in a real Chromium, under the Content-Security-Policy, in
both languages: the manager picks a team from the list (it sends itself), types the figures,
confirms one outside its plausible range, goes on to the next team, and reads the month. No page
is wider than the phone, and none shows side B."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.indicators.models import Value
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in
from dangjian.testing.factories import UnitFactory
from dangjian.testing.indicators import indicator
from dangjian.testing.indicators_entry import figure

pytestmark = BROWSER_MARKS


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert "B缝纫一组" not in page.content()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_form_on_a_phone(transactional_db, live_server, world, browser, language):
    a = world.a
    a.manager.language = language
    a.manager.save(update_fields=["language"])
    second = UnitFactory(enterprise=a.enterprise, kind="team", name="A缝纫二组", parent=a.workshop)
    figure(world.b, "output", "999")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, live_server, "manager_a")

    page.goto(live_server.url + reverse("indicators:enter", args=[a.enterprise.pk]))
    page.select_option("select[name=team]", str(second.pk))
    page.wait_for_url(f"**team={second.pk}")
    _fits(page)
    page.fill(f"input[name=t{indicator('output').pk}]", "1,200")
    page.fill(f"input[name=t{indicator('pass_rate').pk}]", "30")
    assert page.locator("[data-save-next]").count() == 0  # the last team of the list
    page.click("[data-save]")
    page.locator("[data-unconfirmed]").wait_for(state="visible")  # the form comes back, asking
    _fits(page)
    assert not Value.objects.filter(team=second).exists()
    page.check("[data-confirm-figures]")
    page.click("[data-save]")
    page.wait_for_load_state()
    assert page.locator("[data-confirmed]").count() == 1
    assert Value.objects.get(team=second, indicator=indicator("pass_rate")).confirmed
    _fits(page)

    page.goto(live_server.url + reverse("indicators:month", args=[a.enterprise.pk]))
    assert page.locator(f'[data-team="{second.pk}"]').get_attribute("data-filled") == "2"
    _fits(page)
    assert errors == []
    context.close()
