"""What every browser test shares: Debian's Chromium, its marks, one browser per session and
logging in through the real login page."""

from __future__ import annotations

import os

import pytest

from dangjian.testing.chromium import CHROMIUM, launch

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (scripts/system-deps)"),
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
PASSWORD = "pass-Word-123"  # dangjian.testing.factories.UserFactory's

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    # Imported when a browser test first asks for one: the rest of the suite runs without it.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


# The pages run under the Content-Security-Policy, which refuses eval: give
# page.wait_for_function a function ("() => …"), never a bare expression, which Playwright
# evaluates with eval inside the page.


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def open_menu(page) -> None:
    """Opens the folded menu (below 1200 px) and waits until it has slid open: an item pressed
    mid-slide can miss, or open a dropdown that closes again, on a loaded machine. On a wide
    window the menu is already open and nothing is pressed."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.wait_for_selector(".navbar-collapse.show")
