"""A browser walk through a production server, as its first users would take it.

    .venv/bin/python scripts/smoke.py https://127.0.0.1:8443

Run by scripts/production-smoke against gunicorn with DEBUG off, collected static files, the
background worker and the demo loaded. Every step prints what it saw; the walk fails on the first
step that does not work and, at the end, on any error the pages logged in the browser's console
(a script error, a refused Content-Security-Policy, a missing static file).
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from dangjian.people.validators import id_check_digit  # noqa: E402 (pure: no Django set-up needed)
from dangjian.testing.chromium import launch  # noqa: E402 (pure too)

PASSWORD = "demo12345"


class Walk:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.console_errors: list[str] = []
        self.page: Page | None = None

    def step(self, name: str, action: Callable[[], str]) -> None:
        started = time.monotonic()
        try:
            seen = action()
        except Exception as exc:
            print(f"FAIL {name}: {type(exc).__name__}: {exc}", flush=True)
            if self.page is not None:
                print(f"-- the page ({self.page.url}) showed:\n{self.page.inner_text('body')[:2000]}", flush=True)
            raise SystemExit(1) from exc
        print(f"ok   {name} ({(time.monotonic() - started) * 1000:.0f} ms): {seen}", flush=True)

    def watch(self, page: Page) -> None:
        self.page = page

        def on_console(message) -> None:
            if message.type == "error":
                self.console_errors.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"{page.url}: {exc}"))

    def log_in(self, page: Page, username: str) -> str:
        page.goto(f"{self.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.url}/")
        return f"signed in as {username}"


def _id_number(serial: int) -> str:
    first17 = f"652827199{serial % 10}0{(serial % 9) + 1}1{serial % 10}{600 + serial:03d}"
    return first17 + id_check_digit(first17)


def _roster() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "姓名", "性别", "民族", "身份证号码", "岗位"])
    sheet.append([1, "吐尔逊·买买提", "男", "维吾尔族", _id_number(1), "裁剪工"])
    sheet.append([2, "马秀兰", "女", "回族", _id_number(2), "缝纫工"])
    sheet.append([3, "巴特尔", "男", "蒙古族", _id_number(3), "熨烫工"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _chart_marks(page: Page) -> int:
    """The shapes ECharts drew (it renders SVG here: crisp on phones, light on memory)."""
    return page.evaluate("() => document.querySelectorAll('.chart svg path, .chart svg rect').length")


def secretary(walk: Walk, page: Page) -> None:
    url = walk.url

    def health() -> str:
        response = page.request.get(f"{url}/health/?format=json")
        assert response.status == 200, f"/health/ answered {response.status}: {response.text()}"
        checks = response.json()
        assert set(checks.values()) == {"OK"}, checks
        return ", ".join(checks)

    walk.step("health endpoint", health)

    def login_page() -> str:
        response = page.goto(f"{url}/login/")
        assert response is not None and response.status == 200, f"login page answered {response and response.status}"
        css = page.locator("link[rel=stylesheet]").first.get_attribute("href") or ""
        assert ".min." in css and css.count(".") >= 3, f"stylesheet not served by its hashed name: {css}"
        styled = page.request.get(f"{url}{css}")
        assert styled.status == 200, f"{css} answered {styled.status}"
        assert "immutable" in styled.headers.get("cache-control", ""), styled.headers.get("cache-control")
        return f"200, {css} cached for good"

    walk.step("login page with hashed static files", login_page)
    walk.step("log in", lambda: walk.log_in(page, "heyanping"))

    def people() -> str:
        page.goto(f"{url}/people/")
        rows = page.locator("#results tbody tr").count()
        assert rows > 0, "the people list is empty"
        return f"{rows} rows"

    walk.step("people list", people)

    def excel() -> str:
        with page.expect_download() as download:
            page.locator("[data-export] button").first.click()
        path = download.value.path()
        data = Path(path).read_bytes()
        assert zipfile.is_zipfile(io.BytesIO(data)), "the download is not an .xlsx file"
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        rows = sum(1 for _ in sheet.iter_rows())
        assert rows > 1, "the workbook has no data rows"
        return f"{download.value.suggested_filename}, {rows} rows"

    walk.step("Excel download", excel)

    def card() -> str:
        year = time.localtime().tm_year
        page.goto(f"{url}/birthdays/?year={year}&period=6")
        with page.expect_download() as download:
            page.locator("[data-card]").first.click()
        data = Path(download.value.path()).read_bytes()
        assert data.startswith(b"%PDF"), "the card is not a PDF"
        return f"{download.value.suggested_filename}, {len(data):,} bytes"

    walk.step("greeting card PDF", card)

    def admin() -> str:
        response = page.goto(f"{url}/admin/login/")
        assert response is not None and response.status == 200, f"answered {response and response.status}"
        return "200"

    walk.step("admin login page", admin)

    def api_docs() -> str:
        response = page.goto(f"{url}/api/v1/docs")
        assert response is not None and response.status == 200, f"answered {response and response.status}"
        page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
        return f"{page.locator('.opblock').count()} operations listed"

    walk.step("API docs", api_docs)


def manager(walk: Walk, page: Page) -> None:
    url = walk.url
    walk.step("log in", lambda: walk.log_in(page, "hr"))

    def dashboard() -> str:
        page.wait_for_selector(".chart svg", timeout=15_000)
        deadline = time.monotonic() + 10
        while _chart_marks(page) < 3:
            assert time.monotonic() < deadline, "the dashboard's charts stayed empty"
            time.sleep(0.2)
        return f"{page.locator('.chart svg').count()} charts, {_chart_marks(page)} shapes drawn"

    walk.step("home dashboard chart", dashboard)

    def upload() -> str:
        page.goto(f"{url}/imports/new/")
        page.select_option("select[name=target]", index=1)  # the manager's own enterprise, the only one
        page.set_input_files(
            "input[name=file]",
            files=[
                {
                    "name": "服装公司新员工.xlsx",
                    "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "buffer": _roster(),
                }
            ],
        )
        page.click("#upload-form button[type=submit]")
        page.wait_for_url("**/imports/*/")
        page.wait_for_selector("[data-status=checked]", timeout=60_000)
        created = page.locator("#rows [data-outcome=created]").count()
        unchanged = page.locator("#rows [data-outcome=unchanged]").count()
        assert created + unchanged == 3, f"{created} new and {unchanged} unchanged rows, expected 3"
        return f"checked by the worker: {created} new, {unchanged} unchanged"

    walk.step("roster upload, checked by the worker", upload)

    def confirm() -> str:
        if page.locator("[data-confirm]").count() == 0:
            return "nothing to import (an earlier walk imported these rows)"
        with page.expect_navigation():
            page.click("[data-confirm]")
        page.wait_for_selector("[data-status=imported]", timeout=60_000)
        return "imported by the worker"

    walk.step("roster import confirmed", confirm)


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    walk = Walk(sys.argv[1])
    with sync_playwright() as p:
        browser = launch(p)
        for name, role in (("branch secretary", secretary), ("enterprise manager", manager)):
            print(f"== {name}", flush=True)
            context = browser.new_context(ignore_https_errors=True, accept_downloads=True, locale="zh-CN")
            page = context.new_page()
            walk.watch(page)
            role(walk, page)
            context.close()
        browser.close()
    if walk.console_errors:
        print("FAIL errors in the browser console:", *walk.console_errors, sep="\n  ")
        raise SystemExit(1)
    print("ok   no errors in the browser console")


if __name__ == "__main__":
    main()
