"""The cohort page, the cards it hands out (one, or all in a job), and the settings page: scoped
like every page, recorded in the audit log, and costing the same queries for any cohort."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from dangjian.audit.models import AuditEvent
from dangjian.birthdays import selectors, services
from dangjian.birthdays.models import BirthdayConfig
from dangjian.jobs.models import Job, JobStatus
from dangjian.testing.factories import UserFactory
from dangjian.testing.members import member

pytestmark = pytest.mark.django_db

JULY = dt.datetime(2026, 7, 10, 12, 0, tzinfo=dt.UTC)  # the fixture's members were admitted on 1 July


def _body(response) -> str:
    return response.content.decode()


def _member_user(world):
    return UserFactory(username="member_a", person=world.a.member)


# --- the cohort page --------------------------------------------------------------------------


def test_the_secretary_sees_this_months_cohort_of_their_branch_only(world, login):
    member(world.a, dt.date(2016, 7, 20), name="甲七月")
    member(world.b, dt.date(2016, 7, 21), name="乙七月")
    client = login(world.a.secretary)
    with time_machine.travel(JULY, tick=False):
        body = _body(client.get(reverse("birthdays:cohort")))
    assert "A党员" in body and "甲七月" in body and "A公司党支部" in body
    assert "乙七月" not in body and "B党员" not in body
    assert 'data-years="11"' in body and 'data-anniversary="2026-07-01"' in body
    assert client.get(reverse("birthdays:cohort"), {"org": world.b.branch.pk}).status_code == 404
    county = _body(
        login(world.county_admin).get(reverse("birthdays:cohort"), {"org": world.park.pk, "year": 2026, "period": 7})
    )
    assert "甲七月" in county and "乙七月" in county


def test_those_without_a_party_role_have_no_page_and_no_menu(world, login):
    client = login(world.a.manager)
    assert client.get(reverse("birthdays:cohort")).status_code == 403
    assert reverse("birthdays:cohort") not in _body(client.get(reverse("home")))
    assert reverse("birthdays:cohort") in _body(login(world.a.secretary).get(reverse("home")))


def test_period_navigation_crosses_the_year_end(world, login):
    client = login(world.a.secretary)
    body = _body(client.get(reverse("birthdays:cohort"), {"org": world.a.branch.pk, "year": 2026, "period": 12}))
    assert f"?org={world.a.branch.pk}&amp;year=2027&amp;period=1" in body
    assert f"?org={world.a.branch.pk}&amp;year=2026&amp;period=11" in body
    body = _body(client.get(reverse("birthdays:cohort"), {"org": world.a.branch.pk, "year": 2027, "period": 1}))
    assert f"?org={world.a.branch.pk}&amp;year=2026&amp;period=12" in body


def test_a_county_on_quarters_shows_quarters(world, login):
    services.save_config(actor=None, organization=world.county, period="quarter")
    member(world.a, dt.date(2016, 9, 30), name="九月")
    member(world.a, dt.date(2016, 10, 1), name="十月")
    client = login(world.a.secretary)
    body = _body(client.get(reverse("birthdays:cohort"), {"org": world.a.branch.pk, "year": 2026, "period": 4}))
    assert 'data-period-kind="quarter"' in body and "十月" in body and "九月" not in body
    assert f"?org={world.a.branch.pk}&amp;year=2027&amp;period=1" in body
    third = _body(client.get(reverse("birthdays:cohort"), {"org": world.a.branch.pk, "year": 2026, "period": 3}))
    assert "九月" in third and "A党员" in third and "十月" not in third


def test_an_impossible_period_shows_the_current_one(world, login):
    with time_machine.travel(JULY, tick=False):
        body = _body(login(world.a.secretary).get(reverse("birthdays:cohort"), {"year": "x", "period": 13}))
    assert 'data-period="2026-7"' in body


def test_a_member_sees_their_branchs_cohort_and_their_own_card_but_prints_no_batch(world, login):
    user = _member_user(world)
    client = login(user)
    with time_machine.travel(JULY, tick=False):
        body = _body(client.get(reverse("birthdays:cohort")))
        assert "A党员" in body and "data-print-all" not in body and "data-celebrate" not in body
        assert reverse("birthdays:card", args=[world.a.member.pk]) in body
        page = client.get(reverse("birthdays:card", args=[world.a.member.pk]))
        assert "data-download-card" in _body(page)  # a page first: the download is a POST
        assert not AuditEvent.objects.filter(object_type="birthdays.card").exists()
        response = client.post(reverse("birthdays:card", args=[world.a.member.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    url = reverse("birthdays:cards") + f"?org={world.a.branch.pk}&year=2026&period=7"
    assert client.post(url).status_code == 403
    # The person page offers the card too.
    assert "data-birthday-card" in _body(client.get(reverse("people:detail", args=[world.a.member.pk])))


def test_the_celebration_is_planned_on_the_meetings_page_once_it_exists(world, login):
    body = _body(
        login(world.a.secretary).get(reverse("birthdays:cohort"), {"org": world.a.branch.pk, "year": 2026, "period": 6})
    )
    try:
        url = reverse("branchlife:new")
    except NoReverseMatch:
        assert "data-celebrate" not in body
    else:
        assert f"{url}?org={world.a.branch.pk}&amp;kind=celebration&amp;on=2026-06-30" in body
    member_body = _body(login(_member_user(world)).get(reverse("birthdays:cohort"), {"year": 2026, "period": 6}))
    assert "data-celebrate" not in member_body


def test_the_cohort_page_costs_the_same_queries_for_any_cohort(world, login, django_assert_num_queries):
    client = login(world.a.secretary)
    url = reverse("birthdays:cohort")
    params = {"org": world.a.branch.pk, "year": 2026, "period": 4}
    for i in range(3):
        member(world.a, dt.date(2015, 4, 1 + i))
    # The session, the user and their roles; the organisation, its settings; the members; the
    # right to print and to plan the celebration; the unread notifications; the organisation
    # picker (whether its list is long, then its options).
    with django_assert_num_queries(14):
        assert _body(client.get(url, params)).count("data-card") == 3
    for i in range(12):
        member(world.a, dt.date(2015, 4, 5 + i))
    with django_assert_num_queries(14):
        assert _body(client.get(url, params)).count("data-card") == 15


# --- one card ---------------------------------------------------------------------------------


def test_a_card_download_is_recorded(world, login):
    response = login(world.a.secretary).post(reverse("birthdays:card", args=[world.a.member.pk]) + "?year=2025")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(object_type="birthdays.card")
    assert event.action == "export" and event.actor_id == world.a.secretary.pk
    assert event.object_id == str(world.a.member.pk) and event.changes["year"] == 2025
    assert event.org_path == world.a.branch.path


def test_the_other_enterprises_card_is_not_found(world, login):
    client = login(world.a.secretary)
    assert client.get(reverse("birthdays:card", args=[world.b.member.pk])).status_code == 404
    assert client.post(reverse("birthdays:card", args=[world.b.member.pk])).status_code == 404
    assert not AuditEvent.objects.filter(object_type="birthdays.card").exists()


def test_no_card_in_the_year_of_admission_says_why(world, login):
    person = member(world.a, dt.date(2026, 3, 1), name="新党员")
    response = login(world.a.secretary).get(reverse("birthdays:card", args=[person.pk]), {"year": 2026})
    assert response.status_code == 404 and "新党员" in _body(response)
    assert not AuditEvent.objects.filter(object_type="birthdays.card").exists()
    assert login(world.a.secretary).get(reverse("birthdays:card", args=[world.a.worker.pk])).status_code == 404


# --- all the cards of a cohort, as a job ----------------------------------------------------


def test_all_cards_in_one_pdf_run_as_a_recorded_job(world, login, django_capture_on_commit_callbacks):
    client = login(world.a.secretary)
    url = reverse("birthdays:cards") + f"?org={world.a.branch.pk}&year=2026&period=7"
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.result["cards"] == 2 and job.done == job.total == 2
    assert job.output_name.endswith(".pdf") and job.output_type == "application/pdf"
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.content.startswith(b"%PDF-") and download.content.count(b"/Type /Page\n") in {0, 2}
    event = AuditEvent.objects.get(object_type="birthdays.cards")
    assert event.action == "export" and event.org_path == world.a.branch.path
    assert event.changes["cards"] == 2 and event.changes["period"] == "2026-07"
    assert sorted(event.changes["people"]) == sorted([world.a.member.pk, world.a.secretary.person_id])


def test_a_batch_of_nobody_starts_no_job(world, login):
    client = login(world.a.secretary)
    response = client.post(reverse("birthdays:cards") + f"?org={world.a.branch.pk}&year=2026&period=2")
    assert response.status_code == 302 and not Job.objects.exists()


def test_the_other_enterprises_batch_is_not_found(world, login):
    client = login(world.a.secretary)
    url = reverse("birthdays:cards") + f"?org={world.b.branch.pk}&year=2026&period=7"
    assert client.post(url).status_code == 404
    assert client.post(reverse("birthdays:cards")).status_code == 404
    assert not Job.objects.exists()


# --- settings --------------------------------------------------------------------------------


def test_the_county_department_keeps_the_settings_and_each_change_is_recorded(world, login):
    client = login(world.county_admin)
    url = reverse("birthdays:settings", args=[world.county.pk])
    page = _body(client.get(url))
    assert "不忘初心" in page  # the default greeting, to edit
    data = {
        "period": "quarter",
        "message_zh": "县委祝您政治生日快乐！",
        "message_en": "Happy political birthday from the county.",
        "issuer_name": "中共和静县委组织部",
        "issuer_name_en": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    config = BirthdayConfig.objects.get(organization=world.county)
    assert config.period == "quarter" and config.issuer_name == "中共和静县委组织部"
    assert AuditEvent.objects.filter(object_type="birthdays.BirthdayConfig", action="create").count() == 1
    client.post(url, {**data, "period": "month"})
    event = AuditEvent.objects.get(object_type="birthdays.BirthdayConfig", action="update")
    assert event.changes["period"] == ["quarter", "month"] and event.org_path == world.county.path
    # The park inherits it until it has its own.
    assert selectors.config_for(world.park).issuer_name == "中共和静县委组织部"


def test_a_greeting_too_long_for_the_card_is_refused(world, login):
    client = login(world.county_admin)
    response = client.post(
        reverse("birthdays:settings", args=[world.county.pk]), {"period": "month", "message_zh": "长" * 200}
    )
    assert response.status_code == 400 and "160" in _body(response)
    assert not BirthdayConfig.objects.exists()


def test_a_secretary_has_no_settings_page(world, login):
    client = login(world.a.secretary)
    assert client.get(reverse("birthdays:settings", args=[world.a.branch.pk])).status_code == 404
    assert client.get(reverse("birthdays:settings", args=[world.county.pk])).status_code == 404
    assert client.post(reverse("birthdays:settings", args=[world.county.pk]), {"period": "quarter"}).status_code == 404


def test_an_employer_reads_no_political_birthdays(world, login):
    """HR sees its employees, not their party records: no card, no admission date."""
    client = login(world.a.manager)
    assert client.get(reverse("birthdays:card", args=[world.a.member.pk])).status_code == 404
    assert client.post(reverse("birthdays:card", args=[world.a.member.pk])).status_code == 404
    assert not AuditEvent.objects.filter(object_type="birthdays.card").exists()
