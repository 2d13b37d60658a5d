"""A county's enterprises file through the one import pipeline (kind "enterprises"): checked row
by row (new, changed, unchanged, rejected and why), imported all at once or not at all, the same
file twice changes nothing, teams from the second sheet, the supervising committee and covering
party organisation by name or code within the county only, and only by the county's own
organisation department."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import translation

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.organizations.models import Enterprise, OrgKind, ProductionUnit
from dangjian.rosters import services
from dangjian.rosters.county_columns import ENTERPRISES, UNITS
from dangjian.rosters.limits import RosterFileError, RosterTooLarge
from dangjian.rosters.models import ImportStatus, RowOutcome
from dangjian.rosters.pipeline import enterprises
from dangjian.rosters.pipeline.enterprises import UNIT_ROWS, parse_ownership
from dangjian.rosters.reading import read_other_sheet, read_roster
from dangjian.rosters.report import report_bytes, template_bytes, template_name
from dangjian.rosters.shape import ods_shape, xls_shape, xls_shapes
from dangjian.scale.county_files import county_files
from dangjian.testing.factories import EnterpriseFactory, UserFactory, make_org, make_uscc
from dangjian.testing.rosters import csv_bytes, ods_cell, ods_raw, ods_row, read_back
from dangjian.testing.rosters import xls as xls_bytes_97
from dangjian.testing.rosters import xlsx as xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["企业名称", "统一社会信用代码", "企业性质", "所属行业", "地址", "入驻时间", "主管党委", "所在党组织"]
UNIT_HEADER = ["企业", "车间", "班组"]
NEW1, NEW2, NEW3 = make_uscc(9001), make_uscc(9002), make_uscc(9003)


def english(*users):
    """Reports are written in the uploader's language."""
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def book(rows, *, header=HEADER, titles=(), units=None, unit_header=UNIT_HEADER, unit_sheet="车间班组"):
    """An enterprises workbook: the enterprises (title rows above the header, if any) and, when
    `units` is given, a second sheet of workshops and teams. Credit codes are written as text."""
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "企业"
    for title in titles:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    if units is not None:
        second = wb.create_sheet(unit_sheet)
        second.append(list(unit_header))
        for row in units:
            second.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def outcomes(imp):
    return {r.row_number: r for r in imp.rows.all()}


def messages(row):
    return " ".join(p["message"] for p in row.problems)


def test_the_dry_run_reports_every_row_and_writes_nothing(world, upload):
    a, b = world.a, world.b
    english(world.county_admin)
    rows = [
        ["甲纺织有限公司", NEW1, "民营", "纺织", "和静县工业园区1号", "2024-03-01", "工业园区党委", "A公司党支部"],
        ["A公司", a.enterprise.uscc, "Private", "", "", "", "", ""],  # as registered: unchanged
        ["B公司", b.enterprise.uscc, "私营企业", "服装", "", "", "", ""],  # a new industry
        ["乙公司", NEW1[:-1] + ("0" if NEW1[-1] != "0" else "1"), "国有", "", "", "", "", ""],  # mistyped code
        ["丙公司", NEW1, "集体", "", "", "", "", ""],  # the code of row 4 again
        ["丁公司", NEW2, "股份制", "", "", "", "", ""],  # no ownership
        ["戊公司", NEW3, "外资", "", "", "2024-13-01", "焉耆县委", "工业园区党委"],  # outside; no date; a committee
    ]
    before = Enterprise.objects.count()
    imp = upload(world.county_admin, world.county, book(rows), name="企业.xlsx", kind="enterprises")
    assert imp.status == ImportStatus.CHECKED, imp.message
    got = outcomes(imp)
    assert got[2].outcome == RowOutcome.CREATED and got[2].name == "甲纺织有限公司"
    assert got[3].outcome == RowOutcome.UNCHANGED
    assert got[4].outcome == RowOutcome.UPDATED and got[4].changed == ["所属行业"]
    assert got[5].outcome == RowOutcome.REJECTED and "does not add up" in messages(got[5])
    assert got[5].problems[0]["column"] == "B 统一社会信用代码"
    assert got[6].outcome == RowOutcome.REJECTED and "Row 2 has the same credit code" in messages(got[6])
    assert got[7].outcome == RowOutcome.REJECTED and "“股份制” is not an ownership" in messages(got[7])
    bad = {p["column"]: p["message"] for p in got[8].problems}
    assert set(bad) == {"F 入驻时间", "G 主管党委", "H 所在党组织"}
    assert "No organisation under 和静县委 is called “焉耆县委”" in bad["G 主管党委"]
    assert "is a Park or township committee" in bad["H 所在党组织"]
    assert imp.counts == {"rows": 7, "created": 1, "unchanged": 1, "updated": 1, "rejected": 4}
    assert not imp.may_confirm
    assert Enterprise.objects.count() == before
    b.enterprise.refresh_from_db()
    assert b.enterprise.industry == ""


def test_ownership_is_read_in_either_language_and_as_people_write_it():
    written = {
        "民营": "private",
        "私营": "private",
        "国有企业": "state",
        "国营": "state",
        "集体": "collective",
        "外商投资企业": "foreign",
        "港澳台": "hmt",
        "混合所有制": "mixed",
        "Foreign-invested": "foreign",
        "state-owned": "state",
        "hmt": "hmt",
        "国有": "state",
        "私营企业": "private",
        "外　资": "foreign",  # a full-width space
    }
    assert {text: parse_ownership(text) for text in written} == written
    assert parse_ownership("") is None


def test_an_import_writes_every_enterprise_and_team_through_the_services_and_twice_changes_nothing(
    world, upload, confirm
):
    a = world.a
    english(world.county_admin)
    rows = [
        ["甲纺织有限公司", NEW1, "民营", "纺织", "", "2024年3月1日", "", "A公司党支部"],
        ["乙食品有限公司", NEW2, "国有企业", "食品", "", "", "工业园区党委", ""],
        ["A公司", a.enterprise.uscc, "私营", "服装", "", "", "", ""],
    ]
    units = [
        ["甲纺织有限公司", "一车间", "织布一组"],
        ["甲纺织有限公司", "一车间", "织布二组"],
        [NEW2, "", "包装组"],  # by credit code, no workshop
        ["A公司", "A一车间", "A缝纫一组"],  # registered already
        ["A公司", "A一车间", "A缝纫二组"],
        ["甲纺织有限公司", "一车间", "织布一组"],  # the same team again
    ]
    data = book(rows, units=units)
    imp = upload(world.county_admin, world.county, data, name="企业.xlsx", kind="enterprises")
    got = outcomes(imp)
    assert [got[n].outcome for n in (2, 3, 4)] == ["created", "created", "updated"]
    team_rows = [got[UNIT_ROWS + n] for n in range(2, 8)]
    assert [r.outcome for r in team_rows] == ["created", "created", "created", "unchanged", "created", "duplicate"]
    assert team_rows[0].notes == ["Sheet “车间班组”, row 2", "New workshop: 一车间"]
    assert "Row 2 of this sheet names the same team" in team_rows[5].notes[1]
    assert not Enterprise.objects.filter(uscc=NEW1).exists()  # the check wrote nothing
    with translation.override("en"):
        report = read_back(report_bytes(imp))  # the file with each row's outcome, the teams' after it
    assert report[2][:2] == ["甲纺织有限公司", NEW1] and report[2][-3] == "New"
    assert report[-1][-3:] == [
        "Repeated in the file",
        None,
        "Sheet “车间班组”, row 7\nRow 2 of this sheet names the same team.",
    ]
    assert len(report) == 2 + 3 + 6  # a title, the header, 3 enterprises, 6 teams

    imp = confirm(world.county_admin, imp)
    assert imp.status == ImportStatus.IMPORTED, imp.message
    first = Enterprise.objects.get(uscc=NEW1)
    assert first.ownership == "private" and first.settled_on.isoformat() == "2024-03-01"
    assert first.supervising_org == world.county and first.party_org == a.branch  # blank: the county
    second = Enterprise.objects.get(uscc=NEW2)
    assert second.ownership == "state" and second.supervising_org == world.park and second.party_org is None
    a.enterprise.refresh_from_db()
    assert a.enterprise.industry == "服装" and a.enterprise.supervising_org == world.park  # kept
    workshop = ProductionUnit.objects.get(enterprise=first, kind="workshop")
    assert sorted(ProductionUnit.objects.filter(parent=workshop).values_list("name", flat=True)) == [
        "织布一组",
        "织布二组",
    ]
    assert ProductionUnit.objects.get(enterprise=second, kind="team").parent is None
    assert ProductionUnit.objects.filter(enterprise=a.enterprise, name="A缝纫二组", parent=a.workshop).exists()
    assert ProductionUnit.objects.filter(enterprise=a.enterprise, name="A缝纫一组").count() == 1

    # Every write left its record, and so did the import.
    created = AuditEvent.objects.filter(object_type="organizations.Enterprise", action="create")
    assert set(created.values_list("object_id", flat=True)) == {str(first.pk), str(second.pk)}
    assert AuditEvent.objects.filter(
        object_type="organizations.Enterprise", action="update", object_id=str(a.enterprise.pk)
    ).exists()
    assert AuditEvent.objects.filter(object_type="organizations.ProductionUnit", action="create").count() == 5
    assert AuditEvent.objects.filter(action="import", object_id=str(imp.pk)).count() == 1

    written = AuditEvent.objects.filter(object_type__startswith="organizations.")
    events = written.count()
    again = upload(world.county_admin, world.county, data, name="企业.xlsx", kind="enterprises")
    assert again.status == ImportStatus.CHECKED
    assert set(again.counts) == {"rows", "unchanged", "duplicate"}, again.counts
    assert not again.may_confirm
    assert written.count() == events


def test_one_row_refused_at_the_write_means_nothing_is_written(world, upload, confirm):
    english(world.county_admin)
    rows = [
        ["甲纺织有限公司", NEW1, "民营", "", "", "", "", ""],
        ["乙食品有限公司", NEW2, "民营", "", "", "", "", ""],
    ]
    units = [["甲纺织有限公司", "一车间", "织布一组"]]
    imp = upload(world.county_admin, world.county, book(rows, units=units), name="企业.xlsx", kind="enterprises")
    assert imp.may_confirm
    # Meanwhile the neighbouring county registers the second enterprise.
    EnterpriseFactory(name="乙食品有限公司", uscc=NEW2, supervising_org=world.outsider_county)
    imp = confirm(world.county_admin, imp)
    assert imp.status == ImportStatus.FAILED
    assert "Nothing was imported" in imp.message
    assert not Enterprise.objects.filter(uscc=NEW1).exists()
    assert not ProductionUnit.objects.filter(name="织布一组").exists()
    refused = outcomes(imp)[3]
    assert refused.outcome == RowOutcome.REJECTED and "not yours to change" in messages(refused)


def test_the_supervising_committee_is_named_within_the_county_only(world, upload, confirm):
    english(world.county_admin)
    other_park = make_org(OrgKind.PARK_COMMITTEE, "焉耆工业园区党委", world.outsider_county, code="652826-01")
    town = make_org(OrgKind.PARK_COMMITTEE, "和静镇党委", world.county, code="652827-02")
    make_org(OrgKind.PARK_COMMITTEE, "工业园区党委", world.outsider_county)  # same name, other county
    foreign = EnterpriseFactory(name="焉耆公司", supervising_org=other_park)
    good = [
        ["一公司", make_uscc(9101), "民营", "", "", "", "652827", ""],  # the county by its code
        ["二公司", make_uscc(9102), "民营", "", "", "", "652827-02", ""],  # the town by its code
        ["三公司", make_uscc(9103), "民营", "", "", "", "工业园区党委", ""],  # this county's park by name
    ]
    imp = confirm(
        world.county_admin,
        upload(world.county_admin, world.county, book(good), name="企业.xlsx", kind="enterprises"),
    )
    assert imp.status == ImportStatus.IMPORTED, imp.message
    supervising = dict(
        Enterprise.objects.filter(name__in=["一公司", "二公司", "三公司"]).values_list("name", "supervising_org")
    )
    assert supervising == {"一公司": world.county.pk, "二公司": town.pk, "三公司": world.park.pk}
    bad = [
        ["四公司", make_uscc(9104), "民营", "", "", "", "652826-01", ""],  # another county's park
        ["五公司", make_uscc(9105), "民营", "", "", "", "A公司党支部", ""],  # a branch
        ["焉耆公司", foreign.uscc, "民营", "", "", "", "", ""],  # the other county's enterprise
    ]
    imp = upload(world.county_admin, world.county, book(bad), name="企业.xlsx", kind="enterprises")
    got = outcomes(imp)
    assert "No organisation under 和静县委 is called “652826-01”" in messages(got[2])
    assert "A公司党支部 is a Party branch" in messages(got[3])
    assert "not yours to change" in messages(got[4]) and "焉耆" not in messages(got[4])
    assert imp.counts == {"rows": 3, "rejected": 3}


def test_side_b_and_a_branch_secretary_may_not_import_a_countys_enterprises(world):
    neighbour = UserFactory(username="neighbour_dept")
    access_services.assign_role(
        actor=None, user=neighbour, role=Role.ORG_DEPARTMENT, organization=world.outsider_county
    )
    data = book([["甲纺织有限公司", NEW1, "民营", "", "", "", "", ""]])
    for user in (neighbour, world.b.secretary, world.a.secretary, world.a.manager):
        with pytest.raises(PermissionDenied):
            services.upload(
                actor=user, target=world.county, file_name="企业.xlsx", data=data, kind="enterprises", background=False
            )
    assert not Enterprise.objects.filter(uscc=NEW1).exists()


def test_an_outsiders_file_with_a_title_row_synonyms_and_full_width_spaces(world, upload, confirm):
    english(world.county_admin)
    header = [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "企业性质",
        "行业类别",
        "注册地址",
        "落户时间",
        "上级党组织",
        "党组织名称",
    ]
    rows = [
        [1, "　和静县　甲纺织有限公司　", "　" + NEW1 + "　", "民营企业", "纺织", "", 20240301, "", "　A公司党支部"],
        [2, "乙食品有限公司", NEW2.lower(), "外商投资", "", "", "", "", ""],
    ]
    data = book(rows, header=header, titles=["和静县非公企业名录", "填报单位：和静县委组织部"])
    imp = upload(world.county_admin, world.county, data, name="企业名录.xlsx", kind="enterprises")
    assert imp.status == ImportStatus.CHECKED, imp.message
    assert imp.header_row == 3
    assert imp.counts == {"rows": 2, "created": 2}, [r.problems for r in imp.rows.all()]
    imp = confirm(world.county_admin, imp)
    assert imp.status == ImportStatus.IMPORTED, imp.message
    first = Enterprise.objects.get(uscc=NEW1)
    assert first.name == "和静县 甲纺织有限公司" and first.party_org == world.a.branch
    assert first.settled_on.isoformat() == "2024-03-01"
    assert Enterprise.objects.get(uscc=NEW2).ownership == "foreign"


def test_the_template_filled_in_imports_unchanged(world, upload, confirm):
    english(world.county_admin)
    with translation.override("en"):
        assert template_name("enterprises") == "enterprises template.xlsx"
        wb = openpyxl.load_workbook(io.BytesIO(template_bytes("enterprises")))
    assert wb.sheetnames == ["Enterprises", "Workshops and teams", "lists", "Instructions"]
    assert wb["lists"].sheet_state == "hidden"
    sheet, units = wb["Enterprises"], wb["Workshops and teams"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Enterprise", "Unified social credit code", "Ownership"]
    assert "Party organisation" in header
    validation = sheet.data_validations.dataValidation[0]
    assert validation.formula1.startswith("lists!") and str(validation.sqref).startswith("C2")
    instructions = [r for r in wb["Instructions"].iter_rows(values_only=True)]
    assert instructions[1] == ("Column", "Required", "Also recognised as", "Notes")
    assert any(r[0] == "Workshops and teams: Production team" and r[1] == "required" for r in instructions)
    values = {
        "Enterprise": "甲纺织有限公司",
        "Unified social credit code": NEW1,
        "Ownership": "Mixed ownership",
        "Industry": "纺织",
        "Settled on": "2024-03-01",
        "Supervising committee": "工业园区党委",
        "Party organisation": "A公司党支部",
    }
    for i, text in enumerate(header, start=1):
        if text in values:
            sheet.cell(row=2, column=i, value=values[text])
    units.append(["甲纺织有限公司", "一车间", "织布一组"])
    buf = io.BytesIO()
    wb.save(buf)
    imp = upload(world.county_admin, world.county, buf.getvalue(), name="enterprises template.xlsx", kind="enterprises")
    assert imp.status == ImportStatus.CHECKED, imp.message
    assert imp.counts == {"rows": 2, "created": 2}, [r.problems for r in imp.rows.all()]
    imp = confirm(world.county_admin, imp)
    assert imp.status == ImportStatus.IMPORTED, imp.message
    made = Enterprise.objects.get(uscc=NEW1)
    assert (made.ownership, made.supervising_org, made.party_org) == ("mixed", world.park, world.a.branch)
    assert ProductionUnit.objects.filter(enterprise=made, name="织布一组", parent__name="一车间").exists()


def test_import_roster_takes_an_enterprises_file_into_a_county(world, tmp_path, capsys):
    path = tmp_path / "企业.xlsx"
    units = [["甲纺织有限公司", "", "织布一组"]]
    path.write_bytes(book([["甲纺织有限公司", NEW1, "民营", "", "", "", "", ""]], units=units))
    call_command("import_roster", str(path), "--into", "652827", "--kind", "enterprises", "--dry-run")
    assert not Enterprise.objects.filter(uscc=NEW1).exists()
    call_command("import_roster", str(path), "--into", "652827", "--kind", "enterprises")
    made = Enterprise.objects.get(uscc=NEW1)
    assert made.supervising_org == world.county
    assert ProductionUnit.objects.filter(enterprise=made, name="织布一组").exists()
    assert AuditEvent.objects.filter(action="import", source="command", actor_id=None).count() == 1
    out = capsys.readouterr().out
    assert "Dry run: nothing was written." in out and out.count("新增 2") == 3  # checked, checked, imported


def test_a_second_sheet_without_an_enterprise_column_is_explained(world, upload):
    english(world.county_admin)
    data = book(
        [["甲纺织有限公司", NEW1, "民营", "", "", "", "", ""]], units=[["一车间", "一组"]], unit_header=["车间", "班组"]
    )
    imp = upload(world.county_admin, world.county, data, name="企业.xlsx", kind="enterprises")
    refused = outcomes(imp)[UNIT_ROWS]
    assert refused.outcome == RowOutcome.REJECTED
    assert "sheet “车间班组” has no column for: Enterprise" in messages(refused)
    assert not imp.may_confirm
    with translation.override("en"):
        assert enterprises.template_name() == "enterprises template.xlsx"


def _two_sheet_ods(second_rows: str) -> bytes:
    first = ods_row([ods_cell(v) for v in ["企业名称", "统一社会信用代码", "企业性质"]]) + ods_row(
        [ods_cell(v) for v in ["甲纺织有限公司", NEW1, "民营"]]
    )
    return ods_raw(first + '</table:table><table:table table:name="车间班组">' + second_rows)


def test_the_second_sheet_of_an_ods_is_read_within_the_limits(world, upload):
    rows = ods_row([ods_cell(v) for v in UNIT_HEADER]) + ods_row([ods_cell(v) for v in ["甲纺织有限公司", "", "一组"]])
    imp = upload(world.county_admin, world.county, _two_sheet_ods(rows), name="企业.ods", kind="enterprises")
    assert imp.counts == {"rows": 2, "created": 2}, [r.problems for r in imp.rows.all()]
    assert read_other_sheet(xlsx_bytes([["一组"]], header=["班组"]), "x.xlsx", UNITS) is None  # one sheet only
    assert read_other_sheet(b"a,b\n", "x.csv", UNITS) is None
    # A second sheet of a few bytes that repeats a row a million times is refused before it is read.
    endless = ods_row([ods_cell(v) for v in UNIT_HEADER]) + ods_row(
        [ods_cell("甲纺织有限公司"), ods_cell(""), ods_cell("一组")], repeat=1_000_000
    )
    with pytest.raises(RosterTooLarge):
        read_other_sheet(_two_sheet_ods(endless), "企业.ods", UNITS)
    with pytest.raises(RosterTooLarge):  # calamine would build it as it opens the file for the first sheet too
        read_roster(_two_sheet_ods(endless), "企业.ods", ENTERPRISES)


def test_the_survey_measures_the_sheet_that_is_read():
    endless = ods_row([ods_cell(v) for v in UNIT_HEADER]) + ods_row([ods_cell("x")], repeat=1_000_000)
    with zipfile.ZipFile(io.BytesIO(_two_sheet_ods(endless))) as archive:
        assert ods_shape(archive).last_row == 2
        assert ods_shape(archive, "车间班组").last_row == 1_000_001
    data = xls_bytes_97([(0, 0, "班组"), (40, 2, "一组")])
    assert xls_shape(data, "花名册").last_row == xls_shape(data).last_row == 41
    assert [name for name, _shape in xls_shapes(data)] == ["花名册"]
    with pytest.raises(RosterFileError):
        xls_shape(data, "车间班组")


def test_a_csv_has_no_second_sheet_and_its_nul_characters_are_dropped(world, upload, confirm):
    english(world.county_admin)
    data = csv_bytes([["甲纺织\x00有限公司", NEW1, "私营", "", "", "", "", ""]], header=HEADER)
    imp = upload(world.county_admin, world.county, data, name="企业.csv", kind="enterprises")
    assert imp.counts == {"rows": 1, "created": 1}, [r.problems for r in imp.rows.all()]
    imp = confirm(world.county_admin, imp)
    assert Enterprise.objects.get(uscc=NEW1).name == "甲纺织有限公司"


def test_a_file_without_the_enterprises_header_says_which_columns_it_needs(world, upload):
    english(world.county_admin)
    data = book([["甲纺织有限公司", "", "一组"]], header=UNIT_HEADER)
    imp = upload(world.county_admin, world.county, data, name="企业.xlsx", kind="enterprises")
    assert imp.status == ImportStatus.FAILED
    assert "such as 企业名称, 统一社会信用代码, 所有制 above the data" in imp.message


def test_the_enterprises_file_a_county_office_wrote_imports_whole(world, upload, confirm):
    """scale.county_files writes the file as a county office would (its own title, headers and
    sheet names); the tree it names is built here as the tree's own import would."""
    files = county_files(county="和静县委", division="652827", enterprises=8, people=60, seed=3)
    parks = {p: make_org(OrgKind.PARK_COMMITTEE, p, world.county) for p in files.parks}
    for branch, covered in files.branches.items():
        park = next(e.park for e in files.enterprises if e.name == covered[0])
        make_org(OrgKind.JOINT_BRANCH if len(covered) > 1 else OrgKind.BRANCH, branch, parks[park])
    english(world.county_admin)
    imp = upload(world.county_admin, world.county, files.enterprise_file, name="企业名录.xlsx", kind="enterprises")
    assert imp.status == ImportStatus.CHECKED, imp.message
    rejected = [(r.row_number, r.problems) for r in imp.rows.filter(outcome=RowOutcome.REJECTED)]
    assert not rejected
    assert imp.counts == {"rows": 8 + files.teams, "created": 8 + files.teams}
    imp = confirm(world.county_admin, imp)
    assert imp.status == ImportStatus.IMPORTED, imp.message
    for e in files.enterprises:
        made = Enterprise.objects.select_related("supervising_org", "party_org").get(uscc=e.uscc)
        assert (made.name, made.supervising_org.name, made.party_org.name) == (e.name, e.park, e.branch)
        assert ProductionUnit.objects.filter(enterprise=made, kind="team").count() == len(e.teams)


def test_workshops_and_teams_the_write_would_refuse_are_refused_in_the_dry_run(world, upload):
    """create_unit validates the unit (a name of 200 characters at most): the check says so, rather
    than reporting it new and failing at the import."""
    english(world.county_admin)
    long_name = "长" * 201
    rows = [["甲纺织有限公司", NEW1, "民营", "", "", "", "", ""]]
    units = [
        ["甲纺织有限公司", "", long_name],  # a new enterprise's team
        ["A公司", long_name, "A缝纫九组"],  # a registered enterprise's new workshop
        ["A公司", "A一车间", "A缝纫八组"],  # fine
    ]
    imp = upload(world.county_admin, world.county, book(rows, units=units), name="企业.xlsx", kind="enterprises")
    got = outcomes(imp)
    team, workshop, fine = got[UNIT_ROWS + 2], got[UNIT_ROWS + 3], got[UNIT_ROWS + 4]
    assert team.outcome == RowOutcome.REJECTED and "200 characters" in messages(team), team.problems
    assert team.problems[0]["column"].endswith("班组")
    assert workshop.outcome == RowOutcome.REJECTED and "200 characters" in messages(workshop), workshop.problems
    assert workshop.problems[0]["column"].endswith("车间")
    assert fine.outcome == RowOutcome.CREATED
    assert not imp.may_confirm


def test_names_industry_and_address_are_kept_as_written_and_compared_as_people_write_them(world, upload, confirm):
    english(world.county_admin)
    rows = [["某公司（集团）", NEW3, "民营", "食品（加工）", "工业园区（东区）1号", "", "", ""]]
    units = [["某公司（集团）", "一车间（东）", "包装（一）组"]]
    imp = confirm(
        world.county_admin,
        upload(world.county_admin, world.county, book(rows, units=units), name="企业.xlsx", kind="enterprises"),
    )
    assert imp.status == ImportStatus.IMPORTED, imp.message
    made = Enterprise.objects.get(uscc=NEW3)
    assert (made.name, made.industry, made.address) == ("某公司（集团）", "食品（加工）", "工业园区（东区）1号")
    assert ProductionUnit.objects.filter(enterprise=made, name="包装（一）组", parent__name="一车间（东）").exists()
    # The same text again, or only half-width brackets and spaces: nothing to change.
    half = [["某公司 (集团)", NEW3, "民营", "食品(加工)", "工业园区(东区)1号", "", "", ""]]
    for again in (rows, half):
        data = book(again, units=[[again[0][0], "一车间(东)", "包装(一)组"]])
        got = outcomes(upload(world.county_admin, world.county, data, name="企业.xlsx", kind="enterprises"))
        assert got[2].outcome == RowOutcome.UNCHANGED, (got[2].changed, got[2].problems)
        assert got[UNIT_ROWS + 2].outcome == RowOutcome.UNCHANGED, got[UNIT_ROWS + 2].problems
    # One registered by hand with full-width brackets is not renamed by a file that says the same.
    by_hand = EnterpriseFactory(name="乙公司（集团）", uscc=NEW2, supervising_org=world.park)
    data = book([["乙公司（集团）", NEW2, "", "", "", "", "", ""]])
    got = outcomes(upload(world.county_admin, world.county, data, name="企业.xlsx", kind="enterprises"))
    assert got[2].outcome == RowOutcome.UNCHANGED, (got[2].changed, got[2].problems)
    assert Enterprise.objects.get(pk=by_hand.pk).name == "乙公司（集团）"
    # A team row may name the registered enterprise as people write it, the file not listing it.
    data = book([], units=[["某公司(集团)", "一车间（东）", "包装（二）组"]])
    got = outcomes(upload(world.county_admin, world.county, data, name="企业.xlsx", kind="enterprises"))
    assert got[UNIT_ROWS + 2].outcome == RowOutcome.CREATED, got[UNIT_ROWS + 2].problems


def test_every_sheet_of_an_xls_is_surveyed_a_repeated_name_too(settings):
    """calamine builds every BOUNDSHEET of an .xls, whatever its name: a third sheet named like the
    second is held to the limits before calamine opens the file, as every other is."""
    settings.ROSTER_MAX_COLUMNS = 20
    data = xls_bytes_97(
        [(0, 0, "企业名称")], more_sheets=[("车间班组", [(0, 0, "x")]), ("车间班组", [(0, 0, "x"), (0, 30, "far")])]
    )
    shapes = [(name, shape.last_column) for name, shape in xls_shapes(data)]
    assert shapes == [("花名册", 0), ("车间班组", 0), ("车间班组", 30)]
    with pytest.raises(RosterTooLarge):
        read_roster(data, "企业.xls", ENTERPRISES)
