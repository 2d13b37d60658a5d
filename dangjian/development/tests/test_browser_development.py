"""A branch secretary in a real Chromium on a 360-px-wide phone: records a paper application, the
talk, the activist designation and what follows it, then tries to designate the development
target before the activist's year is up and reads why that is refused and from when it can be."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from dangjian.development import rules, services
from dangjian.development.models import Candidacy, Stage
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in, open_menu

pytestmark = BROWSER_MARKS


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def _choose_step(page, number: int) -> None:
    """Choosing a step swaps in the fields that step needs (htmx)."""
    if page.get_attribute("#record-form", "data-step") != str(number):
        page.select_option("#record-form select[name=step]", str(number))
        page.wait_for_selector(f'#record-form[data-step="{number}"]')


def _record(page, number: int, on: dt.date, fill=None) -> None:
    _choose_step(page, number)
    page.fill("#record-form input[name=done_on]", on.isoformat())
    if fill:
        fill(page)
    with page.expect_navigation():
        page.click("#record-form [data-record]")


def test_secretary_records_the_first_steps_and_is_told_the_target_comes_too_early(
    transactional_db, live_server, world, browser
):
    today = timezone.localdate()
    applied = rules.add_months(today, -9)
    talk = applied + dt.timedelta(days=10)
    activist = applied + dt.timedelta(days=20)

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, "secretary_a")

    open_menu(page)
    with page.expect_navigation():
        page.click('.navbar a[href="/development/"]')
    _no_sideways_scroll(page)
    with page.expect_navigation():
        page.click('a[href="/development/apply/"]')
    offered = page.locator("select[name=person] option").all_inner_texts()
    # Named as pickers name people: name · employer · year of birth · masked ID number.
    (worker,) = [o for o in offered if o.startswith("A工人 · A公司 · ")]
    assert not any("B" in o for o in offered)
    page.select_option("select[name=person]", label=worker)
    page.fill("input[name=applied_on]", applied.isoformat())
    with page.expect_navigation():
        page.click("#apply-form button[type=submit]")
    page.wait_for_selector("[data-stage=applicant]")
    assert page.locator("#due [data-due='2']").is_visible()  # the talk, within a month
    _no_sideways_scroll(page)

    _record(page, 2, talk)
    _record(page, 3, activist)
    page.wait_for_selector("[data-stage=activist]")
    _record(page, 4, activist + dt.timedelta(days=5))
    _record(
        page,
        5,
        activist + dt.timedelta(days=5),
        lambda p: p.select_option("#record-form select[name=contacts]", label="A党员"),
    )
    _record(page, 6, rules.add_months(activist, 6))
    assert page.locator("#timeline [data-step]").count() == 6

    _record(page, 7, today)
    refusal = page.locator("#record-form .alert-danger")
    assert refusal.is_visible()
    candidacy = Candidacy.objects.get(person=world.a.worker)
    with translation.override("zh-hans"):
        expected = rules.check(services.history(candidacy), 7, today, {}, services.candidate_of(candidacy), today)
    assert [r.rule for r in expected] == ["activist_year"]
    assert expected[0].message in refusal.inner_text()
    assert str(rules.add_years(activist, 1)) in refusal.inner_text()  # from when it becomes possible
    assert page.get_attribute("#record-form", "data-step") == "7"
    _no_sideways_scroll(page)
    context.close()

    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.ACTIVIST and candidacy.activist_on == activist
    assert not candidacy.steps.filter(number=7).exists()
    assert candidacy.steps.get(number=5).data == {"contacts": [world.a.member.pk]}
