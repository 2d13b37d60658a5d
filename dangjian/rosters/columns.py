"""The columns of the two rosters: what each is called in HR's spreadsheets and what it fills.

Headers are matched after folding (full-width to half-width, spaces, stars and bracketed hints
such as "（必填）" removed, case ignored), against each column's label in every language of the
interface plus the variants real rosters use. The same labels head exports and templates, so a
file downloaded from Dangjian imports back unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangjian.dues.columns import SHEET_COLUMNS as DUES_COLUMNS
from dangjian.indicators.columns import SHEET_COLUMNS

from .county_columns import ANCHORS, COLUMNS_OF, COUNTY_KINDS, ENTERPRISES, ORG_TREE, ROLE_HOLDERS

EMPLOYEES = "employees"
MEMBERS = "members"
ROSTER_KINDS = (EMPLOYEES, MEMBERS)  # the rosters of people
# A production indicator sheet (indicators.columns): one figure a row, for a team (or the
# enterprise), a month and an indicator; imported into an enterprise through the same pipeline.
INDICATORS = "indicators"
# A payroll sheet of dues bases (dues.columns): one base a row, for a member (by ID number) and a
# month; imported into a party organisation by those who keep its dues.
DUES_BASES = "dues_bases"
# A county's own set-up (county_columns): its enterprises, its party organisation tree and the
# holders of its roles, imported into the county's committee.
IMPORT_KINDS = (*ROSTER_KINDS, INDICATORS, DUES_BASES, *COUNTY_KINDS)
__all__ = ["COUNTY_KINDS", "ENTERPRISES", "ORG_TREE", "ROLE_HOLDERS"]


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    parser: str  # a name in rosters.parsing.PARSERS
    rosters: tuple[str, ...] = ROSTER_KINDS
    required: tuple[str, ...] = ()  # the rosters in which a value is required
    synonyms: tuple[str, ...] = ()
    width: int = 14
    text: bool = False  # keep as text in Excel
    help: Promise | str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        _("Name"),
        "name",
        required=ROSTER_KINDS,
        synonyms=("姓名", "名字", "职工姓名", "员工姓名", "党员姓名", "full name", "employee name"),
        width=12,
    ),
    Column(
        "gender",
        _("Gender"),
        "gender",
        synonyms=("性别", "sex"),
        width=8,
        help=_("男/女 or M/F; may be left blank, the ID number says it."),
    ),
    Column(
        "ethnicity", _("Ethnicity"), "ethnicity", required=ROSTER_KINDS, synonyms=("民族", "ethnic group"), width=10
    ),
    Column(
        "id_number",
        _("ID number"),
        "id_number",
        required=ROSTER_KINDS,
        synonyms=(
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "公民身份证号码",
            "身份证",
            "身份证件号码",
            "证件号码",
            "id no",
            "id no.",
            "id card number",
            "identity number",
        ),
        width=22,
        text=True,
        help=_("18 characters; the people already registered are matched by it."),
    ),
    Column(
        "birth_date",
        _("Date of birth"),
        "date",
        synonyms=("出生日期", "出生年月日", "出生年月", "生日", "birth date", "birthday", "dob"),
        width=12,
        help=_("May be left blank: the ID number says it."),
    ),
    Column(
        "phone",
        _("Phone"),
        "phone",
        synonyms=(
            "联系电话",
            "手机号",
            "手机号码",
            "手机",
            "电话",
            "电话号码",
            "联系方式",
            "mobile",
            "telephone",
            "phone number",
        ),
        width=14,
        text=True,
    ),
    Column(
        "education",
        _("Education"),
        "education",
        synonyms=("学历", "文化程度", "最高学历", "全日制学历"),
        width=12,
    ),
    Column(
        "post",
        _("Post"),
        "text",
        synonyms=("岗位", "工作岗位", "职务", "职位", "岗位职务", "工种", "position", "job title", "job"),
        width=14,
    ),
    Column(
        "workshop",
        _("Workshop"),
        "text",
        synonyms=("车间", "所在车间", "部门", "所在部门", "department"),
        width=14,
        help=_("Used to tell apart teams of the same name in different workshops."),
    ),
    Column(
        "team",
        _("Production team"),
        "text",
        synonyms=("班组", "所在班组", "生产班组", "小组", "team"),
        width=14,
        help=_("The name of a team of the enterprise."),
    ),
    Column(
        "hire_date",
        _("Hire date"),
        "date",
        synonyms=("入职日期", "入职时间", "入厂时间", "入厂日期", "date hired", "hired on"),
        width=12,
    ),
    Column(
        "political_status",
        _("Political status"),
        "political_status",
        synonyms=("政治面貌",),
        width=12,
        help=_("共青团员 marks a League member. Party membership is recorded in the member roster."),
    ),
    Column(
        "employer",
        _("Employer"),
        "text",
        rosters=(MEMBERS,),
        synonyms=("工作单位", "所在单位", "单位", "单位名称", "企业", "企业名称", "work unit", "company"),
        width=24,
        help=_("The enterprise's name or credit code. Blank: the enterprise the branch covers, if it covers one."),
    ),
    Column(
        "admitted_on",
        _("Admitted on"),
        "date",
        rosters=(MEMBERS,),
        required=(MEMBERS,),
        synonyms=(
            "入党时间",
            "入党日期",
            "入党年月",
            "入党年月日",
            "date admitted",
            "date joined the party",
            "joined the party",
        ),
        width=12,
        help=_("The date the branch meeting admitted them as a probationary member."),
    ),
    Column(
        "converted_on",
        _("Converted on"),
        "date",
        rosters=(MEMBERS,),
        synonyms=("转正时间", "转正日期", "date converted", "conversion date"),
        width=12,
        help=_("Blank for a probationary member."),
    ),
    Column(
        "joined_org_on",
        _("Joined this organisation on"),
        "date",
        rosters=(MEMBERS,),
        synonyms=("转入时间", "转入日期", "转入本支部时间", "加入本组织时间", "joined the branch on"),
        width=12,
    ),
)

BY_KEY = {c.key: c for c in COLUMNS}


def columns_for(kind: str) -> list[Column]:
    return [c for c in COLUMNS if kind in c.rosters]


_BRACKETS = re.compile(r"[(（\[【<《].*?[)）\]】>》]")


def fold_header(text: object) -> str:
    """The comparable form of a header cell: `* 身份证号码（必填）` → `身份证号码`."""
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = _BRACKETS.sub("", s)
    s = re.sub(r"[\s*:：_.\-/、]+", "", s)
    return s.lower()


def label_of(kind: str, key: str) -> str:
    """A column's label in the user's language ('' for a key the kind does not have)."""
    if kind == INDICATORS:
        return next((str(c.label) for c in SHEET_COLUMNS if c.key == key), "")
    if kind == DUES_BASES:
        return next((str(c.label) for c in DUES_COLUMNS if c.key == key), "")
    if kind in COLUMNS_OF:
        return next((str(c.label) for c in COLUMNS_OF[kind] if c.key == key), "")
    return str(BY_KEY[key].label) if key in BY_KEY else ""


def anchors(kind: str) -> set[str]:
    """The columns of which a header row names at least one (and one more column besides)."""
    if kind == DUES_BASES:
        return {"id_number", "base_pay"}
    if kind in ANCHORS:
        return ANCHORS[kind]
    return {"indicator", "value"} if kind == INDICATORS else {"name", "id_number"}


@lru_cache(maxsize=8)
def _header_map(kind: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    named: Sequence[Any] = (
        SHEET_COLUMNS
        if kind == INDICATORS
        else DUES_COLUMNS
        if kind == DUES_BASES
        else COLUMNS_OF[kind]
        if kind in COLUMNS_OF
        else columns_for(kind)
    )
    for col in named:
        names = list(col.synonyms) + [col.key]
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.append(str(col.label))
        for name in names:
            mapping.setdefault(fold_header(name), col.key)
    return mapping


def match_header(kind: str, text: object) -> str | None:
    return _header_map(kind).get(fold_header(text)) if text not in (None, "") else None
