"""The first working day of a new employee, in a real Chromium: HR gives a login from the person's
page; the employee activates it on a 360-px phone in Chinese or English, applies to join and
follows the application; the branch secretary finds it in the to-do list and the bell, with no
command run by anyone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.access.models import User
from dangjian.accounts import services
from dangjian.accounts.models import Activation
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in, open_menu
from dangjian.testing.factories import PersonFactory

pytestmark = BROWSER_MARKS

NEW_PASSWORD = "Bayinbuluk-grass-2026"
WORDS = {
    "zh-hans": {"heading": "激活登录账号", "applied": "您的申请已递交"},
    "en": {"heading": "Activate your login", "applied": "Your application has been sent to"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_new_employee_activates_on_a_phone_applies_and_the_secretary_is_told(
    transactional_db, live_server, world, browser, language
):
    words = WORDS[language]
    newcomer = PersonFactory(name="新来的阿依古丽", employer=world.a.enterprise, team=world.a.team)

    # HR gives the login from the person's page.
    desk = browser.new_context()
    hr = desk.new_page()
    log_in(hr, live_server, "manager_a")
    hr.goto(live_server.url + reverse("people:detail", args=[newcomer.pk]))
    assert hr.locator("[data-login]").get_attribute("data-login") == "none"
    hr.click("[data-give-login]")
    hr.click("[data-give]")
    hr.wait_for_url("**/account/logins/*/")
    assert newcomer.name in hr.locator("table").inner_text()
    desk.close()
    user = User.objects.get(person=newcomer)
    card_code = services.shown(Activation.objects.get(user=user).code_sealed)

    # The newcomer scans the card: the page opens with the code filled in.
    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    page.goto(f"{live_server.url}/activate/?code={card_code}")
    if language == "en":  # the page opens in Chinese; the switch keeps the code
        page.click("button[name=language][value=en]")
        page.wait_for_load_state()
    assert page.locator("h1").inner_text() == words["heading"]
    assert page.input_value("input[name=code]") == card_code
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # A typo in the ID ending is explained, and nothing is lost but that field.
    page.fill("input[name=id_tail]", "000000" if not newcomer.id_number.endswith("000000") else "111111")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    page.click("[data-activate] button[type=submit]")
    assert page.locator(".invalid-feedback").count() >= 1
    assert page.input_value("input[name=code]") == card_code
    page.fill("input[name=id_tail]", newcomer.id_number[-6:].lower())
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    page.click("[data-activate] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert user.username in page.locator(".alert").first.inner_text()

    # Applies to join, from the menu, and follows the application.
    open_menu(page)
    page.click("[data-apply]")
    page.wait_for_url("**/development/apply/**")
    page.fill("textarea[name=text]", "我志愿加入中国共产党，在车间里带头干。")
    page.click("#apply-form button[type=submit]")
    page.wait_for_url("**/development/*/")
    assert words["applied"] in page.locator(".alert").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    open_menu(page)
    assert page.locator("[data-my-application]").is_visible()
    phone.close()

    # The secretary sees it on the to-do list and in the bell, nobody having run a command.
    desk = browser.new_context()
    secretary = desk.new_page()
    log_in(secretary, live_server, "secretary_a")
    assert newcomer.name in secretary.locator("#todo").inner_text()
    assert int(secretary.locator("#notification-bell .badge-notification").inner_text()) >= 1
    desk.close()
