"""An enterprise's figures as Excel: the sheet's columns headed in the reader's language (so the
file imports back), one row per team, month and indicator, the months asked for, a small team's
pay left out unless the reader is HR; a POST that leaves one export event; a long file written
in the background; nothing of the other enterprise."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from dangjian.audit.models import Action, AuditEvent
from dangjian.indicators import selectors
from dangjian.indicators.columns import SHEET_COLUMNS
from dangjian.jobs.models import Job
from dangjian.testing.exports import read_rows
from dangjian.testing.indicators import last_month
from dangjian.testing.indicators_entry import figure


def _url(side, **query):
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return reverse("indicators:values_xlsx", args=[side.enterprise.pk]) + (f"?{q}" if q else "")


def _events():
    return AuditEvent.objects.filter(object_type="indicators.Value", action=Action.EXPORT)


def test_the_download_holds_the_figures_in_the_sheets_columns(world, login):
    figure(world.a, "output", "1234")
    figure(world.a, "pass_rate", "98.5")
    client = login(world.a.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(_url(world.a))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = read_rows(response.content)
    with translation.override("en"):
        assert rows[0] == tuple(str(c.label).capitalize() for c in SHEET_COLUMNS)
    month = f"{last_month():%Y-%m}"
    assert rows[1:] == [
        ("A一车间", "A缝纫一组", month, "Output", 1234),
        ("A一车间", "A缝纫一组", month, "Quality pass rate", 98.5),
    ]
    event = _events().get()
    assert event.actor == world.a.manager and event.changes["rows"] == 2


def test_the_months_asked_for_bound_the_download(world, login):
    earlier = selectors.add_months(last_month(), -3)
    figure(world.a, "output", "1000", month=earlier)
    figure(world.a, "output", "1100")
    client = login(world.a.manager)
    rows = read_rows(client.post(_url(world.a, first=f"{last_month():%Y-%m}", last=f"{last_month():%Y-%m}")).content)
    assert [r[4] for r in rows[1:]] == [1100]
    both = read_rows(client.post(_url(world.a, last=f"{last_month():%Y-%m}")).content)
    assert [r[4] for r in both[1:]] == [1000, 1100]
    assert _events().get(changes__first=f"{last_month():%Y-%m}").changes["last"] == f"{last_month():%Y-%m}"


def test_odd_months_export_nothing_and_say_why(world, login):
    client = login(world.a.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(_url(world.a, first="2026-13"), follow=True)
    assert "Nothing was exported" in response.content.decode() and "is not a month" in response.content.decode()
    response = client.post(_url(world.a, first=f"{last_month():%Y-%m}", last="2020-01"), follow=True)
    assert "the first month comes after the last one" in response.content.decode()
    assert not _events().exists()


def test_a_get_downloads_nothing(world, login):
    figure(world.a)
    assert login(world.a.manager).get(_url(world.a)).status_code == 405
    assert not _events().exists()


def test_a_small_teams_pay_is_left_out_unless_hr(world, login):
    figure(world.a, "headcount", "2")
    figure(world.a, "income", "5200")
    secretary = read_rows(login(world.a.secretary).post(_url(world.a)).content)
    assert [r[4] for r in secretary[1:]] == [2]
    assert _events().get(actor=world.a.secretary).changes["pay_withheld"] == 1
    hr = read_rows(login(world.a.manager).post(_url(world.a)).content)
    assert sorted(r[4] for r in hr[1:]) == [2, 5200]


def test_a_long_download_is_written_in_the_background(world, login, settings, django_capture_on_commit_callbacks):
    figure(world.a, "output", "1234")
    settings.EXPORT_SYNC_ROWS = 0
    client = login(world.a.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(world.a))
    job = Job.objects.get(requested_by=world.a.manager, kind="export")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "done" and job.output_name.endswith(".xlsx")
    assert _events().get().changes["rows"] == 1
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert [r[4] for r in read_rows(download.content)[1:]] == [1234]


def test_side_b_downloads_nothing_of_side_a(world, login):
    figure(world.a, "output", "1234")
    figure(world.b, "output", "999", month=dt.date(2026, 1, 1))
    assert login(world.b.manager).post(_url(world.a)).status_code == 404
    own = read_rows(login(world.b.manager).post(_url(world.b)).content)
    assert [r[1] for r in own[1:]] == ["B缝纫一组"]
    assert [e.actor for e in _events()] == [world.b.manager]


def test_a_member_downloads_nothing(world, login, member_user):
    figure(world.a)
    assert login(member_user).post(_url(world.a)).status_code == 403
    assert not _events().exists()
