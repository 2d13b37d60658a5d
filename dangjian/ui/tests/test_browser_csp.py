"""The main pages in a real Chromium under the Content-Security-Policy, as several roles: the
home dashboards with their charts drawn, a long choice list searched (htmx), a one-tap attendance
change (htmx POST), the development board and its organisation picker, a background job's
progress bar, the Django admin and the API docs (Swagger UI calling the API). Any CSP violation,
JavaScript error or console error fails the test, and so does a page sent without the policy."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dangjian.testing.branchlife import meeting
from dangjian.testing.browser import BROWSER_MARKS, DESKTOP, PASSWORD, log_in
from dangjian.testing.factories import UserFactory

pytestmark = BROWSER_MARKS

# Reported to Python from the page: Playwright's init scripts run outside the page's CSP.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation(
  `${e.effectiveDirective} refused ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
"""


class Watched:
    """A browser context whose pages report every CSP violation, script error and console error,
    and every document that arrives without the policy."""

    def __init__(self, browser, live_server):
        self.live_server = live_server
        self.problems: list[str] = []
        self.documents = 0
        self.context = browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
        self.context.expose_binding("__cspViolation", lambda source, text: self.problems.append(f"CSP: {text}"))
        self.context.add_init_script(REPORT_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"JS error: {error}"))
        self.page.on("response", self._response)
        self.page.on("dialog", lambda dialog: dialog.dismiss())

    def _console(self, message) -> None:
        if message.type in {"error", "warning"} and "Content-Security-Policy" in message.text:
            self.problems.append(f"console: {message.text}")
        elif message.type == "error":
            self.problems.append(f"console error: {message.text} ({message.location})")

    def _response(self, response) -> None:
        if response.request.resource_type == "document":
            self.documents += 1
            if "content-security-policy" not in response.headers:
                self.problems.append(f"no Content-Security-Policy on {response.url}")

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.live_server.url}{path}")
        self.page.wait_for_load_state("networkidle")

    def log_in(self, username: str) -> None:
        log_in(self.page, self.live_server, username)

    def close(self) -> None:
        self.context.close()
        assert self.documents > 0
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def watched(browser, live_server):
    opened: list[Watched] = []

    def _open() -> Watched:
        opened.append(Watched(browser, live_server))
        return opened[-1]

    yield _open
    for w in opened:
        w.close()


def chart_has_shapes(page, index: int = 0) -> bool:
    """The chart has been drawn: its SVG holds the shapes of its title, axes and data."""
    return page.evaluate(
        """(i) => {
          const svg = document.querySelectorAll(".chart svg")[i];
          return !!svg && svg.querySelectorAll("path, rect, text").length > 5;
        }""",
        index,
    )


def hover_chart(page, index: int = 0) -> None:
    """Moving over the chart shows ECharts' tooltip, which must not need inline styles."""
    box = page.locator(".chart").nth(index).bounding_box()
    for fraction in (0.3, 0.5, 0.7):
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.55)
        page.wait_for_timeout(150)


def test_county_department_dashboard_people_search_and_pipeline(
    transactional_db, live_server, world, watched, settings
):
    settings.DANGJIAN = {**settings.DANGJIAN, "LOOKUP_LIST_MAX": 1}  # two enterprises make a long list
    w = watched()
    w.goto("/login/")
    w.log_in(world.county_admin.username)
    page = w.page

    # The committee panel's two charts are drawn from their JSON data.
    page.wait_for_function("() => document.querySelectorAll('.chart[data-drawn] svg').length === 2")
    assert chart_has_shapes(page, 0) and chart_has_shapes(page, 1)
    hover_chart(page, 0)

    # A long list becomes a search box: typing asks the server (htmx GET) and fills the select.
    w.goto("/people/")
    page.locator("input[name=search][aria-controls=id_enterprise]").fill("B公")
    page.wait_for_function("() => document.querySelectorAll('#id_enterprise option').length === 2")
    assert "B公司" in page.locator("#id_enterprise").inner_text()
    page.select_option("#id_enterprise", label="B公司")
    page.wait_for_function("() => document.querySelector('#person-table').innerText.includes('B工人')")

    # The organisation tree opens its branches with htmx on load.
    w.goto("/orgs/")
    page.wait_for_selector("text=工业园区党委")

    # The development board; its organisation picker sends itself when changed.
    w.goto("/development/")
    with page.expect_navigation():
        page.select_option("[data-org-picker] select", str(world.a.branch.pk))
    assert f"org={world.a.branch.pk}" in page.url
    w.goto("/development/pipeline/")
    w.goto("/meetings/calendar/")


def test_secretary_dashboard_meeting_taps_board_and_language(transactional_db, live_server, world, watched):
    m = meeting(world.a, on=timezone.localdate(), status="held", topic="主题党日")
    w = watched()
    w.goto("/login/")
    w.log_in(world.a.secretary.username)
    page = w.page

    page.wait_for_function("() => document.querySelectorAll('.chart[data-drawn] svg').length === 1")
    assert chart_has_shapes(page)
    hover_chart(page)

    # One tap marks a member present: an htmx POST swaps the row and the tally.
    w.goto(f"/meetings/{m.pk}/")
    page.locator('[data-person="A党员"] [data-set="present"]').click()
    page.wait_for_selector('[data-person="A党员"][data-state="present"]')
    assert page.get_attribute("#tally", "data-present") == "1"
    # A leave without a reason is refused in place, with the reason box shown.
    page.locator('[data-person="A书记"] [data-set="leave"]').click()
    page.wait_for_selector('[data-person="A书记"] .invalid-feedback')
    assert page.locator('[data-person="A书记"] input[name=reason]').is_visible()
    assert page.locator("#checkin-qr svg").is_visible()

    w.goto("/development/")
    page.wait_for_selector("text=A公司党支部")

    # Deleting an organisation asks first (dismissed here: nothing is deleted).
    w.goto(f"/orgs/{world.a.group.pk}/")
    page.locator("[data-confirm-submit] button").click()
    assert page.url.endswith(f"/orgs/{world.a.group.pk}/")

    # The language switch sends itself when changed.
    with page.expect_navigation():
        page.select_option("#language-form select", "en")
    assert page.locator("html").get_attribute("lang") == "en"


def test_manager_dashboard_and_a_background_export_with_its_progress_bar(
    transactional_db, live_server, world, watched, settings
):
    settings.EXPORT_SYNC_ROWS = 1  # the list becomes a background job with a progress page
    w = watched()
    w.goto("/login/")
    w.log_in(world.a.manager.username)
    page = w.page
    page.wait_for_function("() => document.querySelectorAll('.chart[data-drawn] svg').length === 1")
    assert chart_has_shapes(page)
    hover_chart(page)

    w.goto("/people/")
    with page.expect_navigation():
        page.locator("[data-export] button").first.click()
    page.wait_for_selector("#job-progress[data-status=done]")
    bar = page.locator("#job-progress .progress-bar")
    assert bar.get_attribute("data-percent") == "100"
    assert bar.evaluate("el => el.getBoundingClientRect().width") > 0.9 * bar.evaluate(
        "el => el.parentElement.getBoundingClientRect().width"
    )


def test_admin_and_api_docs(transactional_db, live_server, world, watched):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    w = watched()

    w.goto("/api/v1/docs")  # anonymous: sent to log in first
    assert "/login/" in w.page.url
    w.log_in(world.a.secretary.username)

    # Swagger UI renders the operations and calls the API with the session.
    w.goto("/api/v1/docs")
    page = w.page
    page.wait_for_selector(".opblock-get")
    operation = page.locator(".opblock-get", has_text="/api/v1/organizations").first
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status")
    status.wait_for()
    assert status.inner_text().strip() == "200"

    other = watched()
    other.goto("/admin/login/")
    other.page.fill("input[name=username]", admin.username)
    other.page.fill("input[name=password]", PASSWORD)
    with other.page.expect_navigation():
        other.page.click("input[type=submit]")
    links = other.page.eval_on_selector_all(
        "#content-main a[href^='/admin/']:not(.addlink)", "els => [...new Set(els.map(a => a.getAttribute('href')))]"
    )
    assert links, "the admin index lists models"
    assert len(links) >= 10
    for href in links:
        other.goto(href)
    # A change form with an autocomplete (select2 asks the server as one types) and an add form
    # with the date widget's calendar.
    other.goto(f"/admin/access/user/{admin.pk}/change/")
    other.page.click("#user_form .field-person .select2-selection")
    other.page.keyboard.type("A")
    other.page.wait_for_selector(".select2-results__option:has-text('A党员')")
    other.page.keyboard.press("Escape")
    other.goto("/admin/branchlife/meeting/add/")
    other.page.click(".field-held_on .date-icon")
    other.page.wait_for_selector(".calendarbox", state="visible")
