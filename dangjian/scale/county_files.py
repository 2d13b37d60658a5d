"""A county's set-up files as its own staff would write them, not as Dangjian's templates do: a
title line above each header, the headers in the words county offices use (企业名称, 统一社会信用代码,
企业性质, 上级党组织 …, never our labels), the organisation tree's rows in no particular order and
without codes, dates as Excel dates. What the onboarding browser test and `bench_onboard` import
through the pages and the pipeline (docs/onboarding.md).

The shape follows the article's county (seed/000): one large garment company (up to 816
employees, a branch with party groups), enterprises with a branch of their own under one of two
park committees, the smaller ones sharing joint branches; an instructor for every enterprise,
a secretary for every branch, a manager for every enterprise, two people in the organisation
department."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from dangjian.demo.codes import CodeFactory
from dangjian.sheets import Col, Workbook

INDUSTRIES = ["纺织服装", "农产品加工", "建材", "机械制造", "电子装配", "物流", "食品", "新能源"]
OWNERSHIPS = ["民营", "民营", "民营", "民营", "国有", "集体", "外商投资", "混合所有制"]
WORDS = ["天山", "开都河", "巴音", "金沙", "雪莲", "胡杨", "丝路", "昆仑", "博斯腾", "东归", "和泰", "瑞丰"]
KINDS = ["有限公司", "实业有限公司", "科技有限公司", "制品厂", "股份有限公司"]
ETHNIC = ["汉族", "维吾尔族", "蒙古族", "回族", "哈萨克族"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "马", "艾", "买", "阿", "巴"]
GIVEN = ["建国", "丽", "古丽", "娜", "强", "军", "芳", "热依拉", "伟", "敏", "涛", "静"]


@dataclass
class Enterprise:
    name: str
    uscc: str
    park: str
    branch: str = ""  # the party organisation covering it
    teams: list[tuple[str, str]] = field(default_factory=list)  # (workshop, team)
    people: list[Person] = field(default_factory=list)


@dataclass
class Person:
    name: str
    id_number: str
    gender: str
    ethnicity: str
    birth: dt.date
    phone: str
    workshop: str
    team: str
    member_since: dt.date | None = None  # admitted to the Party
    branch: str = ""


@dataclass
class CountyFiles:
    county: str
    division: str
    parks: list[str]
    enterprises: list[Enterprise]
    branches: dict[str, list[str]]  # branch name → the enterprises it covers
    groups: dict[str, str]  # party group name → its branch
    tree: bytes = b""
    enterprise_file: bytes = b""
    roles: bytes = b""
    role_rows: int = 0
    employees: dict[str, bytes] = field(default_factory=dict)  # enterprise name → its roster
    members: dict[str, bytes] = field(default_factory=dict)  # branch name → its member roster

    @property
    def people(self) -> int:
        return sum(len(e.people) for e in self.enterprises)

    @property
    def party_members(self) -> int:
        return sum(1 for e in self.enterprises for p in e.people if p.member_since)

    @property
    def teams(self) -> int:
        return sum(len(e.teams) for e in self.enterprises)

    @property
    def organisations(self) -> int:
        return len(self.parks) + len(self.branches) + len(self.groups)


def county_files(
    *, county: str = "和静县委", division: str = "652827", enterprises: int = 68, people: int = 2400, seed: int = 68
) -> CountyFiles:
    """The files of a county of `enterprises` enterprises and about `people` employees (every
    enterprise has at least three)."""
    rng = random.Random(seed)
    codes = CodeFactory(rng)
    place = county.removesuffix("委").removesuffix("县").removesuffix("市")
    parks = [f"{place}工业园区党委", f"{place}镇党委"]
    ents: list[Enterprise] = []
    names: set[str] = set()
    while len(ents) < enterprises:
        name = "新疆" + rng.choice(WORDS) + rng.choice(INDUSTRIES) + rng.choice(KINDS)
        if len(ents) == 0:
            name = f"{place}天山纺织服装有限公司"
        if name in names:
            name = name.replace("有限公司", f"第{len(ents)}有限公司")
        if name in names:
            continue
        names.add(name)
        ents.append(Enterprise(name, codes.uscc(division), parks[0] if len(ents) % 3 else parks[1]))
    # People: the garment company takes up to 816, the others share the rest unevenly.
    big = min(816, max(3, people // 3)) if enterprises > 1 else people
    rest = max(people - big, 3 * (enterprises - 1))
    weights = [rng.random() + 0.2 for _ in range(enterprises - 1)]
    sizes = [big] + [max(3, round(rest * w / sum(weights))) for w in weights]
    for ent, size in zip(ents, sizes, strict=True):
        workshops = [f"{w}车间" for w in ("裁剪", "缝制", "包装")[: 1 + min(2, size // 40)]]
        ent.teams = [(w, f"{t}组") for w in workshops for t in "一二三四"[: 2 + min(2, size // 100)]]
        for i in range(size):
            gender = rng.choice("MF")
            birth = dt.date(1968, 1, 1) + dt.timedelta(days=rng.randint(0, 12000))
            workshop, team = ent.teams[i % len(ent.teams)]
            ent.people.append(
                Person(
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN) + f"{len(ent.people) % 100:02d}",
                    id_number=codes.id_number(division, birth, gender),
                    gender=gender,
                    ethnicity=rng.choice(ETHNIC),
                    birth=birth,
                    phone=codes.phone(),
                    workshop=workshop,
                    team=team,
                )
            )
    # Branches: the larger enterprises (the first 55 %) one each, the rest joint branches of three.
    own = max(1, round(enterprises * 0.55))
    branches: dict[str, list[str]] = {}
    for ent in ents[:own]:
        ent.branch = ent.name + "党支部"
        branches[ent.branch] = [ent.name]
    for start in range(own, enterprises, 3):
        name = f"{place}非公企业第{(start - own) // 3 + 1}联合党支部"
        for ent in ents[start : start + 3]:
            ent.branch = name
        branches[name] = [e.name for e in ents[start : start + 3]]
    groups = {f"{ents[0].name}第{i}党小组": ents[0].branch for i in (1, 2, 3)}
    # Members: 38 in the garment company (or a twentieth), 5 % elsewhere, three at least a branch.
    for ent in ents:
        share = 38 if ent is ents[0] and len(ent.people) >= 380 else max(1, len(ent.people) // 20)
        for p in ent.people[:share]:
            p.member_since, p.branch = _admitted(p, rng), ent.branch
    for branch, covered in branches.items():
        members = [p for e in ents if e.name in covered for p in e.people if p.member_since]
        spare = (p for e in ents if e.name in covered for p in e.people if not p.member_since)
        for _i in range(3 - len(members)):
            p = next(spare)
            p.member_since, p.branch = _admitted(p, rng), branch
    files = CountyFiles(county, division, parks, ents, branches, groups)
    files.tree = _tree(files, rng)
    files.enterprise_file = _enterprises(files, rng)
    files.employees = {e.name: _employees(e) for e in ents}
    files.members = {b: _members(files, b) for b in branches}
    files.roles, files.role_rows = _roles(files, codes, rng)
    return files


def _admitted(p: Person, rng: random.Random) -> dt.date:
    """A day after their 19th birthday and at least a year and a half ago (converted since)."""
    earliest = dt.date(p.birth.year + 19, p.birth.month, 1)
    latest = dt.date(2025, 1, 1)
    return earliest + dt.timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))


def _book(title: str, headers: list[str], rows: list[list[object]], *, text: set[int] | None = None) -> Workbook:
    book = Workbook()
    text = text or set()
    book.table(title[:31], [Col(h, 16, text=i in text) for i, h in enumerate(headers)], rows, title=title)
    return book


def _tree(files: CountyFiles, rng: random.Random) -> bytes:
    rows: list[list[object]] = [[p, "园区党委", files.county, dt.date(2012, 3, 1), ""] for p in files.parks]
    for branch, covered in files.branches.items():
        park = next(e.park for e in files.enterprises if e.name == covered[0])
        kind = "联合党支部" if len(covered) > 1 else "党支部"
        rows.append(
            [branch, kind, park, dt.date(2015, 6, 1) + dt.timedelta(days=rng.randint(0, 3000)), "、".join(covered)]
        )
    rows += [[g, "党小组", b, dt.date(2020, 7, 1), ""] for g, b in files.groups.items()]
    rng.shuffle(rows)  # children before their parents: the file is read as a whole
    numbered = [[i, *row] for i, row in enumerate(rows, start=1)]
    headers = ["序号", "党组织名称", "组织类别", "上级党组织", "成立时间", "覆盖企业"]
    return _book(f"{files.county}非公企业党组织设置情况", headers, numbered).close()


def _enterprises(files: CountyFiles, rng: random.Random) -> bytes:
    book = Workbook()
    headers = ["企业名称", "统一社会信用代码", "企业性质", "所属行业", "企业地址", "入驻时间", "主管党委", "所在党组织"]
    rows = [
        [
            e.name,
            e.uscc,
            rng.choice(OWNERSHIPS),
            rng.choice(INDUSTRIES),
            f"{files.county.removesuffix('委')}{rng.choice(WORDS)}路{rng.randint(1, 300)}号",
            dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 3000)),
            e.park,
            e.branch,
        ]
        for e in files.enterprises
    ]
    book.table("企业名录", [Col(h, 18, text=i == 1) for i, h in enumerate(headers)], rows, title="入驻企业名录")
    units = [[e.name, w, t] for e in files.enterprises for w, t in e.teams]
    book.table("车间班组", [Col(h, 18) for h in ("企业名称", "车间", "班组")], units)
    return book.close()


def _employees(ent: Enterprise) -> bytes:
    headers = ["姓名", "性别", "民族", "身份证号码", "出生日期", "手机号码", "车间", "班组", "政治面貌"]
    rows: list[list[object]] = [
        [
            p.name,
            "男" if p.gender == "M" else "女",
            p.ethnicity,
            p.id_number,
            p.birth,
            p.phone,
            p.workshop,
            p.team,
            "中共党员" if p.member_since else "群众",
        ]
        for p in ent.people
    ]
    return _book(f"{ent.name}职工花名册", headers, rows, text={3, 5}).close()


def _members(files: CountyFiles, branch: str) -> bytes:
    headers = ["姓名", "民族", "身份证号码", "入党时间", "转正时间", "工作单位"]
    rows: list[list[object]] = [
        [p.name, p.ethnicity, p.id_number, p.member_since, p.member_since + dt.timedelta(days=366), e.name]
        for e in files.enterprises
        for p in e.people
        if p.branch == branch and p.member_since
    ]
    return _book(f"{branch}党员名册", headers, rows, text={2}).close()


def _roles(files: CountyFiles, codes: CodeFactory, rng: random.Random) -> tuple[bytes, int]:
    headers = ["姓名", "身份证号码", "民族", "职务", "党组织", "企业", "任职时间"]
    rows: list[list[object]] = []
    start = dt.date(2024, 3, 1)
    for i in range(2):  # the county's organisation department: county cadres, on no roster
        birth = dt.date(1980 + i, 5, 4)
        rows.append(
            [
                f"组织部干部{i + 1}",
                codes.id_number(files.division, birth, "F"),
                "汉族",
                "组织部",
                files.county,
                "",
                start,
            ]
        )
    for e in files.enterprises:
        birth = dt.date(1975, 1, 1) + dt.timedelta(days=rng.randint(0, 7000))
        instructor = f"指导员{rng.choice(SURNAMES)}{len(rows):03d}"
        gender = rng.choice("MF")
        rows.append(
            [instructor, codes.id_number(files.division, birth, gender), "汉族", "党建指导员", "", e.name, start]
        )
        manager = next(p for p in e.people if not p.member_since)
        rows.append([manager.name, manager.id_number, manager.ethnicity, "企业负责人", "", e.name, start])
    for branch in files.branches:
        secretary = next(p for e in files.enterprises for p in e.people if p.branch == branch and p.member_since)
        rows.append([secretary.name, secretary.id_number, secretary.ethnicity, "党支部书记", branch, "", start])
    return _book("党建工作人员名单", headers, rows, text={1}).close(), len(rows)
