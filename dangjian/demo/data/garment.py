"""The garment company of the source article and its party branch: names, sizes, the workshops
and teams, the office posts, and where its candidates for membership stand today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangjian.demo.data.people import (
    ABIBAHAN,
    ABIBAHAN_HUSBAND,
    HE_YANPING,
    HR_MANAGER,
    HUO_XIUQUAN,
    LI_XIAOYAN,
    MEMBER,
)
from dangjian.demo.names import HAN, HUI, KAZAKH, MONGOL, UYGHUR, Name
from dangjian.people.choices import Education

GARMENT_NAME = "和静县工业园区服装有限公司"
GARMENT_NAME_EN = "Hejing County Industrial Park Garment Co., Ltd."
GARMENT_BRANCH_NAME = "和静县工业园区服装有限公司党支部"
GARMENT_BRANCH_NAME_EN = "Hejing County Industrial Park Garment Co., Ltd. Party Branch"
GARMENT_INDUSTRY = "纺织服装、服饰业"
GARMENT_ADDRESS = "新疆巴州和静县工业园区新希望产业园"
GARMENT_SETTLED_ON = dt.date(2020, 4, 16)
GARMENT_EMPLOYEES = 816
GARMENT_MEMBERS = 38
GARMENT_PROBATIONARY = 3
GARMENT_APPLICANTS = 7
# Where the branch's candidates stand today (DemoBuilder.plan_development). Abibahan applied in
# the first month and was talked to; of the six other applications of that month one still waits
# for the talk due within a month, three were talked to, two were designated activists.
FIRST_MONTH_TRACKS = ("overdue", "talked", "talked", "talked", "activist", "activist")
FIRST_MONTH_STATES = frozenset(FIRST_MONTH_TRACKS)
# Since then: two applications in the last weeks, and an activist and a development target whose
# development began before the branch existed. Besides, the three probationary members, each with
# the development record their status comes from ("probation", "probation_230", "probation_75").
LATER_TRACKS = ("recent", "recent", "early_activist", "target")
POLITICAL_REVIEW = "经审查，该同志政治立场坚定，本人及直系亲属无违法违纪问题，政治审查合格。"
QUALITY_INSPECTORS = 44

# Shares of the garment branch's members admitted in the second half of June and on 1 July.
JUNE_ADMISSIONS = 0.4
JULY_FIRST_ADMISSIONS = 0.1

# The four party groups, one per factory building (the fourth also has the offices).
PARTY_GROUPS = (
    ("1号厂房", "No. 1 Factory Building"),
    ("2号厂房", "No. 2 Factory Building"),
    ("5号厂房", "No. 5 Factory Building"),
    ("6号厂房及管理部门", "No. 6 Factory Building and offices"),
)

# Workshops and teams: (workshop, workshop in English, [(team kind, number)]).
LAYOUT = (
    ("1号厂房", "No. 1 Factory Building", [("cut", 1), ("cut", 2)] + [("sew", n) for n in range(1, 7)]),
    ("2号厂房", "No. 2 Factory Building", [("sew", n) for n in range(7, 13)]),
    ("5号厂房", "No. 5 Factory Building", [("iron", 1), ("iron", 2), ("pack", 1), ("pack", 2)]),
    ("6号厂房", "No. 6 Factory Building", [("sew", n) for n in range(13, 19)] + [("qc", 0), ("sample", 0)]),
)
# Team kind → (name, name in English, the post of its workers).
TEAM_NAMES = {
    "cut": ("裁剪{n}班", "Cutting Team {n}", "裁剪工"),
    "sew": ("缝纫{n}组", "Sewing Team {n}", "缝纫工"),
    "iron": ("熨烫{n}班", "Ironing Team {n}", "熨烫工"),
    "pack": ("包装{n}班", "Packing Team {n}", "包装工"),
    "qc": ("质检班组", "Quality Inspection Team", "质检员"),
    "sample": ("样衣班组", "Sample Making Team", "样衣工"),
}
# Teams of a fixed size; the sewing teams share the rest of the workforce.
FIXED_TEAM_SIZES = {
    "cut1": 24,
    "cut2": 22,
    "iron1": 26,
    "iron2": 24,
    "pack1": 22,
    "pack2": 20,
    "sample0": 12,
    "qc0": QUALITY_INSPECTORS + 1,
}
# The office post of the demo's statistician login, who enters the teams' monthly figures
# (indicators). It takes one of the two purchasing places, so the roster stays 816 and every
# name drawn for the company stays as it was.
STATISTICIAN_POST = "统计员"
OFFICE_POSTS = (
    ("总经理",)
    + ("副总经理",) * 2
    + ("行政经理", "人事经理")
    + ("人事专员",) * 2
    + ("财务经理",)
    + ("会计",) * 2
    + ("出纳",)
    + ("采购专员", STATISTICIAN_POST)
    + ("销售经理",)
    + ("跟单员",) * 3
    + ("仓库管理员",) * 4
    + ("设备维修工",) * 4
    + ("保安",) * 2
    + ("厨师",) * 2
)
# The six applicants of the branch's first month besides Abibahan (who is Uyghur), from across
# the workforce's nationalities.
APPLICANT_ETHNICITIES = (HAN, HAN, KAZAKH, MONGOL, HUI, UYGHUR)


@dataclass(frozen=True)
class Placed:
    """One of the article's people at the garment company, in the first free place with `post`
    in `team` (a team's key, as "sew13"; "" for the offices)."""

    key: str
    name: Name
    team: str
    post: str
    gender: str
    ethnicity: str
    age: int
    education: str
    hired_on: dt.date | None  # None: 12 days before the branch's founding
    member: str = ""
    applicant: bool = False
    track: str = ""
    title: str = ""  # their own post, where it is not the place's


# The article's people, placed in this order.
PLACED = (
    Placed("he", HE_YANPING, "", "行政经理", "F", HAN, 44, Education.COLLEGE, GARMENT_SETTLED_ON, member="full"),
    Placed("hr", HR_MANAGER, "", "人事经理", "F", HAN, 39, Education.BACHELOR, GARMENT_SETTLED_ON),
    Placed(
        "huo",
        HUO_XIUQUAN,
        "qc0",
        "质检员",
        "M",
        HAN,
        47,
        Education.COLLEGE,
        dt.date(2020, 5, 11),
        member="full",
        title="质检工程师",
    ),
    Placed("li", LI_XIAOYAN, "sew13", "班组长", "F", HAN, 36, Education.COLLEGE, None, title="班组长兼技术总监"),
    Placed("member", MEMBER, "sew1", "班组长", "F", UYGHUR, 33, Education.SENIOR, dt.date(2020, 6, 8), member="full"),
    Placed(
        "abibahan",
        ABIBAHAN,
        "sew14",
        "缝纫工",
        "F",
        UYGHUR,
        31,
        Education.JUNIOR,
        dt.date(2021, 3, 15),
        applicant=True,
        track="talked",
    ),
    Placed("husband", ABIBAHAN_HUSBAND, "cut1", "裁剪工", "M", UYGHUR, 34, Education.JUNIOR, dt.date(2021, 3, 15)),
)
