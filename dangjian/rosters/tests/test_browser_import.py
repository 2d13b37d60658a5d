"""An enterprise manager in a real Chromium on a 360-px-wide phone: uploads HR's employee roster,
reads why a row is rejected, uploads the corrected file, confirms and sees it imported."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from dangjian.people.crypto import blind_index
from dangjian.people.models import Person
from dangjian.people.validators import normalize_id_number
from dangjian.rosters.parsing import CellError, parse_date
from dangjian.testing.browser import BROWSER_MARKS, PHONE, log_in
from dangjian.testing.rosters import ident, xlsx

pytestmark = BROWSER_MARKS

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = "和静县A公司职工花名册（2024年）"
BAD_DATE = "1990年13月2日"


def _roster(first_birth_date: object) -> tuple[bytes, list[str]]:
    """HR's file: a merged title row above the header, a padded name, a lower-case x, a phone
    typed as a number. Only the first row's date of birth differs between the two uploads."""
    ids = [ident(901, "F"), ident(902, "F"), ident(903, "M")]
    rows = [
        [1, "王　芳", "女", "汉族", ids[0], first_birth_date, "A缝纫一组", "缝纫工", "13912345678", "高中"],
        [2, "阿依古丽", "女", "维吾尔", ids[1].lower(), "", "A缝纫一组", "", 13900000000, "初中"],
        [3, "张伟", "男", "汉", ids[2], "", "", "质检员", "", "大专"],
    ]
    return xlsx(rows, titles=[TITLE], merges=["A1:J1"]), ids


def _upload(page, url: str, data: bytes) -> None:
    page.goto(f"{url}/imports/new/")
    page.select_option("select[name=target]", label="A公司")
    page.set_input_files(
        "input[name=file]", files=[{"name": "A公司花名册.xlsx", "mimeType": XLSX_MIME, "buffer": data}]
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/imports/*/")
    # The check runs when the upload commits; a slow one shows progress and reloads itself.
    page.wait_for_selector("[data-status=checked]")


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_manager_uploads_corrects_and_imports_a_roster_on_a_phone(transactional_db, live_server, world, browser):
    with translation.override("zh-hans"), pytest.raises(CellError) as bad_date:
        parse_date(BAD_DATE)
    expected_message = str(bad_date.value)
    before = Person.objects.count()

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, "manager_a")

    # Only the manager's own enterprise is offered.
    page.goto(f"{live_server.url}/imports/new/")
    offered = page.locator("select[name=target] option").all_inner_texts()
    assert "A公司" in offered
    assert "B公司" not in offered

    data, ids = _roster(BAD_DATE)
    _upload(page, live_server.url, data)
    assert page.locator("[data-blocked]").is_visible()
    assert page.locator("[data-confirm]").count() == 0
    rejected = page.locator("#rows [data-outcome=rejected]")
    assert rejected.count() == 1
    assert rejected.first.get_attribute("data-row") == "3"  # title on row 1, header on row 2
    assert rejected.first.is_visible()
    details = rejected.first.inner_text()
    assert "F 出生日期" in details
    assert expected_message in details
    _no_sideways_scroll(page)
    assert Person.objects.count() == before

    data, ids = _roster(dt.date(1990, 1, 1) + dt.timedelta(days=901))
    _upload(page, live_server.url, data)
    assert page.locator("[data-blocked]").count() == 0
    rows = page.locator("#rows [data-rows] tbody tr")
    assert rows.count() == 3
    assert page.locator("#rows [data-outcome=created]").count() == 3
    assert page.locator("[data-outcome=rejected]").count() == 0
    _no_sideways_scroll(page)
    assert Person.objects.count() == before

    with page.expect_navigation():
        page.click("[data-confirm]")
    page.wait_for_selector("[data-status=imported]")
    assert page.locator("[data-imported]").is_visible()
    _no_sideways_scroll(page)
    context.close()

    imported = Person.objects.filter(id_number_index__in=[blind_index(normalize_id_number(i)) for i in ids])
    assert Person.objects.count() == before + 3
    assert sorted(imported.values_list("name", flat=True)) == sorted(["王芳", "阿依古丽", "张伟"])
    assert {p.employer_id for p in imported} == {world.a.enterprise.pk}
    assert imported.get(name="王芳").team_id == world.a.team.pk
