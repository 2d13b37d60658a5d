"""Votes without a phone login: the organiser prints ballot sheets (a one-time code per voter,
a reprint voids the old sheet), a worker votes with the code on any phone without signing in,
once; paper ballots are marked on the roll and entered by two tellers who must agree; blank
paper ballots print all alike. B's organiser reaches none of A's."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from dangjian.audit.models import AuditEvent
from dangjian.ballots import rules as ballot_rules
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import Ballot, Voter
from dangjian.selections.models import Builtin
from dangjian.testing.factories import UserFactory
from dangjian.testing.selections import in_vote
from dangjian.testing.voting import ballot_fields, vote

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _as(user):
    client = Client(**EN)
    client.force_login(user)
    return client


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _line(r, person):
    return ballot_selectors.voter_line(r.poll, person.pk)


def test_the_organiser_prints_sheets_and_a_worker_votes_once_with_the_code_without_a_login(world):
    r = in_vote(world.a)
    learning = r.nominations.get(category__builtin=Builtin.LEARNING)
    organiser = _as(world.a.secretary)
    page = organiser.get(reverse("selections:sheets", args=[r.pk]), {"q": "书记"}).content.decode()
    assert 'data-voter="A书记"' in page and 'data-voter="A党员"' not in page
    clerk = world.a.secretary.person  # on the roll as an employee; here as a voter without a phone login
    response = organiser.post(reverse("selections:sheets", args=[r.pk]), {"voter": [_line(r, clerk).pk]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    [code] = CODE.findall(text)
    assert "A书记" in text  # the sheet names its voter, for the organiser to hand it over
    assert _line(r, clerk).sheet_code == ballot_rules.digest_code(code)
    assert code not in " ".join(str(e.changes) for e in AuditEvent.objects.all())

    anonymous = Client(**EN)
    assert anonymous.get(reverse("selections:sheet")).status_code == 200
    ballot = anonymous.post(reverse("selections:sheet"), {"code": code.lower(), "step": "open"}).content.decode()
    assert r.title in ballot and "Learning model" in ballot
    assert "A书记" not in ballot  # the round and its nominees, never whose ballot it is
    receipt = vote(
        anonymous,
        r,
        {Builtin.LEARNING: learning},
        url=reverse("selections:sheet"),
        code=ballot_rules.normalise_code(code),
    )
    assert _line(r, clerk).voted and Ballot.objects.filter(poll=r.poll).count() == 1
    events = " ".join(str(e.__dict__) for e in AuditEvent.objects.all())
    for secret in (code, ballot_rules.digest_code(code), receipt, ballot_rules.digest_code(receipt)):
        assert secret not in events
    used = anonymous.post(reverse("selections:sheet"), {"code": code, "step": "open"})
    assert used.status_code == 400 and "has been used" in used.content.decode()
    fields = ballot_fields(r, {Builtin.LEARNING: learning})
    again = anonymous.post(reverse("selections:sheet"), {**fields, "code": code, "step": "cast"})
    assert again.status_code == 400 and Ballot.objects.filter(poll=r.poll).count() == 1


def test_a_reprinted_sheet_voids_the_one_before(world):
    r = in_vote(world.a)
    [(_v, old)] = ballots.issue_sheets(actor=None, poll=r.poll, voters=[_line(r, world.a.worker)])
    [(_v, new)] = ballots.issue_sheets(actor=None, poll=r.poll, voters=[_line(r, world.a.worker)])
    anonymous = Client(**EN)
    refused = anonymous.post(reverse("selections:sheet"), {"code": old, "step": "open"})
    assert refused.status_code == 400 and "only the newest sheet works" in refused.content.decode()
    assert anonymous.post(reverse("selections:sheet"), {"code": new, "step": "open"}).status_code == 200


def test_printing_all_listed_is_capped_and_needs_someone_chosen(world, settings):
    r = in_vote(world.a)
    organiser = _as(world.a.manager)
    nothing = organiser.post(reverse("selections:sheets", args=[r.pk]), {"q": "", "team": ""})
    assert nothing.status_code == 400 and "Choose the voters" in nothing.content.decode()
    everyone = organiser.post(reverse("selections:sheets", args=[r.pk]), {"all": "1", "team": world.a.team.pk})
    assert everyone["Content-Type"] == "application/pdf"
    assert len(CODE.findall(_pdf_text(everyone.content))) == 2  # the team's member and worker
    assert Voter.objects.filter(poll=r.poll).exclude(sheet_code="").count() == 2


def test_paper_ballots_are_marked_on_the_roll_and_count_when_two_tellers_agree(world):
    r = in_vote(world.a)
    learning = r.nominations.get(category__builtin=Builtin.LEARNING)
    income = r.nominations.get(category__builtin=Builtin.INCOME)
    first, second = _as(world.a.secretary), _as(world.a.manager)
    url = reverse("selections:tellers", args=[r.pk])
    found = first.get(url, {"q": "工人"}).content.decode()
    assert 'data-voter="A工人"' in found
    marked = first.post(url, {"action": "hand_in", "voter": _line(r, world.a.worker).pk, "q": "工人"}, follow=True)
    assert "handed in a paper ballot" in marked.content.decode() and _line(r, world.a.worker).voted
    phone = _as(UserFactory(person=world.a.worker))  # a paper ballot in the box: no second vote by phone
    assert "one person, one vote" in phone.get(reverse("selections:ballot", args=[r.pk])).content.decode()

    reading = {**ballot_fields(r, {Builtin.LEARNING: learning, Builtin.INCOME: income}), "sheet_no": "1"}
    wrong = {**ballot_fields(r, {Builtin.LEARNING: None, Builtin.INCOME: income}), "sheet_no": "1"}
    waiting = first.post(url, {**reading, "action": "enter"}, follow=True).content.decode()
    assert "A second teller enters it too" in waiting
    seen = second.get(url).content.decode()
    assert 'data-sheet="1" data-state="waiting"' in seen
    assert "checked" not in seen  # the first teller's reading is not shown to the second
    differs = second.post(url, {**wrong, "action": "enter"}, follow=True).content.decode()
    assert "your reading differs from the other" in differs and Ballot.objects.filter(poll=r.poll).count() == 0
    agreed = second.post(url, {**reading, "action": "enter"}, follow=True).content.decode()
    assert "both tellers read it alike" in agreed and 'data-state="agreed"' in agreed
    assert Ballot.objects.filter(poll=r.poll).count() == 1
    extra = first.post(url, {**reading, "sheet_no": "2", "action": "enter"})
    second_try = second.post(url, {**reading, "sheet_no": "2", "action": "enter"})
    assert extra.status_code == 302 and second_try.status_code == 400
    assert "as many are entered already" in second_try.content.decode()


def test_blank_paper_ballots_print_alike_for_the_organiser_only(world):
    r = in_vote(world.a)
    response = _as(world.a.secretary).get(reverse("selections:paper_ballots", args=[r.pk]), {"n": 3})
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "No choice" in text and not CODE.search(text)
    odd = _as(world.a.secretary).get(reverse("selections:paper_ballots", args=[r.pk]), {"n": 0}, follow=True)
    assert "from 1 to 300" in odd.content.decode()
    member = _as(UserFactory(person=world.a.member))
    for name in ("selections:tellers", "selections:sheets", "selections:paper_ballots"):
        assert member.get(reverse(name, args=[r.pk])).status_code == 403


def test_b_organiser_reaches_no_sheet_or_teller_page_of_a(world):
    r = in_vote(world.a)
    b_manager = _as(world.b.manager)
    for name in ("selections:tellers", "selections:sheets", "selections:paper_ballots"):
        assert b_manager.get(reverse(name, args=[r.pk])).status_code == 404
        assert b_manager.post(reverse(name, args=[r.pk]), {"all": "1", "action": "hand_in"}).status_code == 404
    assert Voter.objects.filter(poll=r.poll).exclude(sheet_code="").count() == 0
