"""The appraisal on a 360-px phone in a real Chromium, under the Content-Security-Policy: a member
opens the rating from the to-do home, grades each member, reads back and casts; the secretary's
round page with the count, the cap and the proposal fits the phone."""

from __future__ import annotations

from django.urls import reverse

from dangjian.appraisal.models import Step
from dangjian.ballots.models import Ballot
from dangjian.testing import appraisal as scene
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in
from dangjian.testing.factories import UserFactory

pytestmark = BROWSER_MARKS


def _fits(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_member_rates_on_a_phone_and_the_secretary_proposes(transactional_db, live_server, world, browser):
    r = scene.at_step(scene.round_of(world.a), Step.VOTE)
    UserFactory(username="member_a", person=world.a.member)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, "member_a")
    page.click('[data-todo-kind="appraisal"]')
    page.wait_for_selector("[data-ballot-form]")
    assert page.url.endswith(reverse("appraisal:ballot", args=[r.pk]))
    assert "A书记" in page.content() and "B书记" not in page.content()  # A's members only
    _fits(page)
    for group in page.locator("[data-question]").all():
        group.locator(".form-selectgroup-label").nth(1).click()  # qualified
    page.click("[data-review]")
    page.wait_for_selector("[data-ballot-review]")
    _fits(page)
    page.click("[data-cast] button[value=cast]")
    page.wait_for_selector("[data-ballot-cast]")
    assert Ballot.objects.filter(poll=r.poll).count() == 1
    scene.cast_all(r)
    scene.at_step(r, Step.PROPOSAL)
    context.close()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, "secretary_a")
    page.goto(f"{live_server.url}{reverse('appraisal:round', args=[r.pk])}")
    page.wait_for_selector("[data-tally]")
    assert page.locator("[data-cap]").count() == 1 and page.locator("[data-proposal]").count() == 1
    _fits(page)
    assert not problems, problems
    context.close()
