"""The garment company of the source article: its branch and party groups, workshops and teams,
816 employees with the article's people in their places, the members, and the candidates whose
development `build.development` writes."""

from __future__ import annotations

import datetime as dt
import random

from dangjian.access.models import Role
from dangjian.calendar import add_years
from dangjian.demo.build.base import Builder, Slot, cn_number, near_july_first
from dangjian.demo.build.development import build_development, plan_development
from dangjian.demo.data.garment import (
    APPLICANT_ETHNICITIES,
    FIRST_MONTH_TRACKS,
    FIXED_TEAM_SIZES,
    GARMENT_ADDRESS,
    GARMENT_APPLICANTS,
    GARMENT_BRANCH_NAME,
    GARMENT_BRANCH_NAME_EN,
    GARMENT_EMPLOYEES,
    GARMENT_INDUSTRY,
    GARMENT_MEMBERS,
    GARMENT_NAME,
    GARMENT_NAME_EN,
    GARMENT_PROBATIONARY,
    GARMENT_SETTLED_ON,
    LATER_TRACKS,
    LAYOUT,
    OFFICE_POSTS,
    PARTY_GROUPS,
    PLACED,
    TEAM_NAMES,
)
from dangjian.demo.data.places import HEJING_CODE
from dangjian.organizations import services as org_services
from dangjian.organizations.models import OrgKind, Ownership, ProductionUnit, UnitKind
from dangjian.people.models import Person


def build_garment(b: Builder) -> None:
    rng = b.rng
    park = b.committees["park"]
    branch = b.org(
        OrgKind.BRANCH,
        GARMENT_BRANCH_NAME,
        park,
        GARMENT_BRANCH_NAME_EN,
        founded_on=b.founding,
    )
    b.garment_groups = []
    for n, (label, label_en) in enumerate(
        PARTY_GROUPS,
        start=1,
    ):
        b.garment_groups.append(
            b.org(OrgKind.PARTY_GROUP, f"第{cn_number(n)}党小组（{label}）", branch, f"Party Group {n} ({label_en})")
        )
    ent = org_services.create_enterprise(
        actor=None,
        name=GARMENT_NAME,
        name_en=GARMENT_NAME_EN,
        uscc=b.codes.uscc(HEJING_CODE),
        ownership=Ownership.PRIVATE,
        industry=GARMENT_INDUSTRY,
        address=GARMENT_ADDRESS,
        supervising_org=park,
        party_org=branch,
        settled_on=GARMENT_SETTLED_ON,
    )
    b.garment, b.garment_branch = ent, branch
    b.hejing_enterprises.append(ent)

    sewing = [f"sew{n}" for n in range(1, 19)]
    remaining = GARMENT_EMPLOYEES - len(OFFICE_POSTS) - sum(FIXED_TEAM_SIZES.values())
    sizes = dict(FIXED_TEAM_SIZES)
    base, extra = divmod(remaining, len(sewing))
    for i, key in enumerate(sewing):
        sizes[key] = base + (1 if i < extra else 0)
    for _ in range(40):  # spread the sewing teams between 28 and 38 people, keeping the total
        grow, shrink = rng.sample(sewing, 2)
        step = rng.randint(1, 3)
        if sizes[grow] + step <= 38 and sizes[shrink] - step >= 28:
            sizes[grow] += step
            sizes[shrink] -= step

    teams: dict[str, ProductionUnit] = {}
    slots: list[Slot] = [Slot(post, kind="office") for post in OFFICE_POSTS]
    for ws_name, ws_en, team_list in LAYOUT:
        workshop = b.unit(ent, UnitKind.WORKSHOP, ws_name, ws_en)
        for kind, n in team_list:
            cn, en, post = TEAM_NAMES[kind]
            key = f"{kind}{n}"
            team = b.unit(ent, UnitKind.TEAM, cn.format(n=cn_number(n)), en.format(n=n), parent=workshop)
            teams[key] = team
            for i in range(sizes[key]):
                leader = i == 0 and kind != "qc"
                slots.append(Slot("班组长" if leader else post, team=team, key=f"{key}:{'lead' if leader else i}"))
    assert len(slots) == GARMENT_EMPLOYEES

    # The article's people, in their places.
    for placed in PLACED:
        where = teams[placed.team] if placed.team else None
        s = next(s for s in slots if s.team == where and s.post == placed.post and s.name is None)
        s.key, s.name, s.post = placed.key, placed.name, placed.title or s.post
        s.gender, s.ethnicity, s.age, s.education = placed.gender, placed.ethnicity, placed.age, placed.education
        s.member, s.applicant, s.track = placed.member, placed.applicant, placed.track
        s.hire_date = placed.hired_on or b.founding - dt.timedelta(days=12)

    # 38 members: one in every team (the branch's "full coverage of all teams"), three in the
    # offices besides He Yanping, the rest spread over the floor.
    free = [s for s in slots if s.name is None]
    covered = {s.team.pk for s in slots if s.member and s.team is not None}
    for team in teams.values():
        if team.pk in covered:
            continue
        candidates = [s for s in free if s.team == team and not s.member]
        leaders = [s for s in candidates if s.post == "班组长"]
        pick = leaders[0] if leaders and rng.random() < 0.5 else rng.choice(candidates)
        pick.member = "full"
    office_free = [s for s in free if s.kind == "office" and not s.member]
    office_members = rng.sample(office_free, 3)
    for s in office_members:
        s.member = "full"
    floor_free = [s for s in free if s.kind == "worker" and not s.member]
    missing = GARMENT_MEMBERS - sum(1 for s in slots if s.member)
    for s in rng.sample(floor_free, missing):
        s.member = "full"
    floor_members = [s for s in free if s.member and s.kind == "worker"]
    probationary = rng.sample(floor_members, GARMENT_PROBATIONARY)
    for s in probationary:
        s.member = "probationary"
    probationary[0].track = "probation"  # admitted about 11 months ago: conversion falls due
    # The other two were admitted 230 and 75 days ago: their development records came with them,
    # so their conversions are tracked and reminded like the first one's.
    probationary[1].track, probationary[2].track = "probation_230", "probation_75"
    # Six applicants besides Abibahan, all of them in the first month of the branch.
    # Applicants from across the workforce's nationalities (Abibahan is Uyghur).
    for s, eth, track in zip(
        rng.sample([s for s in free if not s.member and s.kind == "worker"], GARMENT_APPLICANTS - 1),
        APPLICANT_ETHNICITIES,
        FIRST_MONTH_TRACKS,
        strict=True,
    ):
        s.applicant, s.ethnicity, s.track = True, eth, track
    # Later candidates: two recent applications, and two developed before the branch existed.
    for s, track in zip(
        rng.sample([s for s in free if not s.member and not s.applicant and s.kind == "worker"], len(LATER_TRACKS)),
        LATER_TRACKS,
        strict=True,
    ):
        s.applicant, s.track = True, track
    assert sum(1 for s in slots if s.member) == GARMENT_MEMBERS
    for s in slots:
        if s.track:
            plan_development(b, s)

    # Now the people.
    founding, settled = b.founding, GARMENT_SETTLED_ON
    for s in slots:
        if s.age is None:
            if s.member:
                s.age = b.age(24, 56, 36)
            elif s.applicant:
                s.age = b.age(21, 45, 28)
            elif s.kind == "office":
                s.age = b.age(23, 55, 36)
            else:
                s.age = b.age(18, 58, 32)
        if s.hire_date is None and s.track and s.dates["applied"] < founding:
            # Hired well before their application, which predates the branch.
            s.hire_date = b.rand_date(settled, s.dates["applied"] - dt.timedelta(days=60))
        if s.hire_date is None:
            if s.member:
                before = founding - dt.timedelta(days=1)
            elif s.applicant:
                before = founding - dt.timedelta(days=7)
            else:
                before = b.today - dt.timedelta(days=7)
            hire_after = settled
            s.hire_date = b.rand_date(max(hire_after, add_years(b.today, 18 - s.age)), before)
        female_share = (
            0.5
            if (s.team is not None and s.team.name.startswith("裁剪"))
            or s.post in ("设备维修工", "保安", "仓库管理员", "总经理")
            else 0.78
        )
        s.person = b.person(
            division=HEJING_CODE,
            employer=ent,
            team=s.team,
            post=s.post,
            name=s.name,
            gender=s.gender,
            ethnicity=s.ethnicity,
            age=s.age,
            education=s.education,
            hire_date=s.hire_date,
            female_share=female_share,
            league_ok=not s.member and not s.applicant,
            kind=s.kind,
        )
        if s.key in {placed.key for placed in PLACED}:
            b.named[s.key] = s.filled

    # Memberships: all transferred in on the founding day, except a probationary member admitted later.
    # Many were admitted just before 1 July, as branches often do: a good share of the members
    # celebrate their political birthday in June (the cohort of the branch's collective political
    # birthday on 28 June, see demo.meetings) or on 1 July. A stream of its own moves those
    # dates, so that every other name and date of the demo stays as it was.
    july = random.Random(b.seed + 701)
    full_members: list[Person] = []
    # Every member but the secretary and Huo Xiuquan belongs to one of the four party groups
    # (the factory buildings), which hold their own monthly meetings.
    groups = iter(b.garment_groups * len(slots))
    for s in slots:
        if s.member == "full":
            admitted_before = founding - dt.timedelta(days=400)
            if s.key == "he":
                admitted = dt.date(s.filled.birth_date.year + 24, 6, 26)
            elif s.key == "huo":
                admitted = dt.date(s.filled.birth_date.year + 25, 12, 20)
            else:  # drawn as b.membership would, then perhaps moved next to 1 July
                lo = add_years(s.filled.birth_date, 19)
                drawn = b.rand_date(min(lo, admitted_before), admitted_before)
                admitted = near_july_first(drawn, lo, admitted_before, july)
            b.membership(
                s.filled,
                branch if s.key in ("he", "huo") else next(groups),
                joined_on=founding,
                admitted_on=admitted,
                admitted_before=admitted_before,
            )
            full_members.append(s.filled)
    # Every probationary member's membership is opened by their admission (step 17) below.

    # Membership development: the seven applications of the branch's first month and the rest
    # of its board, through the development services and their rules.
    build_development(b, branch, [s for s in slots if s.track], full_members)

    # Branch committee: He Yanping (secretary), Huo Xiuquan and two office members.
    he_user = b.user(b.named["he"], "heyanping", password=b.password)
    b.role(he_user, Role.SECRETARY, organization=branch)
    huo_user = b.user(b.named["huo"], "huoxiuquan", password=b.password)
    b.role(huo_user, Role.COMMITTEE_MEMBER, organization=branch)
    for s in office_members[:2]:
        b.role(b.user(s.filled, prefix="committee"), Role.COMMITTEE_MEMBER, organization=branch)
