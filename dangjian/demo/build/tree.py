"""The party tree: the prefecture, the three counties, the park and town committees, the joint
branches; and the county cadres — Liu Hong and the instructors with their organs' branches."""

from __future__ import annotations

import datetime as dt

from dangjian.demo.build.base import Builder
from dangjian.demo.data.enterprises import HEJING_ENTERPRISES, JOINT_BRANCHES, ORGAN_BRANCHES
from dangjian.demo.data.people import INSTRUCTOR, LIU_HONG
from dangjian.demo.data.places import HEJING_CODE, KORLA_CODE, PREFECTURE_CODE, YANQI_CODE
from dangjian.demo.names import HAN
from dangjian.organizations.models import OrgKind
from dangjian.people.choices import Education


def build_tree(b: Builder) -> None:
    pref = b.org(
        OrgKind.PREFECTURE_COMMITTEE,
        "巴音郭楞蒙古自治州委",
        None,
        "Bayingolin Prefecture Committee",
        code=PREFECTURE_CODE,
    )
    county = b.org(OrgKind.COUNTY_COMMITTEE, "中共和静县委员会", pref, "Hejing County Committee", code=HEJING_CODE)
    park = b.org(
        OrgKind.PARK_COMMITTEE,
        "和静县工业园区党委",
        county,
        "Hejing County Industrial Park Committee",
        founded_on=dt.date(2011, 6, 28),
    )
    town_hj = b.org(OrgKind.PARK_COMMITTEE, "和静镇党委", county, "Hejing Town Committee")
    town_bb = b.org(OrgKind.PARK_COMMITTEE, "巴音布鲁克镇党委", county, "Bayinbuluk Town Committee")
    yanqi = b.org(
        OrgKind.COUNTY_COMMITTEE,
        "中共焉耆回族自治县委员会",
        pref,
        "Yanqi Hui Autonomous County Committee",
        code=YANQI_CODE,
    )
    korla = b.org(OrgKind.COUNTY_COMMITTEE, "中共库尔勒市委员会", pref, "Korla City Committee", code=KORLA_CODE)
    korla_park = b.org(
        OrgKind.PARK_COMMITTEE,
        "库尔勒经济技术开发区党工委",
        korla,
        "Korla Economic and Technological Development Zone Committee",
        founded_on=dt.date(2011, 3, 1),
    )
    b.committees = {
        "prefecture": pref,
        "county": county,
        "park": park,
        "town_hj": town_hj,
        "town_bb": town_bb,
        "yanqi": yanqi,
        "korla": korla,
        "korla_park": korla_park,
    }
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
    liu = b.person(
        division=HEJING_CODE,
        name=LIU_HONG,
        gender="F",
        ethnicity=HAN,
        age=52,
        education=Education.MASTER,
        post="县委常委、组织部部长",
    )
    b.membership(liu, organ_branches[0], admitted_on=dt.date(liu.birth_date.year + 22, 6, 18))
    b.named["liu_hong"] = liu
    wang = b.person(
        division=HEJING_CODE,
        name=INSTRUCTOR,
        gender="M",
        ethnicity=HAN,
        age=41,
        education=Education.BACHELOR,
        post="县委组织部组织科科长、党建指导员",
    )
    b.membership(wang, organ_branches[0], admitted_on=dt.date(wang.birth_date.year + 21, 11, 8))
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
