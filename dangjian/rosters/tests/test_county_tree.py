"""A county's party organisation tree through the one import pipeline (kind "org_tree"), into
its committee: the file checked as a whole (parents in any row order, by name or code; loops,
kinds that cannot sit under their parent and unknown parents refused), a code for every
organisation (given where the file has none, shown in the report), all of it imported at once or
nothing, through the audited services; another county's organisation department may not."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import translation

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.organizations.models import Enterprise, Organization, OrgKind
from dangjian.people.models import Person
from dangjian.rosters import services as roster_services
from dangjian.rosters.models import ImportStatus, RowOutcome
from dangjian.rosters.pipeline import tree
from dangjian.rosters.report import report_bytes
from dangjian.testing.factories import EnterpriseFactory, UserFactory, make_org
from dangjian.testing.rosters import MEMBER_HEADER, ident, read_back, xlsx

pytestmark = pytest.mark.django_db

HEADER = ["党组织名称", "类型", "上级党组织", "组织代码", "成立时间", "覆盖企业", "英文名称"]


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])


def check(upload, world, rows, user=None):
    return upload(
        user or world.county_admin,
        world.county,
        xlsx(rows, header=HEADER, text_columns=[4]),
        name="组织树.xlsx",
        kind="org_tree",
    )


def outcomes(imp):
    return {r.row_number: r for r in imp.rows.order_by("row_number")}


def messages(row):
    return " ".join(p["message"] for p in row.problems)


@pytest.fixture
def c_company(world):
    """An enterprise of the park with no party organisation yet."""
    return EnterpriseFactory(name="C公司", supervising_org=world.park)


# Children before their parents: the file is read as a whole.
TREE = [
    ["第一党小组", "党小组", "第一党支部", "", "", "", ""],
    ["第一党支部", "支部", "某公司党委", "", "2021-03-01", "", "Branch One"],
    ["某公司党委", "党委", "工业园区党委", "", "2020-07-01", "C公司、未登记公司", ""],
]


def test_a_tree_in_any_order_is_checked_and_nothing_written(world, upload, c_company):
    english(world.county_admin)
    before = Organization.objects.count()
    imp = check(upload, world, TREE)
    assert imp.status == ImportStatus.CHECKED, imp.message
    got = outcomes(imp)
    assert [got[n].outcome for n in (2, 3, 4)] == [RowOutcome.CREATED] * 3, [r.problems for r in got.values()]
    assert imp.may_confirm
    # The codes given are the nearest coded ancestor's (the county's: the park has none) and a number.
    assert "652827-01 " in " ".join(got[4].notes) and "given" in " ".join(got[4].notes)
    assert "652827-01-01 " in " ".join(got[3].notes)
    assert "652827-01-01-01 " in " ".join(got[2].notes)
    # An enterprise not registered yet is noted, not refused.
    assert any("未登记公司" in n and "not registered" in n for n in got[4].notes)
    assert Organization.objects.count() == before
    assert Enterprise.objects.get(pk=c_company.pk).party_org is None
    # The report, the file with its outcomes, shows the codes too.
    with translation.override("en"):
        lines = read_back(report_bytes(imp))[1:]  # under the title line
    assert lines[0][:2] == ["党组织名称", "类型"] and lines[0][-1] == "Notes"
    assert "652827-01-01-01" in lines[1][-1] and "652827-01 " in lines[3][-1]


def test_the_import_writes_the_tree_through_the_services_and_is_idempotent(world, upload, confirm, c_company):
    imp = confirm(world.county_admin, check(upload, world, TREE))
    assert imp.status == ImportStatus.IMPORTED, imp.message
    committee = Organization.objects.get(name="某公司党委")
    branch = Organization.objects.get(name="第一党支部", parent=committee)
    group = Organization.objects.get(name="第一党小组", parent=branch)
    assert (committee.kind, committee.parent, committee.code) == (OrgKind.ENTERPRISE_COMMITTEE, world.park, "652827-01")
    assert (branch.kind, branch.code, branch.name_en, str(branch.founded_on)) == (
        OrgKind.BRANCH,
        "652827-01-01",
        "Branch One",
        "2021-03-01",
    )
    assert (group.kind, group.code) == (OrgKind.PARTY_GROUP, "652827-01-01-01")
    assert group.path == f"{branch.path}{group.pk}/"
    assert Enterprise.objects.get(pk=c_company.pk).party_org == committee
    # Every organisation created and the enterprise linked left an audit record, naming the uploader.
    for org in (committee, branch, group):
        event = AuditEvent.objects.get(object_type="organizations.Organization", object_id=str(org.pk))
        assert (event.action, event.actor_id) == ("create", world.county_admin.pk)
    assert AuditEvent.objects.filter(
        object_type="organizations.Enterprise", object_id=str(c_company.pk), action="update"
    ).exists()
    # The same file again changes nothing: every row is matched, by name under its parent.
    again = check(upload, world, TREE)
    assert [r.outcome for r in again.rows.order_by("row_number")] == [RowOutcome.UNCHANGED] * 3
    assert not again.may_confirm
    # And with the codes written in, too.
    coded = [
        [*row[:3], code, *row[4:]]
        for row, code in zip(TREE, ["652827-01-01-01", "652827-01-01", "652827-01"], strict=True)
    ]
    again = check(upload, world, coded)
    assert [r.outcome for r in again.rows.order_by("row_number")] == [RowOutcome.UNCHANGED] * 3


def test_a_file_with_a_refused_row_imports_nothing_even_if_it_changes_after_the_check(world, upload, confirm):
    rows = [
        ["甲公司党委", "党委", "", "JIA", "", "", ""],
        ["甲公司第一党支部", "党支部", "JIA", "", "", "", ""],
    ]
    imp = check(upload, world, rows)
    assert imp.may_confirm, [r.problems for r in imp.rows.all()]
    # Between the check and the import, the code is taken by another county's organisation.
    make_org(OrgKind.ENTERPRISE_COMMITTEE, "别县企业党委", world.outsider_county, code="JIA")
    before = Organization.objects.count()
    imp = confirm(world.county_admin, imp)
    assert imp.status != ImportStatus.IMPORTED
    assert Organization.objects.count() == before
    assert not Organization.objects.filter(name__in=["甲公司党委", "甲公司第一党支部"]).exists()
    # Checked again, the row says why, without naming the other county's organisation.
    again = outcomes(check(upload, world, rows))
    assert again[2].outcome == RowOutcome.REJECTED
    assert "JIA" in messages(again[2]) and "别县" not in messages(again[2])


def test_given_codes_are_unique_among_those_registered_and_in_the_file(world, upload, confirm):
    make_org(OrgKind.ENTERPRISE_COMMITTEE, "老企业党委", world.county, code="652827-01")
    rows = [
        ["乙公司党委", "党委", "", "", "", "", ""],
        ["丙公司党委", "党委", "", "652827-03", "", "", ""],
        ["丁公司党委", "党委", "", "", "", "", ""],
    ]
    imp = confirm(world.county_admin, check(upload, world, rows))
    assert imp.status == ImportStatus.IMPORTED, imp.message
    codes = {o.name: o.code for o in Organization.objects.filter(name__in=["乙公司党委", "丙公司党委", "丁公司党委"])}
    assert codes == {"乙公司党委": "652827-02", "丙公司党委": "652827-03", "丁公司党委": "652827-04"}
    notes = {r.row_number: " ".join(r.notes) for r in imp.rows.all()}
    assert "652827-02" in notes[2] and "652827-04" in notes[4]


def test_names_are_kept_as_written_and_matched_as_people_write_them(world, upload, confirm):
    rows = [["戊公司（集团）党委", "党委", "", "", "", "", ""]]
    assert confirm(world.county_admin, check(upload, world, rows)).status == ImportStatus.IMPORTED
    assert Organization.objects.filter(name="戊公司（集团）党委").exists()
    # Half-width brackets and spaces are the same name: nothing to change.
    again = check(upload, world, [["戊公司 (集团) 党委", "企业党委", "", "", "", "", ""]])
    assert [r.outcome for r in again.rows.all()] == [RowOutcome.UNCHANGED]


def test_a_tree_as_a_county_office_writes_it_imports(world, upload, confirm):
    """A title line, the office's own headers (序号, 组织类别 …), rows in no order, no codes, dates
    as Excel dates, the county named as the parks' parent (scale.county_files)."""
    from dangjian.scale.county_files import county_files

    files = county_files(county=world.county.name, division="652827", enterprises=12, people=400)
    imp = upload(world.county_admin, world.county, files.tree, name="组织设置.xlsx", kind="org_tree")
    assert imp.status == ImportStatus.CHECKED, imp.message
    assert imp.counts.get(RowOutcome.CREATED) == files.organisations, [r.problems for r in imp.rows.all()]
    assert confirm(world.county_admin, imp).status == ImportStatus.IMPORTED
    for branch in files.branches:
        assert Organization.objects.get(name=branch).code.startswith("652827-0")


def test_a_loop_is_refused_every_row_of_it(world, upload):
    english(world.county_admin)
    rows = [
        ["甲党总支", "党总支", "乙党委", "", "", "", ""],
        ["乙党委", "党委", "甲党总支", "", "", "", ""],
        ["丙党委", "党委", "", "", "", "", ""],
    ]
    got = outcomes(check(upload, world, rows))
    assert got[2].outcome == got[3].outcome == RowOutcome.REJECTED
    assert "loop" in messages(got[2]) and "loop" in messages(got[3])
    assert "甲党总支 → 乙党委 → 甲党总支" in messages(got[2])
    assert got[4].outcome == RowOutcome.CREATED


def test_a_row_that_would_sit_under_itself_is_a_loop(world, upload):
    english(world.county_admin)
    got = outcomes(check(upload, world, [["甲党支部", "党支部", "甲党支部", "", "", "", ""]]))
    assert got[2].outcome == RowOutcome.REJECTED and "loop" in messages(got[2])


def test_a_kind_that_cannot_sit_under_its_parent_is_refused_with_the_kinds_it_can(world, upload):
    english(world.county_admin)
    rows = [
        ["散党小组", "党小组", "工业园区党委", "", "", "", ""],  # a group under a park committee
        ["某园区", "县委", "", "", "", "", ""],  # the county is the root the file goes into
        ["怪组织", "协会", "", "", "", "", ""],
    ]
    got = outcomes(check(upload, world, rows))
    assert got[2].outcome == RowOutcome.REJECTED
    message = messages(got[2])
    assert "cannot sit under" in message
    assert "General branch" in message and "Party branch" in message and "Joint party branch" in message
    assert got[2].problems[0]["column"] == "B 类型"
    assert "county or prefecture committee" in messages(got[3]) and "和静县委" in messages(got[3])
    assert "not a kind of party organisation" in messages(got[4]) and "Party group" in messages(got[4])


def test_an_unknown_or_ambiguous_parent_is_refused_saying_what_was_looked_for(world, upload):
    english(world.county_admin)
    make_org(OrgKind.ENTERPRISE_COMMITTEE, "重名党委", world.county, code="X1")
    make_org(OrgKind.ENTERPRISE_COMMITTEE, "重名党委", world.park, code="X2")
    rows = [
        ["甲党支部", "党支部", "不存在的党委", "", "", "", ""],
        ["乙党支部", "党支部", "重名党委", "", "", "", ""],
        ["丙党支部", "党支部", "x2", "", "", "", ""],  # by its code, case aside
    ]
    got = outcomes(check(upload, world, rows))
    assert got[2].outcome == RowOutcome.REJECTED
    assert "不存在的党委" in messages(got[2]) and got[2].problems[0]["column"] == "C 上级党组织"
    assert got[3].outcome == RowOutcome.REJECTED
    assert "X1" in messages(got[3]) and "X2" in messages(got[3]) and "code" in messages(got[3])
    assert got[4].outcome == RowOutcome.CREATED


def test_repeated_codes_and_names_under_one_parent_are_refused(world, upload):
    english(world.county_admin)
    rows = [
        ["甲党委", "党委", "", "J1", "", "", ""],
        ["乙党委", "党委", "", "J1", "", "", ""],
        ["甲党委", "党委", "", "", "", "", ""],
        ["重名党支部", "党支部", "工业园区党委", "NEW", "", "", ""],  # registered there with another code
        ["A公司党支部", "党支部", "工业园区党委", "A-BR", "", "", ""],  # registered there without a code
    ]
    make_org(OrgKind.BRANCH, "重名党支部", world.park, code="K1")
    got = outcomes(check(upload, world, rows))
    assert got[2].outcome == RowOutcome.CREATED
    assert got[3].outcome == RowOutcome.REJECTED and "Row 2" in messages(got[3])
    assert got[4].outcome == RowOutcome.REJECTED and "same name" in messages(got[4])
    assert got[5].outcome == RowOutcome.REJECTED and "already has" in messages(got[5]) and "K1" in messages(got[5])
    # A registered organisation without a code takes the one the file gives it.
    assert got[6].outcome == RowOutcome.UPDATED and got[6].changed == ["组织代码"]


def test_registered_organisations_are_matched_given_codes_and_moved(world, upload, confirm):
    english(world.county_admin)
    a = world.a
    # A's branch and group, registered without codes: matched by name under their parents.
    rows = [
        ["A第一党小组", "党小组", "A公司党支部", "", "", "", ""],
        ["A公司党支部", "党支部", "工业园区党委", "", "2016-01-01", "", ""],
    ]
    imp = check(upload, world, rows)
    got = outcomes(imp)
    assert got[3].outcome == RowOutcome.UPDATED, got[3].problems
    assert set(got[3].changed) == {"组织代码", "成立时间"}
    assert got[2].outcome == RowOutcome.UPDATED and got[2].changed == ["组织代码"]
    assert confirm(world.county_admin, imp).status == ImportStatus.IMPORTED
    a.branch.refresh_from_db()
    assert (a.branch.code, str(a.branch.founded_on)) == ("652827-01", "2016-01-01")
    # By its code, the branch moves under a new committee of the file, its group and members along.
    rows = [
        ["A公司党支部", "党支部", "A公司党委", "652827-01", "", "", ""],
        ["A公司党委", "党委", "", "", "", "", ""],
    ]
    imp = check(upload, world, rows)
    got = outcomes(imp)
    assert got[2].outcome == RowOutcome.UPDATED and got[2].changed == ["上级党组织"], got[2].problems
    assert any("moves from 工业园区党委 to A公司党委" in n for n in got[2].notes)
    assert confirm(world.county_admin, imp).status == ImportStatus.IMPORTED
    a.branch.refresh_from_db()
    a.group.refresh_from_db()
    committee = Organization.objects.get(name="A公司党委")
    assert (committee.parent, committee.code) == (world.county, "652827-02")
    assert a.branch.parent == committee and a.group.path.startswith(committee.path)
    assert Person.objects.get(pk=a.member.pk).party_org == a.branch
    assert (
        AuditEvent.objects.filter(
            object_type="organizations.Organization", object_id=str(a.branch.pk), action="update"
        ).count()
        == 2
    )
    # Its kind and its parent at once: refused.
    rows = [["A公司党支部", "党总支", "", "652827-01", "", "", ""]]
    got = outcomes(check(upload, world, rows))
    assert got[2].outcome == RowOutcome.REJECTED and "not both" in messages(got[2])


def test_a_registered_organisation_outside_the_county_cannot_be_taken_by_its_code(world, upload):
    english(world.county_admin)
    make_org(OrgKind.ENTERPRISE_COMMITTEE, "焉耆企业党委", world.outsider_county, code="652826-01")
    got = outcomes(check(upload, world, [["焉耆企业党委", "党委", "", "652826-01", "", "", ""]]))
    assert got[2].outcome == RowOutcome.REJECTED and "outside 和静县委" in messages(got[2])
    assert Organization.objects.get(code="652826-01").parent == world.outsider_county


def test_enterprises_are_linked_moved_and_refused_where_a_kind_covers_none(world, upload):
    english(world.county_admin)
    rows = [
        ["A新党支部", "党支部", "工业园区党委", "", "", "A公司", ""],  # A is covered by A's branch now
        ["散党小组", "党小组", "A公司党支部", "", "", "B公司", ""],  # a group covers no enterprise
        ["又一党支部", "党支部", "工业园区党委", "", "", world.a.enterprise.uscc, ""],  # A again, by code
    ]
    got = outcomes(check(upload, world, rows))
    assert got[2].outcome == RowOutcome.CREATED
    assert any("covered by A公司党支部 now" in n for n in got[2].notes)
    assert got[3].outcome == RowOutcome.REJECTED and "covers no enterprise" in messages(got[3])
    assert got[4].outcome == RowOutcome.REJECTED and "Row 2" in messages(got[4])


def test_another_countys_organisation_department_may_not_import_into_this_county(world):
    outsider_b = UserFactory(username="yanqi_department")
    access_services.assign_role(
        actor=None, user=outsider_b, role=Role.ORG_DEPARTMENT, organization=world.outsider_county
    )
    for user in (outsider_b, world.b.secretary, world.a.manager):
        with pytest.raises(PermissionDenied):
            roster_services.upload(
                actor=user,
                target=world.county,
                file_name="组织树.xlsx",
                data=xlsx(TREE, header=HEADER),
                kind="org_tree",
                background=False,
            )


def test_the_template_filled_in_imports_and_then_imports_unchanged(world, upload, confirm):
    english(world.county_admin)
    with translation.override("en"):
        data = tree.template_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert book["lists"].sheet_state == "hidden"
    kinds = [c.value for c in book["lists"]["A"]]
    assert "Party branch" in kinds and "County committee" not in kinds
    instructions = [c for row in book["Instructions"].iter_rows(values_only=True) for c in row if c]
    assert "某公司党委" in instructions and "第一党小组" in instructions
    sheet.append(["某公司党委", "Enterprise party committee", "", "", None, "", ""])
    sheet.append(["第一党支部", "Party branch", "某公司党委", "", None, "", ""])
    sheet.append(["第一党小组", "Party group", "第一党支部", "", None, "", ""])
    buf = io.BytesIO()
    book.save(buf)
    filled = buf.getvalue()
    imp = upload(world.county_admin, world.county, filled, name=tree.template_name(), kind="org_tree")
    assert imp.status == ImportStatus.CHECKED and imp.counts.get(RowOutcome.CREATED) == 3, imp.message
    assert confirm(world.county_admin, imp).status == ImportStatus.IMPORTED
    again = upload(world.county_admin, world.county, filled, name=tree.template_name(), kind="org_tree")
    assert again.counts.get(RowOutcome.UNCHANGED) == 3 and not again.may_confirm


def test_the_command_imports_a_tree_and_then_a_member_roster_into_a_given_code(world, tmp_path, capsys):
    path = tmp_path / "组织树.xlsx"
    path.write_bytes(xlsx(TREE, header=HEADER))
    call_command("import_roster", str(path), "--into", "652827", "--kind", "org_tree", "--dry-run")
    assert not Organization.objects.filter(name="某公司党委").exists()
    with translation.override("en"):
        call_command("import_roster", str(path), "--into", "652827", "--kind", "org_tree")
    assert "row 3 第一党支部: Its code is 652827-01-01" in capsys.readouterr().out
    branch = Organization.objects.get(code="652827-01-01")
    assert branch.name == "第一党支部"
    assert AuditEvent.objects.filter(
        object_type="organizations.Organization", object_id=str(branch.pk), action="create", source="command"
    ).exists()
    roster = tmp_path / "党员花名册.xlsx"
    roster.write_bytes(
        xlsx([[1, "树上党员", "男", "汉族", ident(41, "M"), "2020-07-01", "2021-07-01", ""]], header=MEMBER_HEADER)
    )
    call_command("import_roster", str(roster), "--into", "652827-01-01")
    assert Person.objects.get(name="树上党员").party_org == branch
    assert "党员花名册.xlsx" in capsys.readouterr().out


def test_the_api_takes_a_tree_into_the_county_and_lists_the_codes(world, api_as, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import MULTIPART_CONTENT

    from dangjian.testing.api import API

    english(world.county_admin)
    client = api_as(world.county_admin)

    def post(client):
        body = {
            "file": SimpleUploadedFile("组织树.xlsx", xlsx(TREE, header=HEADER)),
            "into": "652827",
            "kind": "org_tree",
        }
        return client.post(f"{API}/imports", body, content_type=MULTIPART_CONTENT)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client)
    assert response.status_code == 201, response.content
    imp = client.get(f"{API}/imports/{response.json()['id']}").json()
    assert imp["status"] == "checked" and imp["kind"] == "org_tree" and imp["counts"]["created"] == 3, imp
    items = client.get(f"{API}/imports/{imp['id']}/rows").json()["items"]
    assert any("652827-01-01" in " ".join(r["notes"]) for r in items if r["name"] == "第一党支部")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{API}/imports/{imp['id']}/confirm").status_code == 202
    assert Organization.objects.get(code="652827-01-01").name == "第一党支部"
    assert (
        AuditEvent.objects.filter(object_type="organizations.Organization", action="create", source="api").count() == 3
    )
    # Side B's secretary may not, and learns nothing of the county's code.
    response = post(api_as(world.b.secretary))
    assert response.status_code == 404, response.content


def test_a_change_of_kind_its_registered_children_cannot_sit_under_is_refused_in_the_dry_run(world, upload, confirm):
    """The service checks the children an organisation has when its kind changes, at their kinds as
    registered, and parents are written first: the dry run refuses what the import would."""
    english(world.county_admin)
    committee = make_org(OrgKind.ENTERPRISE_COMMITTEE, "庚公司党委", world.park, code="GENG")
    make_org(OrgKind.GENERAL_BRANCH, "庚公司党总支", committee, code="GENG-1")
    rows = [
        ["庚公司党委", "党支部", "工业园区党委", "GENG", "", "", ""],
        ["庚公司党总支", "党小组", "GENG", "GENG-1", "", "", ""],  # would fit the branch, but only afterwards
    ]
    imp = check(upload, world, rows)
    got = outcomes(imp)
    assert got[2].outcome == RowOutcome.REJECTED, got[2].problems
    assert "庚公司党总支" in messages(got[2]) and "first import a file" in messages(got[2])
    assert not imp.may_confirm
    assert Organization.objects.get(code="GENG").kind == OrgKind.ENTERPRISE_COMMITTEE
    # Moved away first (under the park, on an earlier row at the same depth), the child no longer stands in the way.
    rows = [
        ["庚公司党总支", "党总支", "工业园区党委", "GENG-1", "", "", ""],
        ["庚公司党委", "党支部", "工业园区党委", "GENG", "", "", ""],
    ]
    imp = check(upload, world, rows)
    assert imp.may_confirm, [r.problems for r in imp.rows.all()]
    assert confirm(world.county_admin, imp).status == ImportStatus.IMPORTED
    assert Organization.objects.get(code="GENG").kind == OrgKind.BRANCH


def test_a_code_registered_outside_the_county_in_another_case_is_refused_without_naming_whose(world, upload):
    english(world.county_admin)
    make_org(OrgKind.ENTERPRISE_COMMITTEE, "焉耆某企业党委", world.outsider_county, code="Ab-01")
    got = outcomes(check(upload, world, [["辛公司党委", "党委", "", "aB-01", "", "", ""]]))
    assert got[2].outcome == RowOutcome.REJECTED, got[2].problems
    assert "aB-01" in messages(got[2]) and "outside 和静县委" in messages(got[2])
    assert "焉耆" not in messages(got[2])


def test_an_enterprise_covered_outside_the_county_is_noted_without_naming_the_organisation(world, upload):
    english(world.county_admin)
    outside = make_org(OrgKind.BRANCH, "焉耆某党支部", world.outsider_county, code="652826-09")
    EnterpriseFactory(name="壬公司", supervising_org=world.park, party_org=outside)
    got = outcomes(check(upload, world, [["壬公司党支部", "党支部", "工业园区党委", "", "", "壬公司", ""]]))
    assert got[2].outcome == RowOutcome.CREATED, got[2].problems
    notes = " ".join(got[2].notes)
    assert "壬公司 is covered by an organisation outside 和静县委 now" in notes
    assert "焉耆" not in notes and "652826-09" not in notes


def test_an_enterprise_the_link_would_fail_to_validate_is_refused_in_the_dry_run(world, upload, confirm):
    """update_enterprise validates the whole enterprise when it is linked: one registered with a
    branch as its supervising organisation (before that rule) cannot be, and the check says so."""
    english(world.county_admin)
    EnterpriseFactory(name="癸公司", supervising_org=world.a.branch)
    rows = [["癸公司党支部", "党支部", "工业园区党委", "", "", "癸公司", ""]]
    imp = check(upload, world, rows)
    got = outcomes(imp)
    assert got[2].outcome == RowOutcome.REJECTED, got[2].problems
    assert "癸公司 cannot be covered" in messages(got[2]) and "supervising organisation must be" in messages(got[2])
    assert got[2].problems[0]["column"] == "F 覆盖企业"
    assert not imp.may_confirm
