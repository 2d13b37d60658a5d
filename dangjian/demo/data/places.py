"""Where the demo happens: the division codes of Bayingolin prefecture, Hejing and Yanqi counties
and Korla, and the addresses by committee key ("county", "park", "town_hj", "town_bb", "yanqi",
"korla_park", the keys of `Builder.committees`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangjian.demo.names import HAN, HUI, KAZAKH, MONGOL, UYGHUR
from dangjian.organizations.models import OrgKind

PREFECTURE_CODE = "652800"
HEJING_CODE = "652827"
YANQI_CODE = "652826"
KORLA_CODE = "652801"


@dataclass(frozen=True)
class Committee:
    kind: str
    name: str
    name_en: str
    parent: str | None = None  # the key of the committee above
    code: str = ""  # the division's code (the prefecture and the counties)
    founded_on: dt.date | None = None


# The committees above the branches, each after the one above it: key → committee.
COMMITTEES = {
    "prefecture": Committee(
        OrgKind.PREFECTURE_COMMITTEE, "巴音郭楞蒙古自治州委", "Bayingolin Prefecture Committee", code=PREFECTURE_CODE
    ),
    "county": Committee(
        OrgKind.COUNTY_COMMITTEE, "中共和静县委员会", "Hejing County Committee", "prefecture", code=HEJING_CODE
    ),
    "park": Committee(
        OrgKind.PARK_COMMITTEE,
        "和静县工业园区党委",
        "Hejing County Industrial Park Committee",
        "county",
        founded_on=dt.date(2011, 6, 28),
    ),
    "town_hj": Committee(OrgKind.PARK_COMMITTEE, "和静镇党委", "Hejing Town Committee", "county"),
    "town_bb": Committee(OrgKind.PARK_COMMITTEE, "巴音布鲁克镇党委", "Bayinbuluk Town Committee", "county"),
    "yanqi": Committee(
        OrgKind.COUNTY_COMMITTEE,
        "中共焉耆回族自治县委员会",
        "Yanqi Hui Autonomous County Committee",
        "prefecture",
        code=YANQI_CODE,
    ),
    "korla": Committee(
        OrgKind.COUNTY_COMMITTEE, "中共库尔勒市委员会", "Korla City Committee", "prefecture", code=KORLA_CODE
    ),
    "korla_park": Committee(
        OrgKind.PARK_COMMITTEE,
        "库尔勒经济技术开发区党工委",
        "Korla Economic and Technological Development Zone Committee",
        "korla",
        founded_on=dt.date(2011, 3, 1),
    ),
}

ADDRESS_ROADS = ("天山路", "开都河路", "东归大道", "团结路", "和谐路", "创业路", "兴业路", "建设路", "巴音路", "友好路")
WHERE_ADDRESS = {
    "county": "新疆巴州和静县和静镇{road}{n}号",
    "park": "新疆巴州和静县工业园区{road}{n}号",
    "town_hj": "新疆巴州和静县和静镇{road}{n}号",
    "town_bb": "新疆巴州和静县巴音布鲁克镇{road}{n}号",
    "yanqi": "新疆巴州焉耆回族自治县{road}{n}号",
    "korla_park": "新疆巴州库尔勒经济技术开发区{road}{n}号",
}
WHERE_DIVISION = {
    "county": HEJING_CODE,
    "park": HEJING_CODE,
    "town_hj": HEJING_CODE,
    "town_bb": HEJING_CODE,
    "yanqi": YANQI_CODE,
    "korla_park": KORLA_CODE,
}
# Yanqi is a Hui autonomous county: more Hui and fewer Kazakh names there.
ETHNICITY_BY_DIVISION = {
    YANQI_CODE: ((HAN, 45), (HUI, 25), (UYGHUR, 20), (MONGOL, 6), (KAZAKH, 4)),
}
