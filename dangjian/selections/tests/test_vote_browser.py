"""The vote on a 360-px phone in a real Chromium, under the Content-Security-Policy: a worker
scans their ballot sheet's QR code (the code after `#` is posted by the page's script, never
requested), chooses with big targets, reads back, casts and sees the receipt; a voter with a
login votes from the to-do home."""

from __future__ import annotations

from django.urls import reverse

from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import Ballot
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in
from dangjian.testing.factories import UserFactory
from dangjian.testing.selections import in_vote

pytestmark = BROWSER_MARKS


def _fits(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_worker_votes_with_the_sheet_qr_code_on_a_phone(transactional_db, live_server, world, browser):
    r = in_vote(world.a)
    line = ballot_selectors.voter_line(r.poll, world.a.secretary.person.pk)
    [(_line, code)] = ballots.issue_sheets(actor=None, poll=r.poll, voters=[line])
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    requested: list[str] = []
    page.on("request", lambda req: requested.append(req.url))
    page.goto(f"{live_server.url}{reverse('selections:sheet')}#{code}")
    page.wait_for_selector("[data-ballot-form]")  # the script posted the code: the ballot is open
    assert "#" not in page.url and all(code not in url for url in requested)
    assert r.title in page.inner_text("h1") and "B公司" not in page.content()
    _fits(page)
    for group in page.locator("[data-question]").all():
        group.locator(".form-selectgroup-label").first.click()
    page.click("[data-review]")
    page.wait_for_selector("[data-ballot-review]")
    _fits(page)
    page.click("[data-cast] button[value=cast]")
    page.wait_for_selector("[data-receipt]")
    receipt = page.inner_text("[data-receipt]").strip()
    assert len(receipt) == 14 and Ballot.objects.filter(poll=r.poll).count() == 1
    _fits(page)
    assert not problems, problems
    context.close()


def test_a_voter_opens_the_ballot_from_the_to_do_home(transactional_db, live_server, world, browser):
    r = in_vote(world.a)
    UserFactory(username="worker_a", person=world.a.worker)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, "worker_a")
    page.click('[data-todo-kind="selections"]')
    page.wait_for_selector("[data-ballot-form]")
    assert page.url.endswith(reverse("selections:ballot", args=[r.pk]))
    _fits(page)
    labels = page.locator("[data-question] .form-selectgroup-label")
    assert labels.first.bounding_box()["height"] >= 44  # a thumb's target
    page.click("[data-review]")  # nothing chosen: each category says what it needs
    assert page.locator("[data-question] .alert-danger").count() == 2
    context.close()
