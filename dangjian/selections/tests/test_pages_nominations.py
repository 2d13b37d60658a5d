"""Nominations on their pages: an employee nominates a colleague or themselves from the people the
round allows, the nominee and the nominator add evidence (text, figures, sealed files, each
opening recorded), the nominee declines; what the round's rules refuse is said on the form, and
side B reaches none of it."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from dangjian.audit.models import Action, AuditEvent
from dangjian.selections.models import Builtin, EvidenceFile, Nomination, NominationStatus
from dangjian.testing.selection_pages import in_english, learning, member_user_of, with_evidence, worker_user
from dangjian.testing.selections import category, in_vote, nominated, round_of

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_an_employee_nominates_a_colleague_chosen_among_those_the_round_allows(world, login):
    r = round_of(world.a)
    worker = worker_user(world.a)
    client = login(worker)
    form = client.get(reverse("selections:nominate", args=[r.pk])).content.decode()
    assert "A党员 · A缝纫一组" in form and "B党员" not in form  # name and team, nothing more
    assert 'value="organiser"' not in form  # the organiser's kind is the organiser's
    response = client.post(
        reverse("selections:nominate", args=[r.pk]),
        {"category": category(r).pk, "kind": "peer", "nominee": world.a.member.pk, "reason": "带头学习新工艺"},
    )
    n = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("selections:nomination", args=[r.pk, n.pk])
    assert (n.nominee, n.nominated_by, n.kind) == (world.a.member, world.a.worker, "peer")
    # A self-nomination names nobody: the nominee is the one who nominates.
    client.post(
        reverse("selections:nominate", args=[r.pk]),
        {"category": category(r, Builtin.INCOME).pk, "kind": "self", "reason": "家庭增收"},
    )
    assert Nomination.objects.get(category__builtin=Builtin.INCOME).nominee == world.a.worker
    page = client.get(reverse("selections:round", args=[r.pk])).content.decode()
    assert page.count("data-nomination=") == 2 and "带头学习新工艺" in page


def test_the_nominee_search_offers_only_the_rounds_eligible_people(world, login):
    round_of(world.a)
    round_of(world.b)
    client = login(worker_user(world.a))
    body = client.get(reverse("lookup"), {"source": "person.nominee", "search": "党员"}).content.decode()
    assert "A党员" in body and "B党员" not in body


def test_a_nomination_outside_the_round_or_its_phase_is_refused_on_the_form(world, login):
    r = round_of(world.a, nominees="members")
    client = login(worker_user(world.a, language="en"))
    with translation.override("en"):
        response = client.post(
            reverse("selections:nominate", args=[r.pk]),
            {"category": category(r).pk, "kind": "self", "reason": "x"},
        )
    assert response.status_code == 400
    assert "cannot be nominated in this round: it is open to the branch's party members" in _text(response)
    with translation.override("en"):
        response = client.post(
            reverse("selections:nominate", args=[r.pk]),
            {"category": category(r).pk, "kind": "peer", "nominee": world.b.member.pk, "reason": "x"},
        )
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    closed = in_vote(world.a)
    with translation.override("en"):
        page = client.get(reverse("selections:nominate", args=[closed.pk])).content.decode()
        response = client.post(
            reverse("selections:nominate", args=[closed.pk]),
            {"category": category(closed).pk, "kind": "self", "reason": "x"},
        )
    assert "Nominations are closed" in page
    assert (
        response.status_code == 400 and "not possible now: the round is in its vote phase" in response.content.decode()
    )
    assert not Nomination.objects.filter(round=r).exists()


def test_someone_without_a_person_nominates_only_as_the_organiser(world, login):
    r = round_of(world.a)
    form = login(world.a.manager).get(reverse("selections:nominate", args=[r.pk])).content.decode()
    assert 'value="organiser"' in form and 'value="self"' not in form
    with translation.override("en"):
        refused = login(world.county_admin).get(reverse("selections:nominate", args=[r.pk]))
    assert refused.status_code == 403


def test_the_nominee_adds_evidence_with_figures_and_a_file_and_opening_it_is_recorded(world, login):
    r = nominated(world.a)
    n = learning(r)
    nominee = member_user_of(world.a)
    client = login(nominee)
    url = reverse("selections:nomination", args=[r.pk, n.pk])
    page = client.get(url).content.decode()
    assert "data-evidence-form" in page and "data-decline-form" in page
    response = client.post(
        url,
        {
            "action": "evidence",
            "text": "一年带出10名熟练工",
            "figure_label_0": "带徒人数",
            "figure_value_0": "10人",
            "attachments": SimpleUploadedFile("证书.pdf", b"%PDF-1.4 certificate", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    ev = n.evidence.get()
    assert ev.figures == [{"label": "带徒人数", "value": "10人"}] and ev.added_by == nominee
    doc = EvidenceFile.objects.get()
    assert bytes(doc.sealed_file) != b"%PDF-1.4 certificate"  # sealed at rest
    # An employee who votes reads the evidence and opens the file; the opening is recorded.
    voter = login(worker_user(world.a))
    page = voter.get(url).content.decode()
    assert "一年带出10名熟练工" in page and "10人" in page and "data-evidence-form" not in page
    file_url = reverse("selections:evidence_file", args=[r.pk, n.pk, doc.pk])
    assert voter.get(file_url).status_code == 405
    opened = voter.post(file_url)
    assert opened.status_code == 200 and opened.content == b"%PDF-1.4 certificate"
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="selections.EvidenceFile").count() == 1


def test_evidence_is_refused_field_by_field_and_to_those_it_is_not_for(world, login):
    r = nominated(world.a)
    n = learning(r)
    url = reverse("selections:nomination", args=[r.pk, n.pk])
    client = login(member_user_of(world.a, language="en"))
    with translation.override("en"):
        response = client.post(url, {"action": "evidence", "text": "x", "figure_label_1": "家庭存款"})
    assert response.status_code == 400 and "Give the figure's value" in _text(response)
    with translation.override("en"):
        refused = login(worker_user(world.a, language="en")).post(url, {"action": "evidence", "text": "x"})
    assert refused.status_code == 403 and "Evidence is added by the nominee" in refused.content.decode()
    assert not n.evidence.exists()


def test_the_nominee_declines_and_nobody_else_may(world, login):
    r = nominated(world.a)
    n = learning(r)
    url = reverse("selections:nomination", args=[r.pk, n.pk])
    refused = in_english(login(world.a.secretary)).post(url, {"action": "decline"})
    assert refused.status_code == 403 and "Only the nominee declines" in refused.content.decode()
    login(member_user_of(world.a)).post(url, {"action": "decline", "note": "让给年轻人"})
    n.refresh_from_db()
    assert n.status == NominationStatus.DECLINED and n.declined_note == "让给年轻人"
    page = login(world.a.secretary).get(reverse("selections:round", args=[r.pk])).content.decode()
    assert 'data-declined="1"' in page and f'data-nomination="{n.pk}"' not in page


def test_side_b_reaches_no_nomination_evidence_or_file_of_a(world, login):
    r = with_evidence(world.a)
    n = learning(r)
    doc = EvidenceFile.objects.get()
    client = login(world.b.secretary)
    assert client.get(reverse("selections:nominate", args=[r.pk])).status_code == 404
    assert client.post(reverse("selections:nominate", args=[r.pk]), {"kind": "self"}).status_code == 404
    url = reverse("selections:nomination", args=[r.pk, n.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "decline"}).status_code == 404
    assert client.post(reverse("selections:evidence_file", args=[r.pk, n.pk, doc.pk])).status_code == 404
    # Nor through a round of its own: the nomination and the file belong to A's round only.
    b_round = nominated(world.b)
    assert client.get(reverse("selections:nomination", args=[b_round.pk, n.pk])).status_code == 404
    other = learning(b_round)
    assert client.post(reverse("selections:evidence_file", args=[b_round.pk, other.pk, doc.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT, object_type="selections.EvidenceFile").exists()
