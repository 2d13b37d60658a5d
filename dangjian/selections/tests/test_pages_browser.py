"""A round on a 360-px phone in a real Chromium, under the Content-Security-Policy: the secretary
finds the pacesetters in the menu and opens a round through its form; the worker nominates the
member and the member adds evidence; after the vote the committee records its review with the
page's radio buttons, moves the round on with the confirming button, and the worker raises an
objection during the notice. No page is wider than the phone, and none shows side B."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.selections import services
from dangjian.selections.models import Builtin, Decision, Nomination, Objection, Phase, Round
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in, open_menu
from dangjian.testing.selection_pages import member_user_of, vote, worker_user
from dangjian.testing.selections import round_of

pytestmark = BROWSER_MARKS


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert "B公司" not in page.content()


def _phone(browser, live_server, username: str):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirming buttons (data-confirm-submit)
    log_in(page, live_server, username)
    return context, page, errors


def test_a_round_from_its_form_to_its_notice_on_a_phone(transactional_db, live_server, world, browser):
    a = world.a
    round_of(world.b)
    worker_user(a)
    member_user_of(a)

    # The secretary opens a round from the menu.
    context, page, errors = _phone(browser, live_server, "secretary_a")
    open_menu(page)
    page.click("[data-nav-selections]")
    page.wait_for_url("**/selections/")
    page.click("[data-new-round]")
    page.select_option("select[name=enterprise]", str(a.enterprise.pk))
    page.fill("input[name=title]", "四型标兵评选第三轮")
    page.fill("input[name=quota_income]", "2")
    _fits(page)
    page.click("[data-round-form] button[type=submit]")
    page.wait_for_url("**/selections/*/")
    r = Round.objects.get(title="四型标兵评选第三轮")
    assert page.locator("[data-category]").count() == 4
    _fits(page)
    context.close()

    # The worker nominates the member for the learning model.
    context, page, worker_errors = _phone(browser, live_server, "worker_a")
    page.goto(live_server.url + reverse("selections:round", args=[r.pk]))
    page.click("[data-nominate]")
    page.select_option("select[name=category]", str(r.categories.get(builtin=Builtin.LEARNING).pk))
    page.select_option("select[name=kind]", "peer")
    page.select_option("select[name=nominee]", str(a.member.pk))
    page.fill("textarea[name=reason]", "带头学习新工艺")
    _fits(page)
    page.click("[data-form-page] button[type=submit]")
    page.wait_for_url("**/nominations/*/")
    nomination = Nomination.objects.get(round=r)
    assert nomination.nominated_by == a.worker
    context.close()

    # The member adds evidence with a figure.
    context, page, member_errors = _phone(browser, live_server, "member_a")
    page.goto(live_server.url + reverse("selections:nomination", args=[r.pk, nomination.pk]))
    page.fill("textarea[name=text]", "一年带出10名熟练工")
    page.fill("input[name=figure_label_0]", "带徒人数")
    page.fill("input[name=figure_value_0]", "10人")
    _fits(page)
    page.click("[data-evidence-form] button[type=submit]")
    page.wait_for_selector("[data-figures]")
    assert nomination.evidence.get().figures == [{"label": "带徒人数", "value": "10人"}]
    context.close()

    # The vote (another page's) and its count.
    services.advance(actor=None, round=r, today=r.evidence_on)
    services.advance(actor=None, round=r, today=r.vote_on)
    r.refresh_from_db()
    vote(r, a.worker, {Builtin.LEARNING: nomination})
    services.advance(actor=None, round=r, today=r.vote_until + dt.timedelta(days=1))
    result = r.results.get()

    # The secretary records the review and moves the round on to the notice.
    context, page, review_errors = _phone(browser, live_server, "secretary_a")
    page.goto(live_server.url + reverse("selections:round", args=[r.pk]))
    assert page.locator("[data-advance] button").is_disabled()
    _fits(page)
    page.check(f"[data-review-form='{result.pk}'] input[value=confirmed]")
    page.click(f"[data-review-form='{result.pk}'] button[type=submit]")
    page.wait_for_selector(f"[data-result='{result.pk}'][data-decision='confirmed']")
    page.click("[data-advance] button")
    page.wait_for_selector("[data-phase='notice']")
    r.refresh_from_db()
    result.refresh_from_db()
    assert result.decision == Decision.CONFIRMED and r.phase == Phase.NOTICE
    context.close()

    # The worker reads the notice and raises an objection.
    context, page, notice_errors = _phone(browser, live_server, "worker_a")
    page.goto(live_server.url + reverse("selections:notice", args=[r.pk]))
    assert a.member.name in page.locator("[data-notice]").inner_text()
    _fits(page)
    page.goto(live_server.url + reverse("selections:round", args=[r.pk]))
    page.fill("[data-objection-form] textarea", "请核实带徒人数")
    page.click("[data-objection-form] button[type=submit]")
    page.wait_for_selector("[data-objection]")
    _fits(page)
    assert Objection.objects.get(round=r).text == "请核实带徒人数"
    context.close()
    assert errors + worker_errors + member_errors + review_errors + notice_errors == []
