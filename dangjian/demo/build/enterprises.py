"""The other enterprises: their party organisations (own branch, own committee, a joint branch or
none), units, employees and members, long-tailed in size as most enterprises are small."""

from __future__ import annotations

import datetime as dt
import math

from dangjian.access.models import Role
from dangjian.demo.build.base import Builder, Slot, cn_number
from dangjian.demo.data.enterprises import (
    COMMITTEE_PLANS,
    OFFICE_POSTS,
    PROD,
    SERV,
    TEAM_POSTS,
    EnterpriseSpec,
)
from dangjian.demo.data.places import ADDRESS_ROADS, WHERE_ADDRESS, WHERE_DIVISION
from dangjian.organizations import services as org_services
from dangjian.organizations.models import Enterprise, Organization, OrgKind, Ownership, ProductionUnit, UnitKind


def build_enterprises(b: Builder, specs: tuple[EnterpriseSpec, ...]) -> list[Enterprise]:
    # Joint-branch members are planned per joint branch so that each has 3 or more full members.
    joint_plan: dict[str, list[int]] = {}
    for spec in specs:
        if spec.cover.startswith("joint:"):
            joint_plan.setdefault(spec.cover[6:], []).append(b.rng.choices((0, 1, 2), weights=(3, 4, 3))[0])
    for plan in joint_plan.values():
        while sum(plan) < 3:
            i = plan.index(min(plan))
            plan[i] += 1
    joint_iter = {key: iter(plan) for key, plan in joint_plan.items()}
    created = []
    for spec in specs:
        joint_full = next(joint_iter[spec.cover[6:]]) if spec.cover.startswith("joint:") else 0
        created.append(build_enterprise(b, spec, joint_full))
    for key in joint_plan:
        b.staff_branch(b.joint[key], b.joint_full[key])
    return created


def build_enterprise(b: Builder, spec: EnterpriseSpec, joint_full: int = 0) -> Enterprise:
    rng = b.rng
    supervisor = b.committees[spec.where]
    division = WHERE_DIVISION[spec.where]
    in_park = spec.where in ("park", "korla_park")
    state = spec.ownership in (Ownership.STATE, Ownership.COLLECTIVE)

    # Size and members (long-tailed: most enterprises are small).
    branches: list[tuple[Organization, int]] = []
    party_org: Organization | None = None
    probationary = 0
    if spec.cover == "committee":
        employees, plan = COMMITTEE_PLANS[spec.name]
        committee_founded = b.rand_date(dt.date(2005, 1, 1), dt.date(2012, 12, 31))
        party_org = b.org(
            OrgKind.ENTERPRISE_COMMITTEE,
            f"{spec.name}党委",
            supervisor,
            f"{spec.name_en} Party Committee",
            founded_on=committee_founded,
        )
        for name, name_en, members in plan:
            sub = b.org(
                OrgKind.BRANCH,
                f"{spec.name}{name}",
                party_org,
                f"{spec.name_en} {name_en}",
                founded_on=b.rand_date(committee_founded, dt.date(2015, 12, 31)),
            )
            branches.append((sub, members))
        full = sum(m for *_, m in plan) - len(plan)
        probationary = len(plan)
    elif spec.cover == "own":
        full = rng.choices((3, 4, 5, 6, 7, 8, 9), weights=(22, 22, 18, 14, 10, 8, 6))[0]
        probationary = 1 if rng.random() < 0.35 else 0
        if state:
            employees = rng.randint(22, 40)
        else:
            employees = 10 + int(30 * rng.random() ** 2)
        employees = max(employees, full + probationary + 4)
        party_org = b.org(
            OrgKind.BRANCH,
            f"{spec.name}党支部",
            supervisor,
            f"{spec.name_en} Party Branch",
            founded_on=b.rand_date(dt.date(2010, 1, 1), dt.date(2024, 6, 30)),
        )
        branches.append((party_org, full + probationary))
    elif spec.cover.startswith("joint:"):
        full = joint_full
        employees = 5 + int(11 * rng.random() ** 1.5)
        party_org = b.joint[spec.cover[6:]]
    else:
        full = 0
        employees = 5 + int(16 * rng.random() ** 1.5)

    settled_on = b.rand_date(dt.date(2011, 9, 1), dt.date(2024, 9, 30)) if in_park else None
    ent = org_services.create_enterprise(
        actor=None,
        name=spec.name,
        name_en=spec.name_en,
        uscc=b.codes.uscc(division, legacy=state),
        ownership=spec.ownership,
        industry=spec.industry,
        supervising_org=supervisor,
        party_org=party_org,
        address=WHERE_ADDRESS[spec.where].format(road=rng.choice(ADDRESS_ROADS), n=rng.randint(1, 260)),
        settled_on=settled_on,
    )

    # Units: a workshop (or department) with teams of 8–20 when the enterprise is big enough.
    n_office = 1 + max(1, employees // 10)
    floor = employees - n_office
    teams: list[ProductionUnit] = []
    if employees >= 12:
        n_teams = max(1, math.ceil(floor / 16))
        n_workshops = max(1, math.ceil(n_teams / 4))
        for w in range(1, n_workshops + 1):
            if spec.style == PROD:
                ws_name, ws_en = (
                    ("生产车间", "Production Workshop")
                    if n_workshops == 1
                    else (f"{cn_number(w)}车间", f"Workshop {w}")
                )
            else:
                ws_name, ws_en = (
                    ("运营部", "Operations Department")
                    if n_workshops == 1
                    else (f"运营{cn_number(w)}部", f"Operations Department {w}")
                )
            workshop = b.unit(ent, UnitKind.WORKSHOP, ws_name, ws_en)
            for t in range(len(teams) + 1, min(n_teams, len(teams) + 4) + 1):
                if spec.style == PROD:
                    name, name_en = f"生产{cn_number(t)}班", f"Production Team {t}"
                else:
                    name, name_en = f"服务{cn_number(t)}组", f"Service Team {t}"
                teams.append(b.unit(ent, UnitKind.TEAM, name, name_en, parent=workshop))

    head_post = "党委书记、董事长" if spec.cover == "committee" else ("总经理" if not state else "董事长、总经理")
    slots = [Slot(head_post, kind="office")]
    slots += [Slot(rng.choice(OFFICE_POSTS[spec.style]), kind="office") for _ in range(n_office - 1)]
    for i in range(floor):
        team = teams[i % len(teams)] if teams else None
        leader = teams and i < len(teams)
        slots.append(Slot("班组长" if leader else rng.choice(TEAM_POSTS[spec.style]), team=team))
    member_slots = rng.sample(slots, full + probationary)
    for i, s in enumerate(member_slots):
        s.member = "probationary" if i >= full else "full"
    if spec.cover == "committee" and not slots[0].member:  # the committee secretary is a member
        swap = next(s for s in member_slots if s.member == "full")
        swap.member, slots[0].member = "", "full"
        member_slots[member_slots.index(swap)] = slots[0]

    female_share = 0.6 if spec.style == SERV else 0.35
    hire_after = settled_on or dt.date(2008, 3, 1)
    for s in slots:
        s.person = b.person(
            division=division,
            employer=ent,
            team=s.team,
            post=s.post,
            female_share=female_share,
            age=b.age(25, 56, 38) if s.member else None,
            kind=s.kind,
            hire_after=hire_after,
            league_ok=not s.member,
        )

    # Memberships.
    if spec.cover == "committee":
        order = [slots[0]] + [s for s in member_slots if s is not slots[0]]
        fulls = [s for s in order if s.member == "full"]
        probs = [s for s in order if s.member == "probationary"]
        by_branch: list[list[Slot]] = []
        start = 0
        for _sub, members in branches:
            take = fulls[start : start + members - 1] + probs[len(by_branch) : len(by_branch) + 1]
            start += members - 1
            by_branch.append(take)
        for (sub, _members), group in zip(branches, by_branch, strict=True):
            for s in group:
                b.membership(s.filled, sub, full=s.member == "full")
            b.staff_branch(sub, [s.filled for s in group if s.member == "full"])
        b.role(b.user(slots[0].filled, prefix="secretary"), Role.SECRETARY, organization=party_org)
    elif spec.cover == "own":
        assert party_org is not None  # its own branch, made above
        for s in member_slots:
            b.membership(s.filled, party_org, full=s.member == "full")
        b.staff_branch(party_org, [s.filled for s in member_slots if s.member == "full"])
    elif spec.cover.startswith("joint:"):
        assert party_org is not None  # the joint branch
        for s in member_slots:
            b.membership(s.filled, party_org, full=True)
            b.joint_full[spec.cover[6:]].append(s.filled)
    return ent
