"""The columns of a payroll sheet of dues bases (the import's kind "dues_bases"): one row per
member and month — ID number, name, month, base pay after tax, category. Headers are matched as
the rosters' are (folded, in either language or a synonym)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Category


@dataclass(frozen=True)
class SheetColumn:
    key: str
    label: Promise
    synonyms: tuple[str, ...] = ()
    required: bool = True
    width: int = 14
    help: Promise | str = ""
    text: bool = False


ID_NUMBER, NAME, MONTH, BASE_PAY, CATEGORY = "id_number", "name", "month", "base_pay", "category"

SHEET_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn(
        ID_NUMBER, _("ID number"), ("身份证号", "身份证号码", "公民身份号码", "证件号码", "id no"), width=20, text=True
    ),
    SheetColumn(NAME, _("Name"), ("姓名", "党员姓名", "职工姓名", "full name"), width=12),
    SheetColumn(
        MONTH, _("Month"), ("月份", "工资月份", "起始月份", "年月", "from month"), width=10, help=_("YYYY-MM.")
    ),
    SheetColumn(
        BASE_PAY,
        _("Base pay"),
        ("税后工资", "工资收入", "党费基数", "缴费基数", "实发工资", "monthly base pay", "after-tax pay"),
        required=False,
        width=12,
        help=_("The regular monthly pay after tax, in yuan; blank for a fixed amount."),
    ),
    SheetColumn(
        CATEGORY,
        _("Category"),
        ("类别", "人员类别", "党员类别"),
        required=False,
        width=12,
        help=_("Employed (the default), retired, farmer, student, unemployed, relief."),
    ),
)
CATEGORY_NAMES = {
    "在职": "employed",
    "在岗": "employed",
    "离退休": "retired",
    "退休": "retired",
    "离休": "retired",
    "农民": "farmer",
    "学生": "student",
    "下岗失业": "unemployed",
    "失业": "unemployed",
    "下岗": "unemployed",
    "低保": "relief",
    "救济": "relief",
}
CATEGORY_CODES = frozenset(Category.values)
