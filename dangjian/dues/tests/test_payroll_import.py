"""A branch's payroll of dues bases through the one import pipeline (rosters, kind "dues_bases"):
checked row by row, imported all at once or not at all; a member of another branch, a month
before admission and a closed month are refused in the report; side B may not import into A."""

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.dues import services
from dangjian.dues.models import Charge, DuesBase
from dangjian.rosters import services as roster_services
from dangjian.rosters.models import RowOutcome
from dangjian.testing.dues import charge, month
from dangjian.testing.rosters import xlsx

HEADER = ["身份证号", "姓名", "月份", "税后工资", "类别"]
JAN, FEB = month(2026, 1), month(2026, 2)


def test_a_payroll_sets_the_bases_of_the_branchs_members(world, upload, confirm):
    a = world.a
    rows = [
        [a.member.id_number, a.member.name, "2026-01", "3000.01", "在职"],
        [a.secretary.person.id_number, a.secretary.person.name, "2026年2月", "5,000.00", ""],
    ]
    imp = upload(a.secretary, a.branch, xlsx(rows, header=HEADER, text_columns=[0]), kind="dues_bases")
    assert imp.status == "checked", imp.message
    assert imp.counts.get(RowOutcome.CREATED) == 2
    imp = confirm(a.secretary, imp)
    assert imp.status == "imported", imp.message
    assert DuesBase.objects.get(person=a.member, month=JAN).pay.to_eng_string() == "3000.01"
    charge(a.branch, FEB)
    assert Charge.objects.get(person=a.member, month=FEB).due.to_eng_string() == "30.00"
    assert DuesBase.objects.get(person=a.secretary.person).source == "import"


def test_refused_rows_are_explained_and_nothing_is_imported(world, upload):
    a, b = world.a, world.b
    services.set_base(actor=None, person=a.member, month=JAN, category="employed", base_pay="3000")
    services.close_month(actor=None, organization=a.branch, month=JAN)
    rows = [
        [a.member.id_number, a.member.name, "2026-01", "4000", ""],  # a closed month
        [b.member.id_number, b.member.name, "2026-02", "4000", ""],  # B's member
        [a.member.id_number, a.member.name, "2010-01", "4000", ""],  # before admission
        [a.member.id_number, "别人", "2026-03", "4000", ""],  # not the number's owner
    ]
    imp = upload(a.secretary, a.branch, xlsx(rows, header=HEADER, text_columns=[0]), kind="dues_bases")
    assert imp.counts.get(RowOutcome.REJECTED) == 4
    messages = [p["message"] for r in imp.rows.order_by("row_number") for p in r.problems]
    assert any("closed" in m or "关" in m for m in messages)
    assert any("A公司党支部" in m for m in messages)
    assert any("2015-07" in m for m in messages)
    assert any("A党员" in m for m in messages)
    assert DuesBase.objects.count() == 1


def test_a_refused_rows_stored_problems_never_hold_the_pay(world, upload):
    a = world.a
    services.close_month(actor=None, organization=a.branch, month=JAN)
    rows = [
        [a.member.id_number, a.member.name, "2026-01", "4321.09", ""],  # a closed month
        [a.member.id_number, a.member.name, "2026-02", "8765.4x", ""],  # not an amount
    ]
    imp = upload(a.secretary, a.branch, xlsx(rows, header=HEADER, text_columns=[0]), kind="dues_bases")
    assert imp.counts.get(RowOutcome.REJECTED) == 2
    stored = str([r.problems for r in imp.rows.all()])
    assert "4321" not in stored and "8765" not in stored
    assert "税后工资" in stored  # the column is named


def test_side_b_may_not_import_bases_into_side_a(world):
    with pytest.raises(PermissionDenied):
        roster_services.upload(
            actor=world.b.secretary,
            target=world.a.branch,
            file_name="工资.xlsx",
            data=xlsx([], header=HEADER),
            kind="dues_bases",
            background=False,
        )
    with pytest.raises(PermissionDenied):  # a manager keeps no dues
        roster_services.upload(
            actor=world.a.manager,
            target=world.a.branch,
            file_name="工资.xlsx",
            data=xlsx([], header=HEADER),
            kind="dues_bases",
            background=False,
        )
