"""The party tree: the prefecture, the three counties, the park and town committees, the joint
branches; and the county cadres — Liu Hong and the instructors with their organs' branches."""

from __future__ import annotations

import datetime as dt

from dangjian.demo.build.base import Builder
from dangjian.demo.data.enterprises import HEJING_ENTERPRISES, JOINT_BRANCHES, ORGAN_BRANCHES
from dangjian.demo.data.people import COUNTY_CADRES
from dangjian.demo.data.places import COMMITTEES, HEJING_CODE
from dangjian.demo.names import HAN
from dangjian.organizations.models import OrgKind


def build_tree(b: Builder) -> None:
    for key, c in COMMITTEES.items():
        parent = b.committees[c.parent] if c.parent else None
        b.committees[key] = b.org(c.kind, c.name, parent, c.name_en, code=c.code, founded_on=c.founded_on)
    for key, (name, name_en, parent_key) in JOINT_BRANCHES.items():
        b.joint[key] = b.org(
            OrgKind.JOINT_BRANCH,
            name,
            b.committees[parent_key],
            name_en,
            founded_on=b.rand_date(dt.date(2016, 3, 1), dt.date(2021, 6, 30)),
        )
        b.joint_full[key] = []


def build_cadres(b: Builder) -> None:
    county = b.committees["county"]
    b.organ_branches = organ_branches = [
        b.org(
            OrgKind.BRANCH,
            name,
            county,
            name_en,
            founded_on=b.rand_date(dt.date(1990, 1, 1), dt.date(2005, 12, 31)),
        )
        for _dept, name, name_en in ORGAN_BRANCHES
    ]
    cadres = []
    for name, gender, age, education, post, (years, month, day) in COUNTY_CADRES:
        person = b.person(
            division=HEJING_CODE, name=name, gender=gender, ethnicity=HAN, age=age, education=education, post=post
        )
        b.membership(person, organ_branches[0], admitted_on=dt.date(person.birth_date.year + years, month, day))
        cadres.append(person)
    liu, wang = cadres
    b.named["liu_hong"] = liu
    b.instructors = [wang]
    for i in range(1, HEJING_ENTERPRISES):
        branch_index = min(i * len(ORGAN_BRANCHES) // HEJING_ENTERPRISES, len(ORGAN_BRANCHES) - 1)
        dept = ORGAN_BRANCHES[branch_index][0]
        cadre = b.person(
            division=HEJING_CODE,
            age=b.age(27, 57, 40),
            female_share=0.4,
            kind="cadre",
            league_ok=False,
            post=f"{dept}干部、党建指导员",
        )
        b.membership(cadre, organ_branches[branch_index])
        b.instructors.append(cadre)
