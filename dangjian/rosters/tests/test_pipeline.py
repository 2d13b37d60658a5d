"""The import pipeline on rosters with the defects real HR files have, checked cell by cell."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.audit.models import AuditEvent
from dangjian.people.models import Membership, Person
from dangjian.rosters import services
from dangjian.rosters.models import ImportStatus, RosterImport
from dangjian.testing.rosters import MEMBER_HEADER, csv_bytes, ident, xlsx

pytestmark = pytest.mark.django_db


def english(*users):
    """Reports are written in the uploader's language."""
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def outcomes(imp):
    return {r.row_number: r for r in imp.rows.all()}


def messy_rows(world):
    i1, i2, i4 = ident(1), ident(2), ident(4)
    i3, born3 = ident(3) + "  ", dt.date(1990, 1, 4)  # stray spaces
    i5 = next(ident(n) for n in range(5, 60) if ident(n)[-1].isdigit())  # to be stored as a number
    return [
        [1, "王　芳", "女", "汉族", i1, "1990-01-02", "A缝纫一组", "缝纫工", "139 1234 5678", "高中"],
        # ID typed in lower case and full-width digits with spaces; ethnicity without 族; phone as a number
        [
            2,
            "阿依古丽",
            "",
            "维吾尔",
            " " + i2[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + i2[-1].lower(),
            "",
            None,
            "",
            13900000000,
            "初中",
        ],
        [None, None, None, None, None, None, None, None, None, None],  # a blank row
        [3, "李明", "女", "回", i3, born3, None, "质检员", "", "大专"],
        [4, "李明", "女", "回", i3, born3, None, "质检员", "", "大专"],  # the same row again
        [5, "张伟", "女", "汉族", i4, "1990.01.05", "A缝纫一组", "", "", "本科"],
        [6, "张伟伟", "女", "汉族", i4, "1990.01.05", "", "", "", "本科"],  # same ID, other details
        [7, "赵六", "女", "汉族", float(i5), "", "", "", "", ""],  # ID stored as a number: digits lost
        [8, "钱七", "男", "火星族", ident(6, "F"), "2019-13-01", "不存在的班组", "", "", "小学"],
    ]


def test_messy_roster_is_read_and_reported_row_by_row(world, upload):
    data = xlsx(
        messy_rows(world), titles=["和静县某服装公司职工花名册", "填报日期：2026年11月"], merges=["A1:J1", "A2:J2"]
    )
    people_before, events_before = Person.objects.count(), AuditEvent.objects.count()
    english(world.a.manager)
    imp = upload(world.a.manager, world.a.enterprise, data)
    assert imp.status == ImportStatus.CHECKED
    assert imp.header_row == 3
    rows = outcomes(imp)
    assert sorted(rows) == [4, 5, 7, 8, 9, 10, 11, 12]  # the blank row 6 is not a row of the roster
    assert rows[4].outcome == "created" and rows[4].name == "王芳"  # the padding space is gone
    assert rows[5].outcome == "created" and rows[5].problems == []
    assert rows[7].outcome == "created"
    assert rows[8].outcome == "duplicate" and "row 7" in rows[8].notes[0]
    assert rows[9].outcome == "created"
    assert rows[10].outcome == "rejected"
    assert rows[10].problems[0]["column"] == "E 身份证号码"
    assert "Row 9 has the same ID number" in rows[10].problems[0]["message"]
    assert rows[11].outcome == "rejected" and "lost" in rows[11].problems[0]["message"]
    bad = {p["column"]: p for p in rows[12].problems}
    assert set(bad) == {"D 民族", "F 出生日期", "G 所在班组"}
    assert bad["D 民族"]["value"] == "火星族"
    assert "not a real date" in bad["F 出生日期"]["message"]
    assert "no team named “不存在的班组”" in bad["G 所在班组"]["message"]
    assert imp.counts == {"rows": 8, "created": 4, "duplicate": 1, "rejected": 3}
    assert not imp.may_confirm
    # The dry run wrote nothing but the upload's own audit event and its job's.
    assert Person.objects.count() == people_before
    assert AuditEvent.objects.count() == events_before + 2


def test_report_is_in_the_users_language(world, upload):
    data = xlsx([[1, "钱七", "男", "火星族", ident(6, "F"), "", "", "", "", ""]])
    imp = upload(world.a.manager, world.a.enterprise, data)  # the default language
    problem = imp.rows.get().problems[0]
    assert problem == {
        "column": "D 民族",
        "value": "火星族",
        "message": "无法识别“火星族”。请填写 56 个民族之一，例如“汉族”或“维吾尔族”。",
    }


def clean_rows():
    return [
        [1, "王芳", "女", "汉族", ident(1), "1990/1/2", "A缝纫一组", "缝纫工", "13912345678", "高中"],
        [2, "阿依古丽", "女", "维吾尔族", ident(2), "1990年1月3日", "A缝纫一组", "", "", "初中"],
        [3, "李明", "女", "回族", ident(3), 32877, "", "质检员", "", "大专"],  # an Excel serial date
    ]


def test_confirmed_import_writes_all_rows_and_audits_each(world, upload, confirm):
    english(world.a.manager)
    imp = upload(world.a.manager, world.a.enterprise, xlsx(clean_rows()))
    assert imp.counts == {"rows": 3, "created": 3} and imp.may_confirm
    events_before = AuditEvent.objects.count()
    imp = confirm(world.a.manager, imp)
    assert imp.status == ImportStatus.IMPORTED, imp.message
    wang = Person.objects.get(name="王芳")
    assert (wang.employer, wang.team, wang.phone, wang.education) == (
        world.a.enterprise,
        world.a.team,
        "13912345678",
        "senior",
    )
    assert Person.objects.get(name="李明").birth_date == dt.date(1990, 1, 4)
    new_events = AuditEvent.objects.filter(pk__gt=0).order_by("-pk")[: AuditEvent.objects.count() - events_before]
    actions = [(e.action, e.object_type) for e in new_events]
    assert actions.count(("create", "people.Person")) == 3
    summary = next(e for e in new_events if e.action == "import")
    assert summary.changes["sha256"] == imp.sha256 and summary.changes["created"] == 3
    assert summary.changes["file"] == "花名册.xlsx"


def test_reimport_is_a_no_op_and_a_corrected_file_updates_in_place(world, upload, confirm):
    confirm(world.a.manager, upload(world.a.manager, world.a.enterprise, xlsx(clean_rows())))
    events_before = AuditEvent.objects.count()
    again = upload(world.a.manager, world.a.enterprise, xlsx(clean_rows()))
    assert again.counts == {"rows": 3, "unchanged": 3}
    assert not again.may_confirm
    corrected = clean_rows()
    corrected[1][8] = "13800000000"
    corrected[2][9] = ""  # a blank cell never erases what is stored
    fixed = upload(world.a.manager, world.a.enterprise, xlsx(corrected))
    assert fixed.counts == {"rows": 3, "unchanged": 2, "updated": 1}
    assert outcomes(fixed)[3].changed == ["联系电话"]
    fixed = confirm(world.a.manager, fixed)
    assert fixed.status == ImportStatus.IMPORTED
    assert Person.objects.get(name="阿依古丽").phone == "13800000000"
    assert Person.objects.get(name="李明").education == "college"
    assert Person.objects.filter(name="阿依古丽").count() == 1
    # two uploads and their check jobs, the confirmation and its job, one person changed, one summary
    assert AuditEvent.objects.count() == events_before + 4 + 2 + 1 + 1


def test_an_import_that_fails_midway_writes_nothing(world, upload, confirm):
    imp = upload(world.a.manager, world.a.enterprise, xlsx(clean_rows()))
    assert imp.may_confirm
    # Between the check and the confirmation, the third person is registered by enterprise B.
    from dangjian.people import services as people

    people.create_person(actor=None, name="李明", ethnicity="03", id_number=ident(3), employer=world.b.enterprise)
    people_before, events_before = Person.objects.count(), AuditEvent.objects.count()
    imp = confirm(world.a.manager, imp)
    assert imp.status == ImportStatus.FAILED
    assert "Nothing was imported" in imp.message or "未导入" in imp.message
    assert Person.objects.count() == people_before  # rows 1 and 2 were rolled back
    assert not Person.objects.filter(name="王芳").exists()
    # The confirmation and its job, and the fresh check's answer that row 4's number is now
    # registered outside the manager's scope (an audited disclosure, people.services.answer_id_number).
    assert AuditEvent.objects.count() == events_before + 3
    assert AuditEvent.objects.filter(action="reveal", changes__answer="registered elsewhere").count() == 1
    assert outcomes(imp)[4].outcome == "rejected"
    assert outcomes(imp)[2].outcome == "created"  # would be, once row 4 is sorted out


def test_nobody_imports_outside_their_scope(world, upload):
    english(world.a.manager, world.a.secretary)
    with pytest.raises(PermissionDenied):
        upload(world.a.manager, world.b.enterprise, xlsx(clean_rows()))
    with pytest.raises(PermissionDenied):
        upload(world.a.secretary, world.b.branch, xlsx([], header=MEMBER_HEADER))
    # A person of side B in A's file is not touched, and the report does not say where they are.
    rows = clean_rows()
    rows[0][4] = world.b.worker.id_number
    imp = upload(world.a.manager, world.a.enterprise, xlsx(rows))
    problem = outcomes(imp)[2].problems[0]
    assert "outside your organisation" in problem["message"]
    assert world.b.enterprise.name not in problem["message"]
    assert problem["value"].count("*") >= 10


def test_the_system_cannot_start_a_background_check_and_nothing_is_kept(world):
    # A background check is a job, and a job is someone's; the system (the command) checks in
    # the foreground. Refused before anything is stored.
    with pytest.raises(ValueError, match="needs the user who asked"):
        services.upload(actor=None, target=world.a.enterprise, file_name="s.xlsx", data=xlsx(clean_rows()))
    assert not RosterImport.objects.exists()
    imp = services.upload(
        actor=None, target=world.a.enterprise, file_name="s.xlsx", data=xlsx(clean_rows()), background=False
    )
    with pytest.raises(ValueError, match="needs the user who asked"):
        services.confirm(actor=None, imp=imp)
    imp.refresh_from_db()
    assert imp.import_job is None


def test_member_roster_records_memberships(world, upload, confirm):
    english(world.a.secretary)
    rows = [
        [1, "新党员", "男", "汉族", ident(11, "M"), "2020-07-01", "2021-07-01", ""],
        [2, "预备党员", "女", "汉族", ident(12), "2026.05.04", "", ""],
        [3, world.a.member.name, "女", "汉族", world.a.member.id_number, "2015-07-01", "2016-07-01", "13711112222"],
        [4, world.b.member.name, "女", "汉族", world.b.member.id_number, "2015-07-01", "2016-07-01", ""],
        [5, "缺日期", "男", "汉族", ident(13, "M"), "", "", ""],
    ]
    imp = upload(world.a.secretary, world.a.branch, xlsx(rows, header=MEMBER_HEADER), name="党员花名册.xlsx")
    got = outcomes(imp)
    assert [got[n].outcome for n in (2, 3, 4, 5, 6)] == ["created", "created", "updated", "rejected", "rejected"]
    assert got[4].changed == ["联系电话"]
    assert "outside your organisation" in got[5].problems[0]["message"]
    assert got[6].problems[0]["column"] == "F 入党时间"
    rows = rows[:3]
    imp = confirm(world.a.secretary, upload(world.a.secretary, world.a.branch, xlsx(rows, header=MEMBER_HEADER)))
    assert imp.status == ImportStatus.IMPORTED, imp.message
    full = Person.objects.get(name="新党员")
    assert (full.political_status, full.party_org, full.employer) == ("full", world.a.branch, world.a.enterprise)
    assert Person.objects.get(name="预备党员").political_status == "probationary"
    assert Membership.objects.get(person=full).converted_on == dt.date(2021, 7, 1)


def test_csv_saved_by_chinese_excel_is_read(world, upload):
    data = csv_bytes(clean_rows(), encoding="gb18030")
    imp = upload(world.a.manager, world.a.enterprise, data, name="roster.csv")
    assert imp.counts == {"rows": 3, "created": 3}


def test_english_headers_and_missing_columns(world, upload):
    header = ["Name", "Gender", "Ethnicity", "ID number", "Date of birth"]
    imp = upload(world.a.manager, world.a.enterprise, xlsx([["Ayse", "F", "Kazakh", ident(21), ""]], header=header))
    assert imp.counts == {"rows": 1, "created": 1}
    imp = upload(world.a.manager, world.a.enterprise, xlsx([["王芳", "女"]], header=["姓名", "性别"]))
    assert imp.status == ImportStatus.FAILED
    assert "ID number" in imp.message or "身份证" in imp.message


def test_merged_team_cells_apply_to_every_row_of_the_block(world, upload, confirm):
    rows = [
        [1, "甲", "女", "汉族", ident(31), "", "A缝纫一组", "", "", ""],
        [2, "乙", "女", "汉族", ident(32), "", None, "", "", ""],
        [3, "丙", "女", "汉族", ident(33), "", None, "", "", ""],
    ]
    imp = upload(world.a.manager, world.a.enterprise, xlsx(rows, merges=["G2:G4"]), create_teams=False)
    assert imp.counts == {"rows": 3, "created": 3}
    assert confirm(world.a.manager, imp).status == ImportStatus.IMPORTED
    assert set(Person.objects.filter(name__in="甲乙丙").values_list("team__name", flat=True)) == {"A缝纫一组"}


def test_missing_teams_can_be_created(world, upload, confirm):
    rows = [
        [1, "甲", "女", "汉族", ident(41), "", "新班组", "", "", ""],
        [2, "乙", "女", "汉族", ident(42), "", "新班组", "", "", ""],
    ]
    imp = upload(world.a.manager, world.a.enterprise, xlsx(rows), create_teams=True)
    assert imp.counts == {"rows": 2, "created": 2}
    assert outcomes(imp)[2].notes and not outcomes(imp)[3].notes
    imp = confirm(world.a.manager, imp)
    assert imp.status == ImportStatus.IMPORTED, imp.message
    team = world.a.enterprise.units.get(name="新班组")
    assert set(team.members.values_list("name", flat=True)) == {"甲", "乙"}


def test_old_files_are_purged_and_a_purged_import_cannot_be_confirmed(world, upload):
    import datetime as _dt

    from django.core.management import call_command
    from django.utils import timezone

    from dangjian.rosters.models import RosterImport

    waiting = upload(world.a.manager, world.a.enterprise, xlsx(clean_rows()))
    fresh = upload(world.a.manager, world.a.enterprise, xlsx(clean_rows()))
    RosterImport.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - _dt.timedelta(days=8))
    call_command("purge_files", "--days", "7")
    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert not waiting.has_file and waiting.status == ImportStatus.DISCARDED and not waiting.may_confirm
    assert fresh.has_file and fresh.may_confirm
    assert AuditEvent.objects.filter(
        object_type="rosters.RosterImport", object_id=str(waiting.pk), source="command"
    ).exists()


def test_command_dry_run_and_import(world, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx(clean_rows()))
    call_command("import_roster", str(path), "--into", world.a.enterprise.uscc, "--dry-run", "--user", "manager_a")
    out = capsys.readouterr().out
    assert "3" in out and not Person.objects.filter(name="王芳").exists()
    report = tmp_path / "report.xlsx"
    call_command("import_roster", str(path), "--into", world.a.enterprise.uscc, "--report", str(report))
    assert Person.objects.filter(name="王芳", employer=world.a.enterprise).exists()
    assert report.stat().st_size > 0
    assert AuditEvent.objects.filter(action="import", source="command", actor_id=None).count() == 1
    with pytest.raises(SystemExit):
        bad = tmp_path / "bad.xlsx"
        bad.write_bytes(xlsx([[1, "钱七", "男", "火星族", ident(6, "F"), "", "", "", "", ""]]))
        call_command("import_roster", str(bad), "--into", world.a.enterprise.uscc)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--into", world.b.enterprise.uscc, "--user", "manager_a")


def _check_queries(world, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.rosters import pipeline

    rows = [[i, f"员工{i}", "女", "汉族", ident(1000 + n * 100 + i), "", "A缝纫一组", "", "", ""] for i in range(n)]
    imp = services.upload(
        actor=world.a.manager, target=world.a.enterprise, file_name="q.xlsx", data=xlsx(rows), background=False
    )
    with CaptureQueriesContext(connection) as ctx:
        pipeline.check(imp)
    assert imp.counts == {"rows": n, "created": n}
    return len(ctx.captured_queries)


def test_checking_costs_the_same_queries_for_any_number_of_new_persons(world):
    """The matching (which is the ID-number clash check of new persons too), scope and team
    look-ups go by chunks of rows: no query of a row's own."""
    twenty = _check_queries(world, 20)
    sixty = _check_queries(world, 60)
    assert sixty == twenty


def test_ods_files_are_read_like_xlsx(world, upload, confirm):
    """LibreOffice's .ods goes through calamine (as .xls does): title row, numbers as floats."""
    from dangjian.testing.rosters import ods

    rows = [
        [1, "甲", "女", "汉族", ident(51), "", "A缝纫一组", "", 13912345678, ""],
        [2, "乙", "女", "汉族", ident(52), 32926, "A缝纫一组", "", "", ""],  # 1990-02-22 as a serial
    ]
    imp = upload(world.a.manager, world.a.enterprise, ods(rows, title="职工花名册"), name="花名册.ods")
    assert imp.header_row == 2
    assert imp.counts == {"rows": 2, "created": 2}, list(imp.rows.values("row_number", "problems"))
    assert confirm(world.a.manager, imp).status == ImportStatus.IMPORTED
    assert Person.objects.get(name="甲").phone == "13912345678"
    assert Person.objects.get(name="乙").team == world.a.team
