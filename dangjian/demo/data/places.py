"""Where the demo happens: the division codes of Bayingolin prefecture, Hejing and Yanqi counties
and Korla, and the addresses by committee key ("county", "park", "town_hj", "town_bb", "yanqi",
"korla_park", the keys of `Builder.committees`)."""

from __future__ import annotations

from dangjian.demo.names import HAN, HUI, KAZAKH, MONGOL, UYGHUR

PREFECTURE_CODE = "652800"
HEJING_CODE = "652827"
YANQI_CODE = "652826"
KORLA_CODE = "652801"

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
