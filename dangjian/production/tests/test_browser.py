"""Party building in production in a real Chromium, on a 360-px phone, in Chinese and in English:
the secretary finds *In production* in the menu, puts the team in a member's charge, pairs the
member with a worker and proposes a post; the county recognises it from its registry; the worker
writes a note on their pairing; the one-tap attendance of a course session works with htmx."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dangjian.production import services
from dangjian.production.models import PairingNote, Post, PostStatus, SessionAttendance, TeamCharge
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in, open_menu
from dangjian.testing.factories import UserFactory

pytestmark = BROWSER_MARKS

WORDS = {
    "zh-hans": {"menu": "党建促生产", "covered": "1 个班组中 1 个已包联"},
    "en": {"menu": "Production", "covered": "1 of 1 teams covered"},
}


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _language(context, live_server, language: str) -> None:
    if language == "en":
        page = context.new_page()
        page.goto(live_server.url + "/")
        with page.expect_navigation():
            page.select_option("select[name=language]", "en")
        page.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_branch_runs_its_production_work_on_a_phone(transactional_db, live_server, world, browser, language):
    a = world.a
    start = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    log_in(page, live_server, "secretary_a")
    _language(phone, live_server, language)
    page.goto(live_server.url + "/")
    open_menu(page)
    menu = page.locator("[data-nav-production]")
    assert menu.inner_text().strip() == WORDS[language]["menu"]
    menu.click()
    page.wait_for_url("**/production/**")
    assert page.locator("[data-uncovered-team]").count() == 1
    _fits(page)

    # The uncovered team, put in the member's charge from its row.
    page.click("#coverage a[href*='team=']")
    page.select_option("select[name=member]", str(a.member.pk))
    page.fill("input[name=started_on]", start)
    page.click("[data-form-page] button[type=submit]")
    page.wait_for_url("**/production/?org=*")
    assert WORDS[language]["covered"] in page.locator("[data-coverage-figure]").inner_text()
    assert TeamCharge.objects.filter(team=a.team, member=a.member).exists()
    _fits(page)

    # A pairing, 1+1, for skills.
    page.click("#pairings a.btn-primary")
    page.select_option("select[name=member]", str(a.member.pk))
    page.select_option("select[name=partners]", [str(a.worker.pk)])
    page.check("input[name=purposes][value=skills]")
    page.fill("input[name=started_on]", start)
    page.click("[data-form-page] button[type=submit]")
    page.wait_for_url("**/production/pairings/*/")
    assert a.worker.name in page.locator("[data-partner]").inner_text()
    _fits(page)

    # A post, proposed; its page offers the sign.
    page.goto(live_server.url + reverse("production:post_new") + f"?org={a.branch.pk}")
    page.fill("input[name=title]", "质量检验先锋岗")
    page.select_option("select[name=holder]", str(a.member.pk))
    page.fill("textarea[name=commitment]", "出厂产品零缺陷")
    page.fill("input[name=started_on]", start)
    page.click("[data-form-page] button[type=submit]")
    page.wait_for_url("**/production/posts/*/")
    assert page.locator("[data-sign]").is_visible()
    _fits(page)
    phone.close()

    # The county recognises it from its registry.
    desk = browser.new_context()
    county = desk.new_page()
    log_in(county, live_server, "county_admin")
    county.goto(live_server.url + reverse("production:posts") + f"?org={world.county.pk}&status=proposed")
    county.click("[data-recognise]")
    county.wait_for_load_state()
    assert Post.objects.get().status == PostStatus.RECOGNISED
    desk.close()

    # The worker writes a note on their pairing, on their phone.
    UserFactory(username="worker_a", person=a.worker)
    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    log_in(page, live_server, "worker_a")
    _language(phone, live_server, language)
    page.goto(live_server.url + reverse("production:page"))
    page.click("[data-my-pairing]")
    page.fill("textarea[name=note-text]", "学会了锁边机的调试")
    page.click("#note button[type=submit]")
    page.wait_for_url("**/production/pairings/*/")
    assert "学会了锁边机的调试" in page.locator("[data-note]").first.inner_text()
    assert PairingNote.objects.get().author == a.worker
    _fits(page)
    phone.close()


def test_one_tap_marks_a_trainee_present_without_reloading(transactional_db, live_server, world, browser):
    a = world.a
    today = dt.date.today()
    course = services.open_course(
        actor=None,
        organization=a.branch,
        title="质检技能培训",
        skill="质检",
        trainer=a.member,
        starts_on=today - dt.timedelta(days=3),
        ends_on=today,
        hours=Decimal(8),
    )
    services.enrol(actor=None, course=course, people=[a.worker])
    services.hold_session(actor=None, course=course, held_on=today, hours=Decimal(2))
    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    log_in(page, live_server, "secretary_a")
    page.goto(live_server.url + reverse("production:course", args=[course.pk]))
    row = page.locator(f"[data-attendance='{a.worker.name}']")
    assert row.get_attribute("data-present") == "0"
    page.evaluate("window.__stay = 1")
    row.locator("button").click()
    page.wait_for_selector(f"[data-attendance='{a.worker.name}'][data-present='1']")
    assert page.evaluate("window.__stay") == 1  # swapped in place, not reloaded
    assert SessionAttendance.objects.get().present
    _fits(page)
    phone.close()
    # Side B's secretary has no such course.
    elsewhere = browser.new_context(viewport=PHONE)
    other = elsewhere.new_page()
    log_in(other, live_server, world.b.secretary.username)
    response = other.goto(live_server.url + reverse("production:course", args=[course.pk]))
    assert response.status == 404
    elsewhere.close()
