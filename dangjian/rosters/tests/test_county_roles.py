"""A county's role holders through the one import pipeline (kind "role_holders"): each row a
person by ID number, a role and where it is held; checked row by row, imported all at once or not
at all, a second time changing nothing; someone not registered yet (a county cadre) registered
from the row; every role holder a login without a password, whom a sheet of codes then reaches.
Another county's organisation department imports nothing into this one."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import translation

from dangjian.access import services as access_services
from dangjian.access.models import Role, RoleAssignment, User
from dangjian.access.scopes import VIEW, can
from dangjian.accounts import services as accounts
from dangjian.accounts.models import Activation
from dangjian.audit.models import AuditEvent
from dangjian.organizations.models import OrgKind
from dangjian.people.models import Person
from dangjian.rosters import services
from dangjian.rosters.columns import ROLE_HOLDERS
from dangjian.rosters.models import ImportStatus, RosterImport, RowOutcome
from dangjian.rosters.pipeline import county
from dangjian.testing.factories import EnterpriseFactory, PersonFactory, UserFactory, make_id_number, make_org
from dangjian.testing.rosters import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["身份证号", "姓名", "职务", "党组织", "企业", "任职时间", "民族", "手机"]
CADRE_ID = make_id_number(dt.date(1985, 3, 2), "M", 7)


def english(*users):
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def sheet(rows) -> bytes:
    return xlsx(rows, header=HEADER, text_columns=[1, 8])


def by_row(imp):
    return {r.row_number: r for r in imp.rows.all()}


def messages(row) -> str:
    return " | ".join(p["message"] for p in row.problems)


@pytest.fixture
def roles_upload(upload):
    def _upload(user, data, target, name="任职.xlsx"):
        return upload(user, target, data, name=name, kind=ROLE_HOLDERS)

    return _upload


def good_rows(world):
    a = world.a
    return [
        [a.member.id_number, a.member.name, "支委", "A公司党支部", "", "2026-01-05", "", ""],
        [a.worker.id_number, a.worker.name, "统计员", "", a.enterprise.uscc, "", "", ""],
        [CADRE_ID, "王建国", "党建指导员", "", "B公司", "2025-09-01", "汉族", "13912345678"],
        [a.secretary.person.id_number, a.secretary.person.name, "Branch secretary", "A公司党支部", "", "", "", ""],
    ]


def test_the_check_tells_each_row_and_writes_nothing(world, roles_upload):
    english(world.county_admin)
    people, held = Person.objects.count(), RoleAssignment.objects.count()
    imp = roles_upload(world.county_admin, sheet(good_rows(world)), target=world.county)
    assert imp.status == ImportStatus.CHECKED, imp.message
    assert imp.counts.get(RowOutcome.CREATED) == 3 and imp.counts.get(RowOutcome.UNCHANGED) == 1
    rows = by_row(imp)
    assert "is given a login" in " ".join(rows[3].notes)  # the worker has none yet
    assert "王建国 is registered as a new person" in " ".join(rows[4].notes)
    assert rows[5].outcome == RowOutcome.UNCHANGED  # the secretary holds it already
    assert (Person.objects.count(), RoleAssignment.objects.count()) == (people, held)
    assert not User.objects.filter(person=world.a.worker).exists()


def test_an_import_registers_cadres_makes_logins_and_gives_roles_audited(world, roles_upload, confirm):
    english(world.county_admin)
    a = world.a
    imp = confirm(world.county_admin, roles_upload(world.county_admin, sheet(good_rows(world)), target=world.county))
    assert imp.status == ImportStatus.IMPORTED, imp.message
    cadre = Person.objects.get(name="王建国")
    assert cadre.employer is None and cadre.party_org is None and cadre.ethnicity == "01"
    assert cadre.gender == "M" and cadre.birth_date == dt.date(1985, 3, 2)
    instructor = RoleAssignment.objects.get(user__person=cadre)
    assert (instructor.role, instructor.enterprise, instructor.started_on) == (
        Role.INSTRUCTOR,
        world.b.enterprise,
        dt.date(2025, 9, 1),
    )
    worker = User.objects.get(person=a.worker)
    assert not worker.has_usable_password() and not cadre.user.has_usable_password()
    assert RoleAssignment.objects.get(user=worker).role == Role.STATISTICIAN
    committee = RoleAssignment.objects.get(user__person=a.member)
    assert committee.organization == a.branch and committee.started_on == dt.date(2026, 1, 5)
    # The new committee member reads the branch's members, and nothing of B's.
    member_user = User.objects.get(person=a.member)
    assert can(member_user, VIEW, a.branch) and can(member_user, VIEW, a.secretary.person)
    assert not can(member_user, VIEW, world.b.branch) and not can(member_user, VIEW, world.b.member)
    # Every write is the county's department's, recorded.
    for model, pk in (
        ("people.Person", cadre.pk),
        ("access.User", worker.pk),
        ("access.RoleAssignment", instructor.pk),
    ):
        event = AuditEvent.objects.get(object_type=model, object_id=str(pk), action="create")
        assert event.actor_id == world.county_admin.pk


def test_the_same_file_again_changes_nothing(world, roles_upload, confirm):
    english(world.county_admin)
    confirm(world.county_admin, roles_upload(world.county_admin, sheet(good_rows(world)), target=world.county))
    held, people, users = RoleAssignment.objects.count(), Person.objects.count(), User.objects.count()
    again = roles_upload(world.county_admin, sheet(good_rows(world)), target=world.county)
    assert again.counts.get(RowOutcome.UNCHANGED) == 4 and not again.may_confirm
    assert (RoleAssignment.objects.count(), Person.objects.count(), User.objects.count()) == (held, people, users)
    # Another date for a role held is told, not applied.
    rows = good_rows(world)[:1]
    rows[0][5] = "2026-02-01"
    note = by_row(roles_upload(world.county_admin, sheet(rows), target=world.county))[2]
    assert note.outcome == RowOutcome.UNCHANGED and "from 2026-01-05" in " ".join(note.notes)


def test_wrong_rows_are_refused_with_what_to_fill_in(world, roles_upload):
    english(world.county_admin)
    a = world.a
    make_org(OrgKind.BRANCH, "联合党支部", world.park, code="LH01")
    make_org(OrgKind.BRANCH, "联合党支部", world.park, code="LH02")
    elsewhere = EnterpriseFactory(name="焉耆公司", supervising_org=world.outsider_county)
    stranger = PersonFactory(name="外县工人", employer=elsewhere)
    people, held = Person.objects.count(), RoleAssignment.objects.count()
    rows = [
        [a.worker.id_number, a.worker.name, "厂长", "", a.enterprise.uscc, "", "", ""],  # 2: no such role
        [a.member.id_number, a.member.name, "书记", "", a.enterprise.name, "", "", ""],  # 3: no organisation
        [a.worker.id_number, a.worker.name, "指导员", "A公司党支部", "", "", "", ""],  # 4: no enterprise
        [a.member.id_number, a.member.name, "支委", "焉耆县委", "", "", "", ""],  # 5: another county's
        [a.member.id_number, a.member.name, "支委", "联合党支部", "", "", "", ""],  # 6: two of that name
        [CADRE_ID, "王建国", "指导员", "", "A公司", "", "", ""],  # 7: not registered, no ethnicity
        [a.member.id_number, "别人", "支委", "A公司党支部", "", "", "", ""],  # 8: not the number's owner
        [a.worker.id_number, a.worker.name, "经理", "", "A公司", "", "", ""],  # 9: fine
        [a.worker.id_number, a.worker.name, "manager", "", a.enterprise.uscc, "", "", ""],  # 10: row 9 again
        [stranger.id_number, stranger.name, "统计员", "", "A公司", "", "", ""],  # 11: another county's person
        [a.worker.id_number, a.worker.name, "统计员", "", "A公司", "2026-13-01", "", ""],  # 12: no such date
        [world.b.worker.id_number, world.b.worker.name, "统计员", "", "焉耆公司", "", "", ""],  # 13: not supervised
    ]
    imp = roles_upload(world.county_admin, sheet(rows), target=world.county)
    assert imp.counts.get(RowOutcome.REJECTED) == 11 and imp.counts.get(RowOutcome.CREATED) == 1
    assert not imp.may_confirm
    rows = by_row(imp)
    assert "is not a role given here" in messages(rows[2]) and "Branch secretary" in messages(rows[2])
    assert "fill in the column D 党组织" in messages(rows[3])
    assert "fill in the column E 企业" in messages(rows[4])
    assert "No party organisation under 和静县委" in messages(rows[5])
    assert "write its code instead (LH01, LH02)" in messages(rows[6])
    assert "fill in the column G 民族 to register them" in messages(rows[7])
    assert "The ID number is A党员's" in messages(rows[8])
    assert rows[9].outcome == RowOutcome.CREATED
    assert "Row 9 gives the same person the same role" in messages(rows[10])
    assert "registered outside your organisation" in messages(rows[11])
    assert rows[12].problems[0]["column"] == "F 任职时间"
    assert "No enterprise 和静县委 supervises" in messages(rows[13])
    assert (Person.objects.count(), RoleAssignment.objects.count()) == (people, held)


def test_a_row_refused_at_import_time_leaves_nothing_written(world, roles_upload, confirm):
    english(world.county_admin)
    imp = roles_upload(world.county_admin, sheet(good_rows(world)), target=world.county)
    assert imp.may_confirm
    # Meanwhile the cadre's ID number is registered in another county.
    elsewhere = EnterpriseFactory(name="焉耆公司", supervising_org=world.outsider_county)
    PersonFactory(name="王建国", employer=elsewhere, id_number=CADRE_ID, gender="M", birth_date=dt.date(1985, 3, 2))
    held, users = RoleAssignment.objects.count(), User.objects.count()
    imp = confirm(world.county_admin, imp)
    assert imp.status == ImportStatus.FAILED and "Nothing was imported" in imp.message
    assert (RoleAssignment.objects.count(), User.objects.count()) == (held, users)
    assert not User.objects.filter(person=world.a.worker).exists()


def test_a_never_activated_role_holder_gets_a_code_an_active_one_does_not(world, roles_upload, confirm):
    english(world.county_admin)
    a = world.a
    rows = [[a.member.id_number, a.member.name, "书记", "A第一党小组", "", "", "", ""]]
    confirm(world.county_admin, roles_upload(world.county_admin, sheet(rows), target=world.county))
    member_user = User.objects.get(person=a.member)
    given = accounts.give_logins(actor=world.county_admin, people=[a.member, a.secretary.person])
    assert (given.new_logins, given.new_codes, given.resets) == (0, 1, 0)
    assert Activation.objects.filter(user=member_user).count() == 1
    assert not Activation.objects.filter(user=a.secretary).exists()  # signs in already


def test_a_filled_template_imports_unchanged(world, roles_upload, confirm):
    english(world.county_admin)
    with translation.override("en"):
        data, name = county.template_bytes(ROLE_HOLDERS), county.template_name(ROLE_HOLDERS)
    book = openpyxl.load_workbook(io.BytesIO(data))
    first = book.worksheets[0]
    assert [c.value for c in first[1]][:3] == ["ID number", "Name", "Role"]
    assert any("lists!$A$1" in (v.formula1 or "") for v in first.data_validations.dataValidation)
    assert book["lists"].sheet_state == "hidden" and book["lists"]["A1"].value
    assert "Instructions" in book.sheetnames and name == "role holders template.xlsx"
    notes = {r[0].value: r[3].value for r in book["Instructions"].iter_rows(min_row=3)}
    assert "For a secretary" in notes["Party organisation"] and "For an instructor" in notes["Enterprise"]
    first.append([CADRE_ID, "王建国", book["lists"]["A4"].value, None, world.a.enterprise.uscc, None, "汉族", None])
    first.append([world.a.worker.id_number, world.a.worker.name, book["lists"]["A6"].value, None, "A公司"])
    out = io.BytesIO()
    book.save(out)
    imp = roles_upload(world.county_admin, out.getvalue(), world.county, name=name)
    assert imp.counts.get(RowOutcome.CREATED) == 2 and not imp.counts.get(RowOutcome.REJECTED), list(imp.rows.values())
    assert confirm(world.county_admin, imp).status == ImportStatus.IMPORTED
    assert set(RoleAssignment.objects.filter(enterprise=world.a.enterprise).values_list("role", flat=True)) >= {
        Role.INSTRUCTOR,
        Role.STATISTICIAN,
    }


def test_another_countys_department_and_a_secretary_cannot_import_role_holders(world):
    other = UserFactory(username="department_b")
    access_services.assign_role(actor=None, user=other, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    for user in (other, world.a.secretary, world.b.manager):
        with pytest.raises(PermissionDenied):
            services.upload(
                actor=user,
                target=world.county,
                file_name="任职.xlsx",
                data=sheet(good_rows(world)),
                kind=ROLE_HOLDERS,
                background=False,
            )
    assert not RosterImport.objects.exists()


def test_the_command_imports_role_holders_into_a_county(world, tmp_path):
    path = tmp_path / "任职.xlsx"
    path.write_bytes(sheet(good_rows(world)))
    call_command("import_roster", str(path), "--into", world.county.code, "--kind", "role_holders")
    assert RosterImport.objects.get().status == ImportStatus.IMPORTED
    assert RoleAssignment.objects.filter(user__person__name="王建国", role=Role.INSTRUCTOR).exists()
    call_command("import_roster", str(path), "--into", world.county.code, "--kind", "role_holders")
    assert RoleAssignment.objects.filter(user__person__name="王建国").count() == 1


def test_an_offices_own_list_with_a_title_and_its_own_headers_imports(world, roles_upload, confirm):
    """As a county office keeps it: a title row, its own headers in its own order, dates as dates."""
    english(world.county_admin)
    b = world.b
    header = ["姓名", "身份证号码", "民族", "职务", "党组织", "企业", "任职时间"]
    start = dt.date(2024, 3, 1)
    rows = [
        ["组织部干部1", CADRE_ID, "汉族", "组织部", "和静县委", "", start],
        [b.worker.name, b.worker.id_number, "汉族", "企业负责人", "", "B公司", start],
        [b.member.name, b.member.id_number, "汉族", "党支部书记", "B公司党支部", "", start],
    ]
    data = xlsx(rows, header=header, titles=["党建工作人员名单"], text_columns=[2])
    imp = confirm(world.county_admin, roles_upload(world.county_admin, data, world.county))
    assert imp.status == ImportStatus.IMPORTED and imp.counts.get(RowOutcome.CREATED) == 3, imp.message
    cadre = User.objects.get(person__name="组织部干部1")
    assert RoleAssignment.objects.get(user=cadre).organization == world.county
    assert RoleAssignment.objects.get(user__person=b.member).started_on == start
    assert can(cadre, VIEW, b.member)  # the new organisation department reads the county's people
