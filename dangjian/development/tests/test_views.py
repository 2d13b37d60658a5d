"""The membership-development pages: scoped like every page, the rules speaking through them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.development import rules, services
from dangjian.development.ledger import LEDGER_COLUMNS
from dangjian.development.models import Candidacy, DevelopmentConfig, Stage, Step
from dangjian.testing.development import voters
from dangjian.testing.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

APPLIED = dt.date(2024, 1, 10)
ACTIVIST = dt.date(2024, 2, 1)


def _apply(side, person=None, on=APPLIED, documents=()):
    return services.apply(
        actor=side.secretary,
        person=person or side.worker,
        organization=side.branch,
        applied_on=on,
        documents=documents,
    )


def _record(side, cand, number, on, *, by=None, **data):
    return services.record_step(
        actor=by or side.secretary, candidacy=cand, number=number, done_on=on, data=data, conclusion=data.pop("_c", "")
    )


def _activist_with_assessment(side, person=None):
    """An activist whose steps 4–6 are done: the development target is the next thing."""
    cand = _apply(side, person)
    _record(side, cand, 2, dt.date(2024, 1, 20))
    _record(side, cand, 3, ACTIVIST, recommended_by="members")
    _record(side, cand, 4, dt.date(2024, 2, 5))
    _record(side, cand, 5, dt.date(2024, 2, 5), contacts=[side.member.pk])
    _record(side, cand, 6, dt.date(2024, 8, 1))
    return cand


def _instructor(world):
    user = UserFactory(username="instructor_a")
    access_services.assign_role(actor=None, user=user, role=Role.INSTRUCTOR, enterprise=world.a.enterprise)
    return user


def _body(response) -> str:
    return response.content.decode()


# --- scope: A's secretary, B's secretary, an outsider ----------------------------------------------


def test_board_shows_own_side_only(world, login):
    _apply(world.a)
    _apply(world.b)
    client = login(world.a.secretary)
    body = _body(client.get(reverse("development:board")))
    assert "A工人" in body and "B工人" not in body
    assert client.get(reverse("development:board"), {"org": world.b.branch.pk}).status_code == 404
    county = login(world.county_admin).get(reverse("development:board"), {"org": world.park.pk})
    assert "A工人" in _body(county) and "B工人" in _body(county)


def test_detail_and_recording_on_the_other_side_are_not_found(world, login):
    b = _apply(world.b)
    client = login(world.a.secretary)
    url = reverse("development:detail", args=[b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"step": 2, "done_on": "2024-01-20"}).status_code == 404
    assert (
        client.post(reverse("development:withdraw", args=[b.pk]), {"reason": "x", "on": "2024-02-01"}).status_code
        == 404
    )
    assert not b.steps.filter(number=2).exists()
    b.refresh_from_db()
    assert b.stage == Stage.APPLICANT


def test_ledger_of_the_other_side_is_not_found_and_own_ledger_leaves_it_out(world, login):
    _apply(world.a)
    _apply(world.b)
    client = login(world.a.secretary)
    assert client.get(reverse("development:ledger"), {"org": world.b.branch.pk}).status_code == 404
    assert client.post(reverse("development:ledger") + f"?org={world.b.branch.pk}").status_code == 404
    response = client.post(reverse("development:ledger"))
    names = {row[0] for row in _sheet_rows(response)}
    assert names == {"A工人"}


def test_an_outsider_gets_nothing(world, login):
    cand = _apply(world.a, documents=[("申请书.pdf", b"%PDF-1.4 x", "application/pdf")])
    doc = cand.steps.get().documents.get()
    client = login(UserFactory(username="nobody"))
    assert client.get(reverse("development:board")).status_code == 403
    assert client.get(reverse("development:pipeline")).status_code == 403
    assert client.get(reverse("development:ledger")).status_code == 403
    assert client.post(reverse("development:ledger")).status_code == 403
    assert client.get(reverse("development:apply")).status_code == 403
    assert client.get(reverse("development:detail", args=[cand.pk])).status_code == 404
    assert client.post(reverse("development:document", args=[doc.pk])).status_code == 404
    assert client.post(reverse("development:conclusion", args=[cand.pk])).status_code == 404
    body = _body(client.get(reverse("home")))
    assert reverse("development:board") not in body


def test_a_viewer_without_change_cannot_record(world, login):
    cand = _apply(world.a)
    client = login(_instructor(world))
    url = reverse("development:detail", args=[cand.pk])
    page = client.get(url)
    assert page.status_code == 200 and "A工人" in _body(page)
    assert 'id="record-form"' not in _body(page)
    assert client.post(url, {"step": 2, "done_on": "2024-01-20"}).status_code == 403
    assert client.post(reverse("development:withdraw", args=[cand.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("development:apply")).status_code == 403
    assert not cand.steps.filter(number=2).exists()


def test_the_applicant_reads_their_own_candidacy_but_records_nothing(world, login):
    cand = _apply(world.a)
    client = login(UserFactory(username="worker_a", person=world.a.worker))
    url = reverse("development:detail", args=[cand.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"step": 2, "done_on": "2024-01-20"}).status_code == 403
    assert client.get(reverse("development:board")).status_code == 403


# --- recording a step --------------------------------------------------------------------------------


def test_a_refused_step_says_which_rule_and_when_and_writes_nothing(world, login):
    cand = _activist_with_assessment(world.a)
    client = login(world.a.secretary)
    steps, events = Step.objects.count(), AuditEvent.objects.count()
    on = dt.date(2024, 12, 1)
    with translation.override("zh-hans"):
        done = services.history(cand)
        expected = rules.check(done, 7, on, {}, services.candidate_of(cand), dt.date(2026, 1, 1))[0].message
    assert str(rules.add_years(ACTIVIST, 1)) in expected
    response = client.post(reverse("development:detail", args=[cand.pk]), {"step": 7, "done_on": on.isoformat()})
    assert response.status_code == 400
    assert escape(expected) in _body(response)
    assert 'data-step="7"' in _body(response)  # the form stays on the refused step
    assert (Step.objects.count(), AuditEvent.objects.count()) == (steps, events)
    cand.refresh_from_db()
    assert cand.stage == Stage.ACTIVIST and cand.target_on is None


def test_recording_steps_advances_the_stage_and_keeps_documents(world, login):
    cand = _apply(world.a)
    client = login(world.a.secretary)
    url = reverse("development:detail", args=[cand.pk])
    response = client.post(url, {"step": 2, "done_on": "2024-01-20", "acted_by": "A书记"})
    assert response.status_code == 302 and response["Location"] == url
    scan = SimpleUploadedFile("支委会决定.pdf", b"%PDF-1.4 decision", content_type="application/pdf")
    minutes = SimpleUploadedFile("会议记录.jpg", b"\xff\xd8 minutes", content_type="image/jpeg")
    response = client.post(
        url,
        {"step": 3, "done_on": "2024-02-01", "recommended_by": "league", "documents": [scan, minutes]},
    )
    assert response.status_code == 302
    cand.refresh_from_db()
    world.a.worker.refresh_from_db()
    assert cand.stage == Stage.ACTIVIST and cand.activist_on == ACTIVIST
    assert world.a.worker.political_status == "activist"
    step = cand.steps.get(number=3)
    assert step.data == {"recommended_by": "league"}
    assert sorted(step.documents.values_list("file_name", flat=True)) == ["会议记录.jpg", "支委会决定.pdf"]
    response = client.post(url, {"step": 5, "done_on": "2024-02-05", "contacts": [world.a.member.pk]})
    assert response.status_code == 302
    assert cand.steps.get(number=5).data == {"contacts": [world.a.member.pk]}

    page = _body(client.get(url))
    assert "A党员" in page  # the contact, by name, on the timeline
    assert 'data-due="4"' in page and 'data-due="6"' in page


def test_contacts_are_chosen_among_the_branchs_full_members(world, login):
    cand = _apply(world.a)
    _record(world.a, cand, 2, dt.date(2024, 1, 20))
    _record(world.a, cand, 3, ACTIVIST)
    client = login(world.a.secretary)
    url = reverse("development:detail", args=[cand.pk])
    form = _body(client.get(url, {"step": 5}, headers={"HX-Request": "true", "HX-Target": "record-form"}))
    assert form.startswith('<div id="record-form" data-step="5">')
    assert "A党员" in form and "A书记" in form and "B党员" not in form and "A工人" not in form
    response = client.post(url, {"step": 5, "done_on": "2024-02-05", "contacts": [world.b.member.pk]})
    assert response.status_code == 400
    assert not cand.steps.filter(number=5).exists()


def test_a_vote_below_the_majority_is_refused_with_the_numbers(world, login):
    voters(world)  # nine full members: the tally's nine entitled are the branch's
    cand = _apply(world.a)
    for number, on, data in [
        (2, dt.date(2024, 1, 20), {}),
        (3, ACTIVIST, {}),
        (4, dt.date(2024, 2, 5), {}),
        (5, dt.date(2024, 2, 5), {"contacts": [world.a.member.pk]}),
        (6, dt.date(2024, 8, 1), {}),
        (6, dt.date(2025, 2, 1), {}),
        (7, dt.date(2025, 2, 1), {}),
        (8, dt.date(2025, 2, 5), {}),
        (9, dt.date(2025, 2, 5), {"sponsors": [world.a.member.pk, world.a.secretary.person_id]}),
        (10, dt.date(2025, 2, 20), {"_c": "政治可靠"}),
        (11, dt.date(2025, 2, 25), {"days": 3}),
        (12, dt.date(2025, 3, 5), {}),
        (13, dt.date(2025, 3, 10), {"notice_from": "2025-03-10", "notice_to": "2025-03-14"}),
        (14, dt.date(2025, 3, 16), {}),
    ]:
        _record(world.a, cand, number, on, by=world.county_admin if number == 13 else None, **data)
    tally = {"entitled": 9, "present": 7, "yes": 4}  # 4 of 9: not more than half
    response = login(world.a.secretary).post(
        reverse("development:detail", args=[cand.pk]), {"step": 15, "done_on": "2025-03-20", **tally}
    )
    assert response.status_code == 400
    with translation.override("zh-hans"):
        expected = rules.vote_problems(tally)[0].message
    assert escape(expected) in _body(response) and "4" in expected and "9" in expected
    assert not cand.steps.filter(number=15).exists()


# --- the political review conclusion and documents -------------------------------------------------


def _reviewed(world):
    cand = _activist_with_assessment(world.a)
    _record(world.a, cand, 6, dt.date(2025, 2, 1))
    _record(world.a, cand, 7, dt.date(2025, 2, 1))
    _record(world.a, cand, 10, dt.date(2025, 2, 20), _c="政治可靠，同意发展")
    return cand


def test_the_conclusion_is_masked_and_each_view_is_audited(world, login):
    cand = _reviewed(world)
    secretary = login(world.a.secretary)
    page = _body(secretary.get(reverse("development:detail", args=[cand.pk])))
    assert "政治可靠" not in page and "••••••" in page
    assert reverse("development:conclusion", args=[cand.pk]) in page
    revealed = secretary.post(reverse("development:conclusion", args=[cand.pk]))
    assert "政治可靠，同意发展" in _body(revealed)
    event = AuditEvent.objects.filter(action="reveal", object_type="development.Step").get()
    assert event.actor_id == world.a.secretary.pk and event.changes == {"field": "conclusion"}

    committee = UserFactory(username="committee_a")
    access_services.assign_role(actor=None, user=committee, role=Role.COMMITTEE_MEMBER, organization=world.a.branch)
    client = login(committee)
    page = _body(client.get(reverse("development:detail", args=[cand.pk])))
    assert "政治可靠" not in page and reverse("development:conclusion", args=[cand.pk]) not in page
    assert client.post(reverse("development:conclusion", args=[cand.pk])).status_code == 403


def test_a_document_download_is_audited_and_scoped(world, login):
    cand = _apply(world.a, documents=[("入党申请书.pdf", b"%PDF-1.4 application", "application/pdf")])
    doc = cand.steps.get().documents.get()
    b_doc = _apply(world.b, documents=[("B.pdf", b"%PDF b", "application/pdf")]).steps.get().documents.get()
    client = login(world.a.secretary)
    assert client.post(reverse("development:document", args=[b_doc.pk])).status_code == 404
    assert client.get(reverse("development:document", args=[doc.pk])).status_code == 405
    assert not AuditEvent.objects.filter(action="export").exists()
    response = client.post(reverse("development:document", args=[doc.pk]))
    assert response.status_code == 200 and response.content == b"%PDF-1.4 application"
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="export", object_type="development.StepDocument")
    assert event.object_id == str(doc.pk) and event.org_path == world.a.branch.path


# --- the board ---------------------------------------------------------------------------------


def _grow(world, n: int) -> None:
    for i in range(n):
        person = PersonFactory(name=f"申请人{i}", employer=world.a.enterprise)
        cand = _apply(world.a, person, on=dt.date(2026, 1, 1) + dt.timedelta(days=i))
        if i % 3:
            _record(world.a, cand, 2, dt.date(2026, 3, 1))
        if i % 3 == 2:
            _record(world.a, cand, 3, dt.date(2026, 3, 5))
            _record(world.a, cand, 5, dt.date(2026, 3, 6), contacts=[world.a.member.pk])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "user, name, pinned", [("a.secretary", "development:board", 13), ("county_admin", "development:pipeline", 11)]
)
def test_the_same_queries_for_3_and_12_candidacies(world, client, user, name, pinned):
    client.force_login(world.county_admin if user == "county_admin" else world.a.secretary)
    url = reverse(name)
    _grow(world, 3)
    small = _queries(client, url)
    _grow_more = [PersonFactory(name=f"又一人{i}", employer=world.a.enterprise) for i in range(9)]
    for i, person in enumerate(_grow_more):
        cand = _apply(world.a, person, on=dt.date(2026, 2, 1) + dt.timedelta(days=i))
        if i % 2:
            _record(world.a, cand, 2, dt.date(2026, 3, 1))
    assert Candidacy.objects.filter(organization=world.a.branch).count() == 12
    large = _queries(client, url)
    assert large == small == pinned, (small, large)


def test_the_board_counts_applications_and_shows_what_is_overdue(world, login):
    world.a.branch.founded_on = dt.date(2026, 3, 18)
    world.a.branch.save()
    first_month = [PersonFactory(name=f"首月{i}", employer=world.a.enterprise) for i in range(3)]
    for i, person in enumerate(first_month):
        _apply(world.a, person, on=dt.date(2026, 3, 18) + dt.timedelta(days=i * 10))  # 18 Mar, 28 Mar, 7 Apr
    _apply(world.a, on=dt.date(2026, 4, 18))  # a month on: not in the first month
    body = _body(login(world.a.secretary).get(reverse("development:board")))
    assert 'data-figure="first_month">3<' in body
    assert 'data-figure="applicant">4<' in body
    # Nobody has been talked to within a month: four overdue talks, on red cards.
    assert 'data-figure="overdue">4<' in body
    assert body.count("data-overdue") == 4


def test_the_pipeline_lists_branches_overdue_first(world, login):
    _apply(world.b)  # its talk is long overdue
    a = _apply(world.a)
    _record(world.a, a, 2, dt.date(2024, 1, 20))
    body = _body(login(world.county_admin).get(reverse("development:pipeline")))
    assert body.index(f'data-org="{world.b.branch.pk}"') < body.index(f'data-org="{world.a.branch.pk}"')
    assert reverse("development:board") + f"?org={world.b.branch.pk}" in body
    mine = _body(login(world.a.secretary).get(reverse("development:pipeline")))
    assert f'data-org="{world.a.branch.pk}"' in mine and world.b.branch.name not in mine


# --- applications ----------------------------------------------------------------------------


def test_the_secretary_records_a_paper_application_for_an_employee_in_scope(world, login):
    client = login(world.a.secretary)
    page = _body(client.get(reverse("development:apply")))
    assert "A工人" in page
    assert "B工人" not in page and "A党员" not in page  # other side; already a member
    response = client.post(reverse("development:apply"), {"person": world.b.worker.pk, "applied_on": "2026-11-01"})
    assert response.status_code == 400
    scan = SimpleUploadedFile("申请书.jpg", b"\xff\xd8 scan", content_type="image/jpeg")
    response = client.post(
        reverse("development:apply"), {"person": world.a.worker.pk, "applied_on": "2026-11-01", "documents": [scan]}
    )
    cand = Candidacy.objects.get(person=world.a.worker)
    assert response["Location"] == reverse("development:detail", args=[cand.pk])
    assert cand.organization == world.a.branch and cand.applied_on == dt.date(2026, 11, 1)
    assert cand.steps.get().documents.get().file_name == "申请书.jpg"
    again = client.get(reverse("development:apply"))
    assert "A工人" not in _body(again)  # an application is in progress


def test_an_employee_applies_online_from_the_home_page(world, login):
    client = login(UserFactory(username="worker_a", person=world.a.worker))
    home = _body(client.get(reverse("home")))
    assert reverse("development:apply") in home
    assert client.post(reverse("development:apply"), {"text": " "}).status_code == 400
    response = client.post(reverse("development:apply"), {"text": "我志愿加入中国共产党……"})
    cand = Candidacy.objects.get(person=world.a.worker)
    assert response["Location"] == reverse("development:detail", args=[cand.pk])
    assert cand.organization == world.a.branch and cand.steps.get().note.startswith("我志愿")
    assert reverse("development:apply") not in _body(client.get(reverse("home")))
    assert client.get(reverse("development:apply")).status_code == 403


def test_withdrawal_needs_a_reason_and_closes_the_application(world, login):
    cand = _apply(world.a)
    client = login(world.a.secretary)
    url = reverse("development:withdraw", args=[cand.pk])
    assert client.post(url, {"on": "2024-03-01", "reason": ""}).status_code == 400
    assert client.post(url, {"on": "2024-03-01", "reason": "调离本企业"}).status_code == 302
    cand.refresh_from_db()
    assert (cand.stage, cand.outcome, cand.closed_on) == ("closed", "withdrawn", dt.date(2024, 3, 1))
    page = _body(client.get(reverse("development:detail", args=[cand.pk])))
    assert 'id="record-form"' not in page


# --- the ledger ----------------------------------------------------------------------------------


def _sheet_rows(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return rows[2:]  # a title line, then the header


def test_the_ledger_has_a_row_per_candidacy_with_dates_as_dates_and_is_audited(world, login):
    cand = _activist_with_assessment(world.a)
    other = PersonFactory(name="A新申请人", employer=world.a.enterprise)
    _apply(world.a, other, on=dt.date(2026, 10, 1))
    client = login(world.a.secretary)
    page = client.get(reverse("development:ledger"), {"org": world.a.branch.pk})
    assert 'data-count="2"' in _body(page)
    response = client.post(reverse("development:ledger") + f"?org={world.a.branch.pk}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book.worksheets[0][2]]
    with translation.override("zh-hans"):
        assert header == [capfirst(str(label)) for label, _w in LEDGER_COLUMNS]
    rows = {row[0]: row for row in _sheet_rows(response)}
    assert set(rows) == {"A工人", "A新申请人"}
    row = rows["A工人"]
    assert row[8] == dt.datetime(2024, 1, 10)  # application, as a date cell
    assert row[9] == dt.datetime(2024, 1, 20)  # talk
    assert row[10] == dt.datetime(2024, 2, 1)  # activist
    assert row[11] == "A党员"  # the cultivation contact
    assert row[3] == dt.datetime.combine(world.a.worker.birth_date, dt.time())
    event = AuditEvent.objects.get(action="export", object_type="development.ledger")
    assert event.actor_id == world.a.secretary.pk
    assert event.changes["rows"] == 2 and event.changes["filters"] == {"org": str(world.a.branch.pk)}
    assert event.org_path == world.a.branch.path
    assert cand.pk  # the candidacy is in it, not just the people


# --- local settings ----------------------------------------------------------------------------


def test_the_county_department_sets_local_practice(world, login):
    client = login(world.county_admin)
    url = reverse("development:settings", args=[world.county.pk])
    assert client.get(url).status_code == 200
    fields = {
        "notice_min_days": 7,
        "notice_max_days": 5,
        "thought_report_months": 3,
        "conversion_prompt_days": 30,
        "birthday_basis": "admission",
    }
    assert client.post(url, fields).status_code == 400
    assert client.post(url, {**fields, "notice_max_days": 10}).status_code == 302
    assert services.config_for(world.a.branch).notice_max_days == 10
    assert DevelopmentConfig.objects.get().organization == world.county
    # A branch has no settings page; a secretary cannot reach the county's.
    assert client.get(reverse("development:settings", args=[world.a.branch.pk])).status_code == 404
    assert login(world.a.secretary).get(url).status_code == 404


def test_the_candidate_never_sees_their_own_political_review(world, login):
    """The self role may see its own ID number, but the 政审 conclusion belongs to the dossier."""
    cand = _reviewed(world)
    me = UserFactory(username="candidate_self", person=cand.person)
    client = login(me)
    page = _body(client.get(reverse("development:detail", args=[cand.pk])))
    assert "政治可靠" not in page and reverse("development:conclusion", args=[cand.pk]) not in page
    assert client.post(reverse("development:conclusion", args=[cand.pk])).status_code == 403


# --- the higher committee's steps ------------------------------------------------------------


def _reviewed_by_the_branch(world):
    """Steps 2–12 recorded: the higher committee's pre-review (13) is what comes next."""
    cand = _reviewed(world)
    _record(world.a, cand, 8, dt.date(2025, 2, 5))
    _record(world.a, cand, 9, dt.date(2025, 2, 5), sponsors=[world.a.member.pk, world.a.secretary.person_id])
    _record(world.a, cand, 11, dt.date(2025, 2, 25), days=3)
    _record(world.a, cand, 12, dt.date(2025, 3, 5))
    return cand


def test_the_branch_is_not_offered_the_higher_committees_step_but_sees_it_due(world, login):
    cand = _reviewed_by_the_branch(world)
    url = reverse("development:detail", args=[cand.pk])
    page = _body(login(world.a.secretary).get(url))
    assert 'data-due="13"' in page and escape(str(rules.HIGHER).capitalize()) in page  # due, and by whom
    select = page[page.index('name="step"') : page.index("</select>", page.index('name="step"'))]
    for n in services.HIGHER_STEPS:
        assert f'value="{n}"' not in select
    assert 'value="14"' in select  # a later step of the branch's is still offered (the rules explain)
    notice = {"notice_from": "2025-03-10", "notice_to": "2025-03-14"}
    response = login(world.a.secretary).post(url, {"step": 13, "done_on": "2025-03-10", **notice})
    assert response.status_code == 400 and not cand.steps.filter(number=13).exists()

    county = login(world.county_admin)
    page = _body(county.get(url))
    assert 'data-step="13"' in page  # the form opens on the county's own step
    assert county.post(url, {"step": 13, "done_on": "2025-03-10", **notice}).status_code == 302
    assert cand.steps.filter(number=13).exists()


# --- the political review's papers and note ------------------------------------------------------


def test_the_political_reviews_documents_and_note_go_with_its_conclusion(world, login):
    cand = _activist_with_assessment(world.a)
    _record(world.a, cand, 6, dt.date(2025, 2, 1))
    _record(world.a, cand, 7, dt.date(2025, 2, 1))
    services.record_step(
        actor=world.a.secretary,
        candidacy=cand,
        number=10,
        done_on=dt.date(2025, 2, 20),
        conclusion="政治可靠",
        note="外调函两份，均无问题",
        documents=[("政审材料.pdf", b"%PDF-1.4 review", "application/pdf")],
    )
    doc = cand.steps.get(number=10).documents.get()
    url = reverse("development:detail", args=[cand.pk])
    download = reverse("development:document", args=[doc.pk])
    for user in (_instructor(world), UserFactory(username="candidate_self", person=cand.person)):
        client = login(user)
        page = _body(client.get(url))
        assert "政审材料.pdf" not in page and download not in page and "外调函" not in page
        assert client.post(download).status_code == 404
        assert client.get(download).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()
    secretary = login(world.a.secretary)
    page = _body(secretary.get(url))
    assert "政审材料.pdf" in page and "外调函两份" in page
    response = secretary.post(download)
    assert response.status_code == 200 and response.content == b"%PDF-1.4 review"


def test_the_pipeline_table_downloads_as_excel_in_scope(world, login):
    _apply(world.a)
    client = login(world.county_admin)
    url = reverse("development:pipeline") + f"?org={world.county.pk}"
    assert "data-pipeline-download" in _body(client.get(url))
    response = client.post(url)
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    mine = next(r for r in rows if r[0] == world.a.branch.name)
    assert sum(n for n in mine[2:-1]) == 1  # the one application, in its stage's column
    assert AuditEvent.objects.filter(object_type="development.pipeline").count() == 1
    outsider = login(world.a.secretary).post(reverse("development:pipeline") + f"?org={world.b.branch.pk}")
    assert outsider.status_code == 404
