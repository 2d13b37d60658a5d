"""The political birthday list as Excel, as the page shows it: a POST, recorded in the audit log,
in the user's scope only."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from dangjian.audit.models import Action, AuditEvent
from dangjian.testing.members import member


def test_the_list_downloads_as_excel_and_is_recorded(world, login):
    member(world.a, dt.date(2016, 7, 20), name="热依拉·买买提")
    client = login(world.a.secretary)
    query = f"?org={world.a.branch.pk}&year=2026&period=7"
    page = client.get(reverse("birthdays:cohort") + query).content.decode()
    assert "data-list-download" in page
    assert client.get(reverse("birthdays:cohort_download") + query).status_code == 405  # no GET download
    response = client.post(reverse("birthdays:cohort_download") + query)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    names = [row[0] for row in values]
    assert "热依拉·买买提" in names and "B党员" not in names
    row = values[names.index("热依拉·买买提")]
    assert row[4] == 10  # years in the Party at the 2026 anniversary
    event = AuditEvent.objects.filter(object_type="birthdays.cohort", action=Action.EXPORT).get()
    assert event.changes["rows"] == len([n for n in names[2:] if n])


def test_side_b_cannot_download_side_as_list(world, login):
    query = f"?org={world.a.branch.pk}&year=2026&period=7"
    assert login(world.b.secretary).post(reverse("birthdays:cohort_download") + query).status_code == 404
    assert not AuditEvent.objects.filter(object_type="birthdays.cohort").exists()
