"""A secretary downloads the member roster from the people list, on a desktop and on a phone."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dangjian.testing.browser import BROWSER_MARKS, VIEWPORTS, log_in

pytestmark = BROWSER_MARKS


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_secretary_downloads_the_filtered_member_roster(transactional_db, live_server, world, browser, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server, "secretary_a")
    page.goto(f"{live_server.url}/people/")
    page.select_option("select[name=status]", "members")
    page.wait_for_function("() => document.querySelectorAll('#person-table tbody tr').length === 2")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]

    with page.expect_download() as info:
        page.locator("[data-export] button").nth(1).click()  # the member roster
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    names = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["A书记", "A党员"]
    context.close()
