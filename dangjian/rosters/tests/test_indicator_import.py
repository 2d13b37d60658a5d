"""Production figures imported from Excel through the one import pipeline (kind "indicators"):
checked row by row, confirmed, written all or nothing through the figures' own write path."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.audit.services import verify_chain
from dangjian.indicators import selectors as indicators
from dangjian.indicators import services as figures
from dangjian.indicators.models import Level, Revision, Value
from dangjian.organizations.models import UnitKind
from dangjian.rosters import pipeline, services
from dangjian.rosters.columns import INDICATORS
from dangjian.rosters.models import ImportStatus, RosterImport
from dangjian.testing.factories import UnitFactory, UserFactory, make_uscc
from dangjian.testing.processes import ROOT
from dangjian.testing.processes import manage as run_manage
from dangjian.testing.rosters import read_back, xlsx

pytestmark = pytest.mark.django_db

HEADER = ["车间", "班组", "月份", "指标", "数值"]


def months_ago(n: int) -> dt.date:
    return indicators.add_months(indicators.this_month(), -n)


def sheet(rows, **kw) -> bytes:
    return xlsx(rows, header=HEADER, **kw)


def english(*users):
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def by_row(imp):
    return {r.row_number: r for r in imp.rows.all()}


@pytest.fixture
def sheet_upload(upload):
    def _upload(user, target, data, name="产量.xlsx"):
        return upload(user, target, data, name=name, kind=INDICATORS)

    return _upload


def good_rows(world):
    m1, m2 = months_ago(2), months_ago(1)
    return [
        ["", "A缝纫一组", f"{m1:%Y-%m}", "产量", 1200],
        ["", "A缝纫一组", f"{m1.year}年{m1.month}月", "质量合格率", "96.5%"],
        ["", "A缝纫一组", dt.datetime(m2.year, m2.month, 1), "Output", "1,250"],  # an Excel date, English
        ["A一车间", "A缝纫一组", f"{m2:%Y-%m}", "pass_rate", 97],  # by its code, with the workshop
        [None, None, None, None, None],  # a blank row
    ]


def test_a_sheet_of_figures_is_checked_then_imported_with_an_audit_event_per_figure(world, sheet_upload, confirm):
    english(world.a.manager)
    events = AuditEvent.objects.order_by("pk").last().pk
    imp = sheet_upload(world.a.manager, world.a.enterprise, sheet(good_rows(world), titles=["A公司生产指标"]))
    assert imp.kind == INDICATORS and imp.status == ImportStatus.CHECKED
    assert imp.header_row == 2
    assert imp.counts == {"rows": 4, "created": 4}
    assert {c["key"] for c in imp.columns} == {"workshop", "team", "month", "indicator", "value"}
    rows = by_row(imp)
    assert sorted(rows) == [3, 4, 5, 6]  # the blank row 7 is not a row of the sheet
    assert rows[3].name == f"A缝纫一组 · {months_ago(2):%Y-%m} · Output"
    assert not Value.objects.exists()  # the check writes nothing but its report
    assert imp.may_confirm

    imp = confirm(world.a.manager, imp)
    assert imp.status == ImportStatus.IMPORTED and imp.counts["created"] == 4
    stored = {(v.indicator.code, v.month): v.value for v in Value.objects.select_related("indicator")}
    assert stored == {
        ("output", months_ago(2)): Decimal("1200"),
        ("pass_rate", months_ago(2)): Decimal("96.5"),
        ("output", months_ago(1)): Decimal("1250"),
        ("pass_rate", months_ago(1)): Decimal("97"),
    }
    assert set(Value.objects.values_list("team", "entered_by")) == {(world.a.team.pk, world.a.manager.pk)}
    new = AuditEvent.objects.filter(pk__gt=events)
    assert new.filter(object_type="indicators.Value", action="create").count() == 4
    # the upload, its confirmation and the import's own event, with the file's checksum and counts
    assert list(new.filter(object_type="rosters.RosterImport").order_by("pk").values_list("action", flat=True)) == [
        "create",
        "update",
        "import",
    ]
    assert new.get(action="import").changes["sha256"] == imp.sha256


def test_an_enterprise_figure_has_no_team(world, sheet_upload, confirm):
    own = figures.define_indicator(
        actor=world.a.manager,
        enterprise=world.a.enterprise,
        spec=figures.IndicatorSpec(name="就近就业人数", name_en="Local jobs", level=Level.ENTERPRISE),
    )
    rows = [
        ["", "", f"{months_ago(1):%Y-%m}", "Local jobs", 35],
        ["", "A缝纫一组", f"{months_ago(1):%Y-%m}", own.code, 3],
    ]
    english(world.a.manager)
    imp = sheet_upload(world.a.manager, world.a.enterprise, sheet(rows))
    rows = by_row(imp)
    assert rows[2].outcome == "created"
    assert rows[3].outcome == "rejected"
    assert "kept for the whole enterprise, not per team" in rows[3].problems[0]["message"]


def test_a_bad_row_fails_the_whole_file_and_says_which_and_why(world, sheet_upload, login):
    m = f"{months_ago(1):%Y-%m}"
    future = f"{indicators.add_months(indicators.this_month(), 2):%Y-%m}"
    rows = [
        ["", "A缝纫一组", m, "产量", 1200],  # fine
        ["", "不存在的班组", m, "产量", 1200],
        ["", "A缝纫一组", m, "质量合格率", "abc"],
        ["", "A缝纫一组", future, "产量", 1200],
        ["", "B缝纫一组", m, "产量", 1200],  # enterprise B's team
        ["", "A缝纫一组", "下个月", "产量", 1200],
        ["", "A缝纫一组", m, "利润", 1200],
    ]
    english(world.a.manager)
    imp = sheet_upload(world.a.manager, world.a.enterprise, sheet(rows))
    assert imp.counts == {"rows": 7, "created": 1, "rejected": 6}
    rows = by_row(imp)

    def said(n):
        return " ".join(f"{p['column']} {p['message']}" for p in rows[n].problems)

    assert "A公司 has no team named “不存在的班组”" in said(3) and "B 班组" in said(3)
    assert "“abc” is not a number" in said(4) and "E 数值" in said(4)
    assert "has not come yet" in said(5)
    assert "A公司 has no team named “B缝纫一组”" in said(6)
    assert "cannot be read as a month" in said(7)
    assert "no indicator “利润”" in said(8)
    assert not imp.may_confirm
    with pytest.raises(ValidationError):
        services.confirm(actor=world.a.manager, imp=imp, background=False)
    assert not Value.objects.exists()

    report = read_back(login(world.a.manager).post(reverse("rosters:report", args=[imp.pk])).content)
    assert report[1][:5] == HEADER and report[1][-3:] == ["Outcome", "Problems", "Notes"]


def test_a_row_that_fails_at_import_time_leaves_nothing_written(world, sheet_upload, confirm):
    own = figures.define_indicator(
        actor=world.a.manager, enterprise=world.a.enterprise, spec=figures.IndicatorSpec(name="返工件数")
    )
    m = f"{months_ago(1):%Y-%m}"
    rows = [["", "A缝纫一组", m, "产量", 1200], ["", "A缝纫一组", m, "返工件数", 4]]
    imp = sheet_upload(world.a.manager, world.a.enterprise, sheet(rows))
    assert imp.may_confirm
    # Between the check and the import the enterprise stops collecting its own indicator.
    figures.archive_indicator(actor=world.a.manager, indicator=own)
    english(world.a.manager)
    imp = confirm(world.a.manager, imp)
    assert imp.status == ImportStatus.FAILED and "Nothing was imported" in imp.message
    assert by_row(imp)[3].outcome == "rejected"
    assert "no longer collected" in by_row(imp)[3].problems[0]["message"]
    assert not Value.objects.exists()  # not even the first row's figure


def test_two_workshops_with_a_team_of_one_name_need_the_workshop(world, sheet_upload):
    other = UnitFactory(enterprise=world.a.enterprise, kind=UnitKind.WORKSHOP, name="A二车间")
    UnitFactory(enterprise=world.a.enterprise, kind=UnitKind.TEAM, name="A缝纫一组", parent=other)
    m = f"{months_ago(1):%Y-%m}"
    rows = [
        ["", "A缝纫一组", m, "产量", 1200],
        ["A二车间", "A缝纫一组", m, "产量", 1300],
        ["A一车间", "A缝纫一组", m, "产量", 1400],
        ["A三车间", "A缝纫一组", m, "产量", 1500],
    ]
    english(world.a.manager)
    rows = by_row(sheet_upload(world.a.manager, world.a.enterprise, sheet(rows)))
    assert rows[2].outcome == "rejected" and "Fill in the workshop column" in rows[2].problems[0]["message"]
    assert rows[3].outcome == "created" and rows[4].outcome == "created"
    assert "in the workshop “A三车间”" in rows[5].problems[0]["message"]


def test_the_same_file_twice_writes_nothing_the_second_time(world, sheet_upload, confirm):
    data = sheet(good_rows(world))
    confirm(world.a.manager, sheet_upload(world.a.manager, world.a.enterprise, data))
    values = list(Value.objects.values_list("pk", "value", "updated_at"))
    events = AuditEvent.objects.filter(object_type="indicators.Value").count()
    again = sheet_upload(world.a.manager, world.a.enterprise, data)
    assert again.counts == {"rows": 4, "unchanged": 4}
    assert not again.may_confirm
    with pytest.raises(ValidationError):
        services.confirm(actor=world.a.manager, imp=again, background=False)
    assert list(Value.objects.values_list("pk", "value", "updated_at")) == values
    assert AuditEvent.objects.filter(object_type="indicators.Value").count() == events
    assert not Revision.objects.exists()


def test_a_repeated_row_is_imported_once_and_a_contradicting_one_is_rejected(world, sheet_upload):
    m = f"{months_ago(1):%Y-%m}"
    rows = [
        ["", "A缝纫一组", m, "产量", 1200],
        ["", "A缝纫一组", m, "Output", "1,200"],
        ["", "A缝纫一组", m, "output", 1300],
        ["", "A缝纫一组", months_ago(2).isoformat(), "产量", ""],  # no figure: nothing to do
    ]
    english(world.a.manager)
    rows = by_row(sheet_upload(world.a.manager, world.a.enterprise, sheet(rows)))
    assert rows[3].outcome == "duplicate" and "row 2" in rows[3].notes[0]
    assert rows[4].outcome == "rejected" and "Row 2 gives another figure" in rows[4].problems[0]["message"]
    assert rows[5].outcome == "unchanged" and "No figure is given" in rows[5].notes[0]


def test_a_correction_by_import_keeps_a_revision(world, sheet_upload, confirm):
    output = indicators.defaults().get(code="output")
    figures.record_values(
        actor=world.a.manager,
        enterprise=world.a.enterprise,
        entries=[figures.Entry(output, world.a.team, months_ago(1), Decimal(1000))],
    )
    rows = [["", "A缝纫一组", f"{months_ago(1):%Y-%m}", "产量", 1250]]
    english(world.a.manager)
    imp = sheet_upload(world.a.manager, world.a.enterprise, sheet(rows), name="五月更正.xlsx")
    assert imp.counts == {"rows": 1, "updated": 1}
    assert by_row(imp)[2].changed == ["1000 → 1250"]
    imp = confirm(world.a.manager, imp)
    assert imp.status == ImportStatus.IMPORTED
    value = Value.objects.get()
    assert value.value == Decimal(1250)
    revision = value.revisions.get()
    assert (revision.old, revision.new, revision.changed_by) == (Decimal(1000), Decimal(1250), world.a.manager)
    assert revision.reason == "import: 五月更正.xlsx"
    assert AuditEvent.objects.filter(object_type="indicators.Value", action="update").count() == 1


@pytest.fixture
def _english():
    """Rows' notes are written in the language of whoever runs the import: English here."""
    with translation.override("en"):
        yield


@pytest.mark.usefixtures("_english")
def test_figures_outside_the_plausible_range_need_the_uploaders_confirmation(world, sheet_upload, confirm):
    m = f"{months_ago(1):%Y-%m}"
    rows = [["", "A缝纫一组", m, "产量", 1200], ["", "A缝纫一组", m, "质量合格率", 0.965]]  # an Excel percent cell
    english(world.a.manager)
    imp = sheet_upload(world.a.manager, world.a.enterprise, sheet(rows))
    assert imp.counts == {"rows": 2, "created": 1, "outside": 1}
    row = by_row(imp)[3]
    assert row.outcome == "outside" and "outside the plausible range" in row.notes[0]
    assert imp.may_confirm
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.confirm(actor=world.a.manager, imp=imp, background=False)
    assert "I confirm the 1 figure outside the plausible range" in " ".join(refused.value.messages)
    assert not Value.objects.exists()

    services.confirm(actor=world.a.manager, imp=imp, confirm_outside=True, background=False)
    imp = pipeline.apply(imp)
    assert imp.status == ImportStatus.IMPORTED
    assert imp.counts == {"rows": 2, "created": 2, "confirmed": 1}
    assert Value.objects.get(indicator__code="pass_rate").confirmed
    row = by_row(imp)[3]
    assert row.outcome == "created" and "confirmed" in row.notes[-1]
    assert AuditEvent.objects.filter(action="update", changes__outside_range_confirmed=1).exists()


@pytest.mark.usefixtures("_english")
def test_a_range_narrowed_after_the_confirmation_asks_again(world, sheet_upload):
    own = figures.define_indicator(
        actor=world.a.manager,
        enterprise=world.a.enterprise,
        spec=figures.IndicatorSpec(name="返工件数", plausible_max=Decimal(100)),
    )
    m = f"{months_ago(1):%Y-%m}"
    imp = sheet_upload(world.a.manager, world.a.enterprise, sheet([["", "A缝纫一组", m, "返工件数", 40]]))
    services.confirm(actor=world.a.manager, imp=imp, background=False)  # nothing to confirm at the check
    figures.update_indicator(
        actor=world.a.manager,
        indicator=own,
        spec=figures.IndicatorSpec(name="返工件数", plausible_max=Decimal(10)),
    )
    imp = pipeline.apply(imp)
    assert imp.status == ImportStatus.CHECKED and imp.counts == {"rows": 1, "outside": 1}
    assert "Nothing was imported" in imp.message
    assert not Value.objects.exists()


def test_the_detail_page_asks_for_the_confirmation(world, login, django_capture_on_commit_callbacks):
    client = login(world.a.manager)
    english(world.a.manager)
    m = f"{months_ago(1):%Y-%m}"
    data = sheet([["", "A缝纫一组", m, "质量合格率", 12]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("rosters:upload"),
            {"target": f"i{world.a.enterprise.pk}", "file": SimpleUploadedFile("pass.xlsx", data)},
        )
    imp = RosterImport.objects.get()
    assert imp.kind == INDICATORS and response.url == reverse("rosters:detail", args=[imp.pk])
    page = client.get(response.url).content.decode()
    assert "data-confirm-outside" in page and "I confirm the 1 figure outside the plausible range" in page
    assert "Needs confirmation" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rosters:confirm", args=[imp.pk]))
    assert not Value.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rosters:confirm", args=[imp.pk]), {"confirm_outside": "on"})
    imp.refresh_from_db()
    assert imp.status == ImportStatus.IMPORTED and Value.objects.get().value == Decimal(12)


def test_the_command_imports_a_sheet_only_with_the_confirmation(world, tmp_path, capsys):
    m = f"{months_ago(1):%Y-%m}"
    path = tmp_path / "指标.xlsx"
    path.write_bytes(sheet([["", "A缝纫一组", m, "产量", 1200], ["", "A缝纫一组", m, "人数", 900]]))
    args = [str(path), "--into", world.a.enterprise.uscc, "--kind", "indicators", "--user", world.a.manager.username]
    with pytest.raises(SystemExit):
        call_command("import_roster", *args)
    assert "--confirm-outside-range" in capsys.readouterr().err
    assert not Value.objects.exists()
    call_command("import_roster", *args, "--confirm-outside-range")
    assert Value.objects.count() == 2
    assert RosterImport.objects.filter(status=ImportStatus.IMPORTED).count() == 1
    with pytest.raises(CommandError, match="may not import"):  # B's manager, into A
        call_command("import_roster", *args[:-1], world.b.manager.username)


def test_side_b_and_a_secretary_cannot_import_figures_into_a(world, login):
    data = sheet([["", "A缝纫一组", f"{months_ago(1):%Y-%m}", "产量", 1200]])
    for user in (world.b.manager, world.a.secretary):
        with pytest.raises(PermissionDenied):
            services.upload(
                actor=user, target=world.a.enterprise, file_name="x.xlsx", data=data, kind=INDICATORS, background=False
            )
    # The secretary may import A's employee roster, but is offered no indicator sheet.
    page = login(world.a.secretary).get(reverse("rosters:upload")).content.decode()
    assert f'value="e{world.a.enterprise.pk}"' in page and f'value="i{world.a.enterprise.pk}"' not in page
    assert login(world.a.secretary).get(reverse("rosters:template", args=["indicators"])).status_code == 404
    page = login(world.b.manager).get(reverse("rosters:upload")).content.decode()
    assert f'value="i{world.b.enterprise.pk}"' in page and f'value="i{world.a.enterprise.pk}"' not in page
    # Nor by the form: A's enterprise is not a choice for B.
    response = login(world.b.manager).post(
        reverse("rosters:upload"),
        {"target": f"i{world.a.enterprise.pk}", "file": SimpleUploadedFile("x.xlsx", data)},
    )
    assert response.status_code == 400 and not RosterImport.objects.exists()


def test_a_statistician_imports_figures_not_people(world, login, sheet_upload, confirm):
    statistician = UserFactory(username="statistician_a")
    access_services.assign_role(actor=None, user=statistician, role=Role.STATISTICIAN, enterprise=world.a.enterprise)
    page = login(statistician).get(reverse("rosters:upload")).content.decode()
    assert f'value="i{world.a.enterprise.pk}"' in page and f'value="e{world.a.enterprise.pk}"' not in page
    assert f'value="i{world.b.enterprise.pk}"' not in page
    imp = confirm(statistician, sheet_upload(statistician, world.a.enterprise, sheet(good_rows(world))))
    assert imp.status == ImportStatus.IMPORTED and Value.objects.count() == 4
    with pytest.raises(PermissionDenied):
        services.upload(actor=statistician, target=world.a.enterprise, file_name="x.xlsx", data=b"x", background=False)
    with pytest.raises(PermissionDenied):
        services.upload(
            actor=statistician,
            target=world.b.enterprise,
            file_name="x.xlsx",
            data=b"x",
            kind=INDICATORS,
            background=False,
        )


def test_an_import_is_its_uploaders_only(world, sheet_upload, login):
    imp = sheet_upload(world.a.manager, world.a.enterprise, sheet(good_rows(world)))
    assert login(world.b.manager).get(reverse("rosters:detail", args=[imp.pk])).status_code == 404
    assert login(world.a.manager).get(reverse("rosters:detail", args=[imp.pk])).status_code == 200


def test_the_template_downloads_with_the_columns_in_the_users_language(world, login):
    english(world.a.manager)
    response = login(world.a.manager).get(reverse("rosters:template", args=["indicators"]))
    assert response.status_code == 200
    assert "production indicators template" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    first = book.worksheets[0]
    assert [c.value for c in next(first.iter_rows(max_row=1))] == [
        "Workshop",
        "Production team",
        "Month",
        "Indicator",
        "Value",
    ]
    notes = [row for row in book["Instructions"].iter_rows(values_only=True)]
    assert any(row[0] == "Month" and "2026-05" in (row[3] or "") for row in notes)
    listed = [row[1] for row in book["Indicators"].iter_rows(values_only=True)]
    assert {"output", "pass_rate", "income"} <= set(listed)
    # The blank template imports as an empty sheet: its headers are recognised.
    imp = services.upload(
        actor=world.a.manager,
        target=world.a.enterprise,
        file_name="t.xlsx",
        data=response.content,
        kind=INDICATORS,
        background=False,
    )
    imp = pipeline.check(imp)
    assert imp.status == ImportStatus.CHECKED and imp.counts == {}


def test_the_staged_write_records_what_record_values_records(world):
    """The import's path (planned, staged, written in a short transaction) and the monthly form's
    (record_values) store the same figures with the same events and Revisions: A by one, B by
    the other."""
    output = indicators.defaults().get(code="output")
    pass_rate = indicators.defaults().get(code="pass_rate")

    def entries(team, first, second):
        return [
            figures.Entry(output, team, months_ago(1), Decimal(first)),
            figures.Entry(pass_rate, team, months_ago(1), Decimal(second)),
        ]

    def staged(side, items):
        plan = figures.plan_values(enterprise=side.enterprise, entries=items, reason="fix")
        ready = figures.stage_values(actor=side.manager, plan=plan, confirm=True)
        try:
            with transaction.atomic():
                return figures.write_staged(ready)
        finally:
            ready.drop()

    def events(side):
        found = AuditEvent.objects.filter(object_type="indicators.Value", actor_id=side.manager.pk).order_by("pk")
        return [
            (
                e.action,
                {k: v for k, v in e.changes.items() if k not in {"id", "team_id", "enterprise_id", "entered_by_id"}},
            )
            for e in found
        ]

    a = figures.record_values(
        actor=world.a.manager, enterprise=world.a.enterprise, entries=entries(world.a.team, 1200, 40), confirm=True
    )
    b = staged(world.b, entries(world.b.team, 1200, 40))
    assert (a.created, a.confirmed) == (b.created, b.confirmed) == (2, 1)
    a = figures.record_values(
        actor=world.a.manager,
        enterprise=world.a.enterprise,
        entries=entries(world.a.team, 1300, 40),
        reason="fix",
        confirm=True,
    )
    b = staged(world.b, entries(world.b.team, 1300, 40))
    assert (a.corrected, a.unchanged) == (b.corrected, b.unchanged) == (1, 1)
    assert events(world.a) == events(world.b) and len(events(world.a)) == 3
    assert not verify_chain()[2]  # the staged events are hashed into the log like the others
    revisions = Revision.objects.order_by("value__enterprise_id").values_list("old", "new", "reason")
    assert list(revisions) == [(Decimal(1200), Decimal(1300), "fix")] * 2
    assert sorted(Value.objects.values_list("enterprise_id", "value", "confirmed")) == sorted(
        [(s.enterprise.pk, v, c) for s in (world.a, world.b) for v, c in ((Decimal(1300), False), (Decimal(40), True))]
    )


def test_a_figure_changed_after_staging_stops_the_write(world):
    output = indicators.defaults().get(code="output")
    items = [figures.Entry(output, world.a.team, months_ago(1), Decimal(1200))]
    plan = figures.plan_values(enterprise=world.a.enterprise, entries=items)
    ready = figures.stage_values(actor=world.a.manager, plan=plan)
    # Meanwhile the monthly form stores the same figure.
    stored = figures.Entry(output, world.a.team, months_ago(1), Decimal(900))
    figures.record_values(actor=world.a.manager, enterprise=world.a.enterprise, entries=[stored])
    try:
        with pytest.raises(figures.Stale), transaction.atomic():
            figures.write_staged(ready)
    finally:
        ready.drop()
    assert list(Value.objects.values_list("value", flat=True)) == [Decimal(900)]


KILL_SETUP = """
from dangjian.organizations import services as o
p = o.create_organization(actor=None, kind="prefecture", name="州委", parent=None)
c = o.create_organization(actor=None, kind="county", name="县委", parent=p)
e = o.create_enterprise(actor=None, name="服装公司", uscc="{uscc}", ownership="private", supervising_org=c)
for i in range(1, 51):
    o.create_unit(actor=None, enterprise=e, kind="team", name=f"第{{i}}班组")
"""
KILL_READ_BACK = """
from dangjian.indicators.models import Value
from dangjian.rosters.models import RosterImport
from dangjian.audit.services import verify_chain
checked, bad, reason = verify_chain()
print("RESULT", Value.objects.count(), RosterImport.objects.get().status, "broken" if reason else "intact")
"""
KILL_CONFIRM_AGAIN = """
from dangjian.indicators.models import Value
from dangjian.rosters import pipeline, services
from dangjian.rosters.models import RosterImport
from dangjian.audit.services import verify_chain
imp = RosterImport.objects.get()
services.confirm(actor=None, imp=imp, background=False)
pipeline.apply(imp)
checked, bad, reason = verify_chain()
print("RESULT", Value.objects.count(), imp.status, "broken" if reason else "intact")
"""


@pytest.mark.django_db
@pytest.mark.parametrize("phase", ["merging"])  # killed while preparing: the pipeline's, test_kill.py
def test_killing_a_sheets_import_midway_writes_nothing_and_it_can_be_confirmed_again(tmp_path, own_database, phase):
    """As a roster's (test_kill.py): a `manage.py import_roster --kind indicators` killed while
    its 6,000 figures are prepared (outside any transaction) or merged (inside its one write
    transaction) leaves none of them, the log verifies, and confirming again imports them all."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
        "DATABASE_URL": own_database,
        "DEBUG": "1",
        "DANGJIAN_VAR_DIR": str(tmp_path / "var"),
    }
    uscc = make_uscc({"preparing": 4251, "merging": 4252}[phase])
    run_manage(env, "shell", "-c", KILL_SETUP.format(uscc=uscc))
    codes = ["产量", "质量合格率", "按期交货率", "人均工时产出", "人均月收入", "人数"]
    figures_of = [1200, 95, 90, 2.5, 4000, 20]
    rows = [
        ["", f"第{t}班组", f"{months_ago(m):%Y-%m}", code, figure]
        for t in range(1, 51)
        for m in range(1, 21)
        for code, figure in zip(codes, figures_of, strict=True)
    ]
    path = tmp_path / "指标.xlsx"
    path.write_bytes(sheet(rows))

    proc = subprocess.Popen(
        [sys.executable, "manage.py", "import_roster", str(path), "--into", uscc, "--kind", "indicators", "-v", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        seen += os.read(proc.stderr.fileno(), 4096)
        after = seen.split(b"importing", 1)[1] if b"importing" in seen else b""
        marks = [m for m in after.replace(b"\n", b"\r").split(b"\r") if m.count(b"/") == 1]
        done, _slash, total = marks[-1].partition(b"/") if marks else (b"", b"", b"")
        if done.isdigit() and total.strip().isdigit():
            d, t = int(done), int(total)
            if (phase == "preparing" and 0 < d * 2 < t) or (phase == "merging" and d * 20 >= t * 18):
                break
    else:
        proc.kill()
        pytest.fail(f"the import never got going: {seen[-500:]!r}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    found = run_manage(env, "shell", "-c", KILL_READ_BACK).stdout.split("RESULT", 1)[1].split()
    if phase == "merging" and found == ["6000", "imported", "intact"]:
        return  # committed before the kill: whole
    assert found == ["0", "checked", "intact"]
    out = run_manage(env, "shell", "-c", KILL_CONFIRM_AGAIN).stdout
    assert out.split("RESULT", 1)[1].split() == ["6000", "imported", "intact"], out
