"""County guidance in a real Chromium on a 360-px phone, in Chinese and in English: the instructor
declares, records a visit at the enterprise and puts a problem in the secretary's hands; the
secretary scores the branch's reviewed criteria on its rating sheet. Nothing is wider than the
phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.guidance.models import Declaration, FollowUp, Method, Reviewer, Score, Visit
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in
from dangjian.testing.guidance import candidate_of, instructor_of

pytestmark = BROWSER_MARKS

WORDS = {
    "zh-hans": {"declare": "本人承诺", "save_as": "以支部自评身份保存得分"},
    "en": {"declare": "I declare", "save_as": "Save the scores as: The branch itself"},
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
def test_an_instructor_visits_on_a_phone_and_the_branch_scores_itself(
    transactional_db, live_server, world, browser, language
):
    a = world.a
    instructor = instructor_of(a, username="instructor_a", declared=False)
    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    log_in(page, live_server, "instructor_a")
    _language(phone, live_server, language)

    page.goto(live_server.url + reverse("guidance:page"))
    _fits(page)
    page.click(f"a[href*='{reverse('guidance:declare')}']")
    assert WORDS[language]["declare"] in page.locator("[data-statement]").inner_text()
    _fits(page)
    with page.expect_navigation():
        page.click("[data-declaration] button[type=submit]")
    assert Declaration.objects.filter(assignment__user__username="instructor_a").exists()

    # The visit form, on the phone: today, 60 minutes, two topics.
    page.wait_for_url("**/guidance/visits/new/**")
    page.fill("input[name=visited_on]", dt.date.today().isoformat())
    page.fill("input[name=minutes]", "60")
    page.fill("input[name=met]", "书记、两名工人")
    page.check("input[name=topics][value=branch_life]")
    page.check("input[name=topics][value=production]")
    _fits(page)
    page.click("[data-form-page] button[type=submit]")
    page.wait_for_url("**/guidance/visits/*/")
    visit = Visit.objects.get()
    assert visit.topics == ["branch_life", "production"]
    _fits(page)

    # A problem found, in the secretary's hands.
    page.fill("textarea[name=f-problem]", "党员活动室制度未上墙")
    page.select_option("select[name=f-owner]", str(a.secretary.pk))
    page.fill("input[name=f-due_on]", (dt.date.today() + dt.timedelta(days=14)).isoformat())
    with page.expect_navigation():
        page.click("#follow-ups button[type=submit]")
    assert FollowUp.objects.get().owner == a.secretary
    assert page.locator("[data-follow-up]").count() == 1
    _fits(page)
    # Their own appraisals, on the phone too.
    page.goto(live_server.url + reverse("guidance:appraisal_history", args=[instructor.pk]))
    assert page.locator("h1").count() == 1
    _fits(page)
    phone.close()

    # The branch's secretary scores its rating sheet on a phone.
    candidate = candidate_of(world, a)
    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    log_in(page, live_server, a.secretary.username)
    _language(phone, live_server, language)
    page.goto(live_server.url + reverse("guidance:candidate", args=[candidate.pk]))
    _fits(page)
    reviewed = list(candidate.round.scheme.criteria.filter(method=Method.REVIEWED))
    for c in reviewed:
        page.fill(f"input[name=c{c.pk}]", str(c.weight - 2))
        page.fill(f"input[name=n{c.pk}]", "班子团结，分工明确")
    button = page.locator("form button[type=submit]").last
    assert button.inner_text().strip() == WORDS[language]["save_as"]
    with page.expect_navigation():
        button.click()
    scores = Score.objects.filter(candidate=candidate, reviewer=Reviewer.SELF)
    assert sorted(s.points for s in scores) == sorted(c.weight - 2 for c in reviewed)
    _fits(page)
    phone.close()
