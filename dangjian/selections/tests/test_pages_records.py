"""What a round leaves behind, on pages and in files: the public notice and its print, the
certificates, the Excel of nominations and results, the honours on the person page and the
rounds on the branch's and the enterprise's pages. Each holds the winners, is refused to whom it
is not for, and side B gets none of A's."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from dangjian.audit.models import Action, AuditEvent
from dangjian.sheets import XLSX_CONTENT_TYPE
from dangjian.testing.exports import read_rows
from dangjian.testing.selection_pages import announced, counted, in_english, learning, noticed, worker_user
from dangjian.testing.selections import nominated, round_of

# the browser asks for English (a page's language is the request's)

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils is not installed (scripts/system-deps)"
)


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _exports(r):
    return AuditEvent.objects.filter(action=Action.EXPORT, object_type="selections.Round", object_id=str(r.pk))


# --- the public notice ----------------------------------------------------------------------------


@needs_poppler
def test_the_public_notice_lists_the_winners_and_prints_them(world, login, tmp_path):
    r = noticed(world.a)
    client = login(worker_user(world.a))
    page = client.get(reverse("selections:notice", args=[r.pk])).content.decode()
    assert page.count("data-winner") == 2 and "A党员" in page and "A工人" in page
    assert r.noticed_on.isoformat() in page and r.notice_until.isoformat() in page
    assert "data-how-to-object" in page
    response = client.get(reverse("selections:notice_pdf", args=[r.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert "A党员" in text and "A工人" in text and r.notice_until.isoformat() in text
    assert not _exports(r).exists()  # the notice is posted on the wall: printing it is not recorded


def test_before_the_notice_there_is_nothing_to_print(world, login):
    r = counted(world.a)
    client = login(world.a.secretary)
    page = client.get(reverse("selections:notice", args=[r.pk])).content.decode()
    assert "data-not-yet" in page and "data-winner" not in page
    assert client.get(reverse("selections:notice_pdf", args=[r.pk])).status_code == 404


# --- certificates ---------------------------------------------------------------------------------


@needs_poppler
def test_the_organiser_prints_a_certificate_for_each_winner_in_the_enterprises_and_branchs_name(world, login, tmp_path):
    r = announced(world.a)
    client = login(world.a.secretary)
    assert "data-certificates" in client.get(reverse("selections:round", args=[r.pk])).content.decode()
    url = reverse("selections:certificates", args=[r.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert "A党员" in text and "A工人" in text and "A公司党支部" in text and "A公司" in text
    assert text.count("\f") == 2  # a page each
    [event] = _exports(r)
    assert event.changes["certificates"] == 2 and event.actor_id == world.a.secretary.pk


def test_certificates_wait_for_the_announcement_and_are_the_organisers(world, login):
    r = noticed(world.a)
    early = in_english(login(world.a.secretary)).post(reverse("selections:certificates", args=[r.pk]), follow=True)
    assert "once the round is announced" in early.content.decode()
    refused = login(worker_user(world.a)).post(reverse("selections:certificates", args=[r.pk]))
    assert refused.status_code == 403
    assert login(world.b.secretary).post(reverse("selections:certificates", args=[r.pk])).status_code == 404
    assert not _exports(r).exists()


# --- Excel ----------------------------------------------------------------------------------------


def _sheet(client, name, r):
    response = client.post(reverse(f"selections:download_{name}", args=[r.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    rows = read_rows(response.content)
    return rows[1], rows[2:]  # the title line first, then the header


def test_the_organiser_downloads_the_nominations_and_after_the_count_the_results(world, login, a_in_english):
    r = counted(world.a)
    client = login(world.a.manager)
    header, rows = _sheet(client, "nominations", r)
    assert header[:3] == ("Category", "Nominee", "Production team")
    assert sorted((row[1], row[2], row[3], row[6], row[7]) for row in rows) == [
        ("A党员", "A缝纫一组", "self-nomination", "standing", 0),
        ("A工人", "A缝纫一组", "self-nomination", "standing", 0),
    ]
    header, rows = _sheet(client, "results", r)
    assert header[2:4] == ("Votes", "Rank")
    assert {(row[1], row[2], row[3], row[4], row[6]) for row in rows} == {
        ("A党员", 2, 1, "yes", "awaiting review"),
        ("A工人", 1, 1, "yes", "awaiting review"),
    }
    assert [e.changes["list"] for e in _exports(r).order_by("id")] == ["nominations", "results"]


def test_results_are_not_downloaded_before_the_count_nor_by_an_employee(world, login):
    r = nominated(world.a)
    early = in_english(login(world.a.secretary)).post(reverse("selections:download_results", args=[r.pk]), follow=True)
    assert "once the vote is counted" in early.content.decode()
    with translation.override("en"):
        refused = login(worker_user(world.a, language="en")).post(
            reverse("selections:download_nominations", args=[r.pk])
        )
    assert refused.status_code == 403 and "downloaded by its organiser" in refused.content.decode()
    assert login(world.a.secretary).get(reverse("selections:download_nominations", args=[r.pk])).status_code == 405
    assert not _exports(r).exists()


def test_side_b_downloads_nothing_of_a(world, login):
    r = counted(world.a)
    client = login(world.b.manager)
    for name in ("nominations", "results"):
        assert client.post(reverse(f"selections:download_{name}", args=[r.pk])).status_code == 404
    assert not _exports(r).exists()


# --- the records that follow ----------------------------------------------------------------------


def test_the_person_page_shows_the_honours_won(world, login):
    r = announced(world.a)
    page = login(world.a.secretary).get(reverse("people:detail", args=[world.a.member.pk])).content.decode()
    assert 'data-honours="1"' in page and r.title in page and learning(r).category.name in page
    assert reverse("selections:round", args=[r.pk]) in page
    # Before the announcement a nominee holds no honour yet.
    pending = noticed(world.b)
    b_page = login(world.b.secretary).get(reverse("people:detail", args=[world.b.member.pk])).content.decode()
    assert "data-honours" not in b_page and pending.title not in b_page


def test_the_branch_and_the_enterprise_pages_show_their_rounds(world, login):
    r = announced(world.a)
    round_of(world.b)
    client = login(world.a.secretary)
    branch = client.get(reverse("organizations:detail", args=[world.a.branch.pk])).content.decode()
    assert f'data-round="{r.pk}"' in branch and "B公司" not in branch
    enterprise = (
        login(world.a.manager)
        .get(reverse("organizations:enterprise_detail", args=[world.a.enterprise.pk]))
        .content.decode()
    )
    assert f'data-round="{r.pk}"' in enterprise
    # The county reads both enterprises' rounds on its own page.
    county = login(world.county_admin).get(reverse("organizations:detail", args=[world.park.pk])).content.decode()
    assert 'data-selection-rounds="2"' in county
