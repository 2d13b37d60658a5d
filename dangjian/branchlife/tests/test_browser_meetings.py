"""A branch secretary in a real Chromium on a 360-px-wide phone: records a branch meeting that
was just held, marks attendance with one tap per person (a leave needs its reason), invites a
worker, and a member checks in with the meeting's QR link."""

from __future__ import annotations

from django.utils import timezone

from dangjian.branchlife.models import Attendance, Meeting
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in, open_menu
from dangjian.testing.factories import UserFactory

pytestmark = BROWSER_MARKS


def meeting_secret(page) -> str:
    return Meeting.objects.get(topic="学习党的二十大精神").checkin_token


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_secretary_records_a_meeting_with_attendance_on_a_phone(transactional_db, live_server, world, browser):
    today = timezone.localdate()
    member_user = UserFactory(username="a_member", person=world.a.member)
    member_user.set_password("pass-Word-123")
    member_user.save()

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, "secretary_a")

    open_menu(page)
    with page.expect_navigation():
        page.click('.navbar a[href="/meetings/"]')
    with page.expect_navigation():
        page.click("[data-new-meeting]")
    # The secretary keeps the branch and its party group: first, which one holds the meeting.
    _no_sideways_scroll(page)
    page.select_option("select[name=org]", str(world.a.branch.pk))
    with page.expect_navigation():
        page.click("[data-continue]")
    _no_sideways_scroll(page)
    page.select_option("select[name=kind]", "general")
    page.select_option("select[name=status]", "held")
    page.fill("input[name=held_on]", today.isoformat())
    page.fill("input[name=topic]", "学习党的二十大精神")
    page.fill("input[name=place]", "6号厂房")
    with page.expect_navigation():
        page.click("#meeting-form button[type=submit]")
    page.wait_for_selector("#tally")
    _no_sideways_scroll(page)
    meeting = Meeting.objects.get(topic="学习党的二十大精神")

    # One tap marks the member present; the counts change without reloading the page (htmx).
    row = page.locator('[data-person="A党员"]')
    row.locator('[data-set="present"]').click()
    page.wait_for_selector('[data-person="A党员"][data-state="present"]')
    assert page.get_attribute("#tally", "data-present") == "1"

    # Leave without a reason is refused with the reason box shown; with one it is recorded.
    sec = page.locator('[data-person="A书记"]')
    sec.locator('[data-set="leave"]').click()
    page.wait_for_selector('[data-person="A书记"] .invalid-feedback')
    page.locator('[data-person="A书记"] input[name=reason]').fill("出差")
    page.locator('[data-person="A书记"] [data-set="leave"]').click()
    page.wait_for_selector('[data-person="A书记"][data-state="leave"]')
    assert page.get_attribute("#tally", "data-leave") == "1"

    # Invite a worker: counted apart from the members.
    page.locator("#invited input[type=search]").fill("A工人")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#id_person option')).some(o => o.text.startsWith('A工人'))"
    )
    # The search may still answer a second time (each keystroke asks) and redraw the options,
    # dropping a choice made in between: choose once it has settled, and check it held.
    page.wait_for_load_state("networkidle")
    offered = page.locator("#id_person option").all_text_contents()
    matches = [o.strip() for o in offered if o.strip().startswith("A工人 · A公司")]
    assert len(matches) == 1, offered
    page.select_option("#id_person", label=matches[0])
    assert page.eval_on_selector("#id_person", "e => e.value")
    with page.expect_navigation():
        page.click("#invited button[type=submit]")
    page.wait_for_selector('#invited [data-person="A工人"]')
    assert page.get_attribute("#tally", "data-invited") == "1"
    assert page.get_attribute("#tally", "data-expected") == "2"  # still the two members
    # The QR code for the screen in the room: its link carries this minute's code, never the
    # meeting's secret, and a countdown runs (a static script: no inline JS).
    assert page.locator("#checkin-qr svg").is_visible()
    link = page.get_attribute("[data-checkin-link]", "href")
    assert "?c=" in link and meeting_secret(page) not in link
    start = int(page.inner_text("[data-countdown]"))
    page.wait_for_function(f"() => Number(document.querySelector('[data-countdown]').textContent) < {start}")
    _no_sideways_scroll(page)

    states = dict(meeting.attendances.values_list("person__name", "state"))
    assert states == {"A党员": "present", "A书记": "leave", "A工人": "absent"}
    assert Attendance.objects.get(meeting=meeting, person=world.a.secretary.person).reason == "出差"

    # A member scans the code on the screen with their own phone and checks in.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    log_in(phone, live_server, "a_member")
    phone.goto(page.get_attribute("[data-checkin-link]", "href"))
    with phone.expect_navigation():
        phone.click("[data-check-in]")
    phone.wait_for_selector("[data-checked-in]")
    assert meeting.attendances.get(person=world.a.member).checked_in_at is not None
