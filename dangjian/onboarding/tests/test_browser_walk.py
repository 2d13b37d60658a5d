"""A new county from an empty installation to every person with an activation code, through the
product's pages only, in a real Chromium: a platform administrator registers the county (step 0),
then imports the files its own staff wrote (scale.county_files: title rows, their own headers, the
tree out of order) step by step — the tree, the enterprises with their teams, every enterprise's
employee roster and every branch's member roster from the rosters step, the role holders — and
gives everyone a login sheet. On a 360-px phone in Chinese and a 1366-px screen in English.

The small county runs in the suite; the article's county (68 enterprises, 2,400 people) runs in
CI's own stage (`make onboard-walk`, DANGJIAN_WALK=1), which prints how long the walk took."""

from __future__ import annotations

import os
import time

import pytest
from django.utils import translation
from django.utils.translation import gettext

from dangjian.access.models import RoleAssignment, User
from dangjian.accounts.models import Activation, LoginSheet
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit
from dangjian.people.models import Membership, Person
from dangjian.scale.county_files import CountyFiles, county_files
from dangjian.testing.browser import BROWSER_MARKS, PASSWORD, PHONE, log_in, open_menu

pytestmark = BROWSER_MARKS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDE = {"width": 1366, "height": 900}
WALKS = {"phone-zh-hans": (PHONE, "zh-hans"), "desktop-en": (WIDE, "en")}


def _fits(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1


def _to_setup(page) -> None:
    open_menu(page)
    page.click("[data-nav-more] > a")
    page.locator("[data-nav-setup]").wait_for(state="visible")
    page.click("[data-nav-setup]")
    page.wait_for_selector("[data-step]")


def _check_and_confirm(page, name: str) -> None:
    """On the file's page: wait for its check, confirm, wait for the import, back to set-up."""
    page.wait_for_url("**/imports/*/")
    page.wait_for_selector("[data-status=checked], [data-status=failed]")
    assert page.locator("[data-blocked]").count() == 0, f"{name}: {page.locator('#rows').inner_text()[:2000]}"
    page.click("[data-confirm]")
    page.wait_for_selector("[data-status=imported]")
    page.click("[data-back-to-setup]")
    page.wait_for_selector("[data-step]")


def _step_file(page, kind: str, name: str, data: bytes) -> None:
    form = page.locator(f"form[data-upload={kind}]")
    form.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    form.locator("button[type=submit]").click()
    _check_and_confirm(page, name)


def _roster(page, row, name: str, data: bytes) -> None:
    row.locator("a").click()
    page.wait_for_url("**/imports/new/**")
    page.set_input_files("input[name=file]", files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    page.click("#upload-form button[type=submit]")
    _check_and_confirm(page, name)


def walk(browser, live_server, files: CountyFiles, viewport: dict, language: str) -> float:
    User.objects.create_superuser("platform", password=PASSWORD)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    started = time.perf_counter()
    log_in(page, live_server, "platform")
    if language != "zh-hans":  # the platform speaks Chinese until asked otherwise
        with page.expect_navigation():
            page.select_option("#language-form select", language)
    with translation.override(language):
        heading = gettext("County set-up")

    # Step 0: an empty installation asks for the county first.
    _to_setup(page)
    assert page.locator("h1").inner_text() == heading
    page.fill("input[name=name]", files.county)
    page.fill("input[name=code]", files.division)
    _fits(page, viewport)
    page.click("form[data-step='0'] button[type=submit]")
    page.wait_for_selector("#step-tree[data-state=next]")
    _fits(page, viewport)

    _step_file(page, "org_tree", "党组织设置.xlsx", files.tree)
    _step_file(page, "enterprises", "入驻企业名录.xlsx", files.enterprise_file)
    assert page.locator("#step-rosters[data-state=next]").count() == 1

    # Step 3: every enterprise's and every branch's roster, from the step's own lists.
    for ent in files.enterprises:
        target = Enterprise.objects.get(uscc=ent.uscc)
        _roster(
            page,
            page.locator(f"[data-enterprises] [data-target=e{target.pk}]"),
            "职工花名册.xlsx",
            files.employees[ent.name],
        )
    for branch, data in files.members.items():
        org = Organization.objects.get(name=branch)
        _roster(page, page.locator(f"[data-units] [data-target=o{org.pk}]"), "党员名册.xlsx", data)
    _fits(page, viewport)

    _step_file(page, "role_holders", "党建工作人员.xlsx", files.roles)

    # Step 5: one action, every person a code.
    page.locator("#step-logins").scroll_into_view_if_needed()
    page.check("input[name=everyone]")
    page.click("form[data-logins] button[type=submit]")
    page.wait_for_selector("#job-progress[data-status=done]")
    page.click("[data-job-link]")
    page.wait_for_selector("[data-sheets]")
    _fits(page, viewport)
    elapsed = time.perf_counter() - started

    # What a county would count: its tree, enterprises, teams, people, members, role holders and
    # a code on a sheet for every one of them.
    county = Organization.objects.get(code=files.division)
    assert Organization.objects.filter(path__startswith=county.path).count() == 1 + files.organisations
    assert Enterprise.objects.count() == len(files.enterprises)
    assert ProductionUnit.objects.filter(kind="team").count() == files.teams
    cadres = 2 + len(files.enterprises)  # the department's staff and the instructors, on no roster
    assert Person.objects.count() == files.people + cadres
    assert Membership.objects.filter(ended_on__isnull=True).count() == files.party_members
    assert RoleAssignment.objects.count() == files.role_rows
    people = set(Person.objects.values_list("pk", flat=True))
    coded = set(Activation.objects.filter(used_at__isnull=True).values_list("user__person", flat=True))
    assert people <= coded
    assert page.locator("[data-sheets] a").count() == LoginSheet.objects.count() >= 1 + len(files.enterprises)
    assert errors == []
    context.close()
    return elapsed


@pytest.mark.parametrize("name", sorted(WALKS))
def test_a_new_county_gets_every_person_a_login_through_the_pages(transactional_db, live_server, browser, name):
    viewport, language = WALKS[name]
    files = county_files(county="和硕县委", division="652828", enterprises=3, people=40, seed=3)
    walk(browser, live_server, files, viewport, language)


@pytest.mark.skipif(
    not os.environ.get("DANGJIAN_WALK"), reason="the county-sized walk is CI's own stage: make onboard-walk"
)
@pytest.mark.parametrize("name", sorted(WALKS))
def test_the_articles_county_onboards_through_the_pages(transactional_db, live_server, browser, name):
    viewport, language = WALKS[name]
    files = county_files()  # 68 enterprises, 2,400 people
    elapsed = walk(browser, live_server, files, viewport, language)
    print(
        f"\n{name}: {len(files.enterprises)} enterprises, {files.organisations} organisations, {files.people} people, "
        f"{files.role_rows} role holders, {len(files.enterprises) + len(files.branches) + 3} files: {elapsed:.0f} s"
    )
