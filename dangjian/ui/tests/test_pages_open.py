"""Each page opens for a user whose scope holds the object, and shows what it is about."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.testing.indicators_entry import figure
from dangjian.testing.urls import LIST_URLS, OBJECT_URLS, candidacy_of, meeting_of

# Pages A's secretary may open, with A's objects, and text each must show.
SECRETARY_PAGES = {
    "organizations:detail": ("branch", "A公司党支部"),
    "organizations:children": ("branch", "A第一党小组"),
    "organizations:edit": ("branch", "A公司党支部"),
    "organizations:move": ("branch", "A公司党支部"),
    "organizations:enterprise_detail": ("enterprise", "A缝纫一组"),
    "people:detail": ("worker", "A工人"),
    "people:edit": ("worker", "A工人"),
    "people:membership_add": ("worker", "A工人"),
    "audit:history": ("worker", "A工人"),
    "access:roles": ("branch", "secretary_a"),
    "development:detail": (candidacy_of, "A工人申请书.pdf"),
    "branchlife:detail": (meeting_of, "A工人"),  # the invited worker, among the attendance
    "branchlife:edit": (meeting_of, "A公司党支部党员大会"),
    "branchlife:checkin": (meeting_of, "A公司党支部党员大会"),
    # A branch's secretary reads the enterprise's figures (not enters them)
    "indicators:month": ("enterprise", "A缝纫一组"),
    "indicators:definitions": ("enterprise", "A公司"),
    "indicators:value": (figure, "A缝纫一组"),
    "indicators:enterprise": ("enterprise", "A缝纫一组"),  # its teams, each opening its figures
    "indicators:team": ("team", "A缝纫一组"),
    # A branch's secretary keeps its dues (dues/tests/test_pages.py pays, refuses and downloads)
    "dues:ledger": ("branch", "A党员"),
    "dues:unpaid": ("branch", "A公司党支部"),
    "dues:reliefs": ("branch", "A公司党支部"),
    "dues:statement": ("branch", "A公司党支部"),
    "dues:handover": ("branch", "A公司党支部"),
    "dues:reopen": ("branch", "A公司党支部"),
    "dues:member": ("member", "A党员"),
    "dues:person": ("member", "data-dues-panel"),
    "dues:base": ("member", "A党员"),
    "dues:payment": ("member", "A党员"),
    "dues:voluntary": ("member", "A党员"),
    "dues:relief": ("member", "A党员"),
}


def _side_obj(world, attr):
    return attr(world.a) if callable(attr) else getattr(world.a, attr)


@pytest.mark.parametrize("name", sorted(SECRETARY_PAGES))
def test_secretary_opens_own_objects(world, login, name):
    attr, text = SECRETARY_PAGES[name]
    obj = _side_obj(world, attr)
    kwargs = {"pk": obj.pk}
    if name == "audit:history":
        kwargs["kind"] = "person"
    if name == "access:roles":
        kwargs["kind"] = "org"
    response = login(world.a.secretary).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert text in response.content.decode()


def test_object_pages_are_all_exercised():
    # Every object URL is either opened above or is a POST-only action tested elsewhere.
    post_only = {
        "organizations:delete",
        "organizations:unit_delete",
        "people:reveal",
        "access:role_revoke",
        "access:token_revoke",
        "people:membership_edit",
        "organizations:unit_create",
        "organizations:unit_edit",
        "organizations:enterprise_edit",
        "jobs:detail",
        "jobs:progress",
        "jobs:download",  # jobs/tests/test_download.py
        "notifications:read",  # notifications/tests/test_pages.py
        "notifications:robot_action",  # notifications/tests/test_channels.py
        # rosters/tests/test_views.py opens these for the uploader
        "rosters:detail",
        "rosters:state",
        "rosters:confirm",
        "rosters:discard",
        "rosters:report",
        # development/tests/test_views.py: withdrawal, the review conclusion, documents, and
        # the settings a county department (not a secretary) keeps
        "development:withdraw",
        "development:conclusion",
        "development:document",
        "development:settings",
        # birthdays/tests/test_pages.py: a card is a PDF; the settings are the county's
        "birthdays:card",
        "birthdays:settings",
        # branchlife/tests: attendance, invitations and files are POSTs; the frequencies are
        # the county's; the invitee search answers <option>s
        "branchlife:mark",
        "branchlife:uninvite",
        "branchlife:all_present",
        "branchlife:invite",
        "branchlife:invitees",
        "branchlife:attachment",
        "branchlife:frequency",
        "branchlife:checkin_qr",  # the QR partial, on the meeting's day only: branchlife/tests/test_meetings.py
        "branchlife:print",  # a POST that downloads a PDF: branchlife/tests/test_printing.py
        # accounts/tests/test_login_codes.py: a sheet of codes is its giver's (a manager's)
        "access:sheet",
        "access:code_withdraw",
        # production/tests/test_pages.py walks these as the branch, the county, the member and
        # the trainee; the photo and the sign are files, the status and the attendance POSTs
        # guidance/tests/test_pages.py walks these as the instructor, the branch, the manager
        # and the county
        "guidance:visit",
        "guidance:visit_edit",
        "guidance:visit_photo",
        "guidance:follow_up_close",
        # guidance/tests/test_ratings.py walks these as the county, the branch, its instructor
        # and its manager (the certificate is a PDF of an awarded branch)
        "guidance:candidate",
        "guidance:certificate",
        "guidance:round",
        "guidance:scheme",
        "guidance:scheme_new",
        "guidance:round_new",
        # guidance/tests/test_appraisals.py walks these as the county, the instructor, the
        # branch and the manager: a secretary appraises nobody
        "guidance:appraise",
        "guidance:appraisal_history",
        "production:charge_hand_over",
        "production:charge_end",
        "production:pairing",
        "production:pairing_end",
        "production:post",
        "production:post_edit",
        "production:post_status",
        "production:post_photo",
        "production:post_sign",
        "production:course",
        "production:course_enrol",
        "production:session_new",
        "production:attendance",
        "production:assess",
        # selections/tests/test_vote_pages.py walks these as a voter, the organiser (the branch's
        # secretary and the enterprise's manager), a teller and a reader of the count; the
        # blank paper ballots are a PDF
        "selections:ballot",
        "selections:sheets",
        "selections:tellers",
        "selections:paper_ballots",
        "selections:count",
        "selections:receipt",
        # selections/tests/test_pages*.py walk these as the organiser, the nominee, a voting
        # employee and side B; the files, the lists and the certificates are POSTs, the notice
        # and its print follow the review
        "selections:round",
        "selections:nominate",
        "selections:nomination",
        "selections:evidence_file",
        "selections:notice",
        "selections:notice_pdf",
        "selections:certificates",
        "selections:download_nominations",
        "selections:download_results",
        # indicators/tests/test_entry_pages.py walks these as the enterprise's HR (the form, the
        # definitions' changes) and refuses them to the secretary; the download is a POST
        "indicators:enter",
        "indicators:define",
        "indicators:edit_definition",
        "indicators:archive_definition",
        "indicators:values_xlsx",
        # indicators/tests/test_chart_pages.py opens a committee's roll-up as its organisation
        # department (a secretary reads no committee's figures)
        "indicators:rollup",
        # transfers/tests/test_pages.py walks these as the sending and the receiving branch and
        # side B; the letter is a POST that downloads a PDF
        "transfers:person",
        "transfers:issue",
        "transfers:detail",
        "transfers:accept",
        "transfers:return",
        "transfers:cancel",
        "transfers:receipt",
        "transfers:letter",
        "transfers:verify",
        "transfers:place",
        # dues/tests/test_pages.py: the one-tap payment, showing a base pay (a POST, audited),
        # charging and closing a month, the download
        "dues:pay",
        "dues:base_reveal",
        "dues:charge",
        "dues:close",
        "dues:statement_xlsx",
        # appraisal/tests/test_pages.py walks these as the branch's secretary, a member, a
        # representative and side B; the results are a POST download, the panel an htmx part
        "appraisal:round",
        "appraisal:self",
        "appraisal:member",
        "appraisal:ballot",
        "appraisal:tellers",
        "appraisal:download",
        "appraisal:person",
        # onboarding/tests walk the county set-up page, its uploads, logins and settings as the
        # county's organisation department; a secretary sets up no county
        "onboarding:county",
        "onboarding:upload",
        "onboarding:logins",
        "onboarding:settings",
    }
    assert set(OBJECT_URLS) - set(SECRETARY_PAGES) - post_only == set()


@pytest.mark.parametrize(
    "name",
    sorted(
        LIST_URLS
        - {
            "organizations:enterprise_create",
            "audit:log",
            "audit:verify",
            "audit:checkpoint",
            "notifications:read_all",
            "ping",
        }
        - {"branchlife:register"}  # a POST download: branchlife/tests/test_register.py
        # a manager's and the department's: accounts/tests/test_login_codes.py
        - {"access:logins_give", "access:sheets"}
        # a committee's, refused to a branch secretary: guidance/tests/test_rollups.py
        - {"guidance:rollup", "guidance:screen", "guidance:screen_figures"}
        # sends the reader of one enterprise on to its figures: indicators/tests/test_chart_pages.py
        - {"indicators:home"}
        - {"transfers:export"}  # a POST download: transfers/tests/test_pages.py
        # the band set is the top organisation department's: dues/tests/test_pages.py
        - {"dues:band_new"}
        # send their reader on to their branch's ledger or their own dues: dues/tests/test_pages.py
        - {"dues:home", "dues:mine"}
        # the county set-up page is an organisation department's: onboarding/tests/test_pages.py
        - {"onboarding:start"}
    ),
)
def test_secretary_opens_lists(world, login, name):
    assert login(world.a.secretary).get(reverse(name)).status_code == 200


def test_ping_answers_a_session_and_sends_strangers_to_log_in(world, login):
    from django.test import Client

    assert login(world.a.secretary).get(reverse("ping")).status_code == 204
    response = Client().get(reverse("ping"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_county_department_sees_both_enterprises_and_audit_log(world, login):
    client = login(world.county_admin)
    body = client.get(reverse("organizations:enterprise_list")).content.decode()
    assert "A公司" in body and "B公司" in body
    assert client.get(reverse("audit:log")).status_code == 200
    assert client.get(reverse("organizations:enterprise_create")).status_code == 200


def test_secretary_cannot_open_global_audit_log_or_create_enterprises(world, login):
    client = login(world.a.secretary)
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("organizations:enterprise_create")).status_code == 403


def test_manager_edits_units_of_own_enterprise(world, login):
    client = login(world.a.manager)
    assert client.get(reverse("organizations:unit_edit", args=[world.a.team.pk])).status_code == 200
    assert client.get(reverse("organizations:enterprise_edit", args=[world.a.enterprise.pk])).status_code == 200
    assert client.get(reverse("organizations:unit_edit", args=[world.b.team.pk])).status_code == 404
