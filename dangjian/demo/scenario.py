"""The demo scenario (DOMAIN.md §6): Bayingolin → Hejing county → the industrial park and the
garment company of the source article, with 68 enterprises in Hejing and two more counties for
breadth.

Everything is written through the real services (organizations, people, access) with actor=None,
so every row has its audit event and every person their blind index; the caller wraps the build
in `audit_source("command")` and one transaction. Randomness comes from a seeded generator, and
dates are placed relative to `today` so deadlines and reminders are live when the demo is opened.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from django.db.models import Q

from dangjian.access import services as access_services
from dangjian.access.models import Role, User
from dangjian.choices import PoliticalStatus
from dangjian.development import rules as development_rules
from dangjian.development import services as development
from dangjian.organizations import services as org_services
from dangjian.organizations.models import Enterprise, Organization, OrgKind, Ownership, ProductionUnit, UnitKind
from dangjian.people import services as people_services
from dangjian.people.choices import Education
from dangjian.people.models import Membership, Person
from dangjian.people.rules import age_on

from . import meetings
from .codes import CodeFactory
from .names import HAN, HUI, KAZAKH, MONGOL, UYGHUR, Name, NamePool

SEED = 20200504
DEMO_PASSWORD = "demo12345"

PREFECTURE_CODE = "652800"
HEJING_CODE = "652827"
YANQI_CODE = "652826"
KORLA_CODE = "652801"

GARMENT_NAME = "和静县工业园区服装有限公司"
GARMENT_NAME_EN = "Hejing County Industrial Park Garment Co., Ltd."
GARMENT_BRANCH_NAME = "和静县工业园区服装有限公司党支部"
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
# development began before the branch existed. Besides, one probationary member ("probation").
LATER_TRACKS = ("recent", "recent", "early_activist", "target")
POLITICAL_REVIEW = "经审查，该同志政治立场坚定，本人及直系亲属无违法违纪问题，政治审查合格。"
QUALITY_INSPECTORS = 44
HEJING_ENTERPRISES = 68

# The people of the article, and the fixed people behind the demo logins.
HE_YANPING = Name("何艳萍", "He Yanping")
HUO_XIUQUAN = Name("霍秀全", "Huo Xiuquan")
LI_XIAOYAN = Name("李晓燕", "Li Xiaoyan")
ABIBAHAN = Name("阿比巴汗·买提沙力", "Abibahan Metisali")
ABIBAHAN_HUSBAND = Name("艾尔肯·买买提", "Erkin Memet")
LIU_HONG = Name("刘红", "Liu Hong")
HR_MANAGER = Name("张丽娟", "Zhang Lijuan")
MEMBER = Name("阿依古丽·吐尔逊", "Aygul Tursun")
INSTRUCTOR = Name("王志刚", "Wang Zhigang")
RESERVED_NAMES = frozenset(
    n.name
    for n in (HE_YANPING, HUO_XIUQUAN, LI_XIAOYAN, ABIBAHAN, ABIBAHAN_HUSBAND, LIU_HONG, HR_MANAGER, MEMBER, INSTRUCTOR)
)


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    who: str


# The demo logins, all with DEMO_PASSWORD (printed by the command as a plain table).
LOGINS: tuple[Login, ...] = (
    Login(
        "County organisation department",
        "liuhong",
        "刘红 Liu Hong, Hejing county Standing Committee, head of the Organisation Dept.",
    ),
    Login(
        "Prefecture organisation department", "bazhou", "巴州党委组织部, Bayingolin Prefecture Organisation Department"
    ),
    Login(
        "Party-building instructor",
        "instructor",
        "王志刚 Wang Zhigang, county cadre, instructor of the garment company",
    ),
    Login("Branch secretary", "heyanping", "何艳萍 He Yanping, secretary of the garment company's party branch"),
    Login("Branch committee member", "huoxiuquan", "霍秀全 Huo Xiuquan, inspection engineer, No. 6 factory building"),
    Login("Enterprise manager (HR)", "hr", "张丽娟 Zhang Lijuan, HR manager of the garment company"),
    Login("Party member", "member", "阿依古丽·吐尔逊 Aygul Tursun, sewing team leader, full member"),
    Login("Employee", "abibahan", "阿比巴汗·买提沙力 Abibahan Metisali, sewing worker, applied to join"),
    Login("Administrator", "admin", "Django admin superuser"),
)
DEMO_USERNAMES = tuple(login.username for login in LOGINS)


# --- enterprises ------------------------------------------------------------------------------

S, C, P, F, H, M = (
    Ownership.STATE,
    Ownership.COLLECTIVE,
    Ownership.PRIVATE,
    Ownership.FOREIGN,
    Ownership.HMT,
    Ownership.MIXED,
)
PROD, SERV = "production", "service"


@dataclass(frozen=True)
class EnterpriseSpec:
    name: str
    name_en: str
    industry: str
    ownership: str
    # Where it sits: a key of DemoBuilder.committees ("county", "park", "town_hj", "town_bb", "yanqi", "korla_park").
    where: str
    # "own" branch, "committee" (own 党委 with branches), "joint:<key>" (a joint branch) or "none".
    cover: str
    style: str = PROD


# fmt: off
HEJING_SPECS: tuple[EnterpriseSpec, ...] = (
    # Directly under the county committee.
    EnterpriseSpec("和静县国有资产投资经营集团有限公司", "Hejing County State-owned Assets Investment and Operation Group Co., Ltd.", "商务服务业", S, "county", "committee", SERV),
    EnterpriseSpec("和静县矿业开发有限责任公司", "Hejing County Mining Development Co., Ltd.", "黑色金属矿采选业", S, "county", "committee"),
    EnterpriseSpec("和静县水务有限责任公司", "Hejing County Water Supply Co., Ltd.", "水的生产和供应业", S, "county", "own"),
    EnterpriseSpec("和静县公共交通有限公司", "Hejing County Public Transport Co., Ltd.", "道路运输业", S, "county", "own", SERV),
    EnterpriseSpec("和静县粮食收储有限公司", "Hejing County Grain Storage Co., Ltd.", "仓储业", S, "county", "own"),
    EnterpriseSpec("和静县巴音布鲁克旅游开发有限公司", "Hejing County Bayinbuluk Tourism Development Co., Ltd.", "旅游业", S, "county", "own", SERV),
    EnterpriseSpec("和静县天山新能源有限公司", "Hejing County Tianshan New Energy Co., Ltd.", "电力、热力生产和供应业", M, "county", "own"),
    # The industrial park (the garment company is built separately).
    EnterpriseSpec("和静县工业园区建设投资有限公司", "Hejing County Industrial Park Construction and Investment Co., Ltd.", "商务服务业", S, "park", "own", SERV),
    EnterpriseSpec("和静县热力有限责任公司", "Hejing County Heating Co., Ltd.", "电力、热力生产和供应业", S, "park", "own"),
    EnterpriseSpec("和静县开都河生物科技有限公司", "Hejing County Kaidu River Biotechnology Co., Ltd.", "医药制造业", M, "park", "own"),
    EnterpriseSpec("和静县东归番茄制品有限公司", "Hejing County Donggui Tomato Products Co., Ltd.", "农副食品加工业", M, "park", "own"),
    EnterpriseSpec("和静县丝路纺织有限公司", "Hejing County Silk Road Textile Co., Ltd.", "纺织业", F, "park", "own"),
    EnterpriseSpec("和静县雪域食品有限公司", "Hejing County Xueyu Food Co., Ltd.", "食品制造业", P, "park", "own"),
    EnterpriseSpec("和静县金盛建材有限公司", "Hejing County Jinsheng Building Materials Co., Ltd.", "非金属矿物制品业", P, "park", "own"),
    EnterpriseSpec("和静县恒泰钢结构有限公司", "Hejing County Hengtai Steel Structure Co., Ltd.", "金属制品业", P, "park", "own"),
    EnterpriseSpec("和静县瑞丰辣椒制品有限公司", "Hejing County Ruifeng Chili Products Co., Ltd.", "农副食品加工业", P, "park", "own"),
    EnterpriseSpec("和静县鑫源物流有限公司", "Hejing County Xinyuan Logistics Co., Ltd.", "道路运输业", P, "park", "own", SERV),
    EnterpriseSpec("和静县博源电子科技有限公司", "Hejing County Boyuan Electronic Technology Co., Ltd.", "计算机、通信和其他电子设备制造业", P, "park", "own"),
    EnterpriseSpec("和静县宏达机械制造有限公司", "Hejing County Hongda Machinery Manufacturing Co., Ltd.", "通用设备制造业", P, "park", "own"),
    EnterpriseSpec("和静县众和纺织有限公司", "Hejing County Zhonghe Textile Co., Ltd.", "纺织业", P, "park", "own"),
    EnterpriseSpec("和静县草原牧歌乳业有限公司", "Hejing County Caoyuan Muge Dairy Co., Ltd.", "食品制造业", P, "park", "own"),
    EnterpriseSpec("和静县嘉禾农业科技有限公司", "Hejing County Jiahe Agricultural Technology Co., Ltd.", "农业", P, "park", "own"),
    EnterpriseSpec("和静县安泰新型墙材有限公司", "Hejing County Antai New Wall Materials Co., Ltd.", "非金属矿物制品业", P, "park", "own"),
    EnterpriseSpec("和静县晟达汽车修理有限公司", "Hejing County Shengda Automobile Repair Co., Ltd.", "机动车、电子产品和日用产品修理业", P, "park", "own", SERV),
    EnterpriseSpec("和静县远航包装有限公司", "Hejing County Yuanhang Packaging Co., Ltd.", "造纸和纸制品业", P, "park", "joint:park1"),
    EnterpriseSpec("和静县吉祥鞋业有限公司", "Hejing County Jixiang Footwear Co., Ltd.", "皮革、毛皮、羽毛及其制品和制鞋业", P, "park", "joint:park1"),
    EnterpriseSpec("和静县华兴服饰有限公司", "Hejing County Huaxing Apparel Co., Ltd.", "纺织服装、服饰业", P, "park", "joint:park1"),
    EnterpriseSpec("和静县绿源有机肥有限公司", "Hejing County Lvyuan Organic Fertiliser Co., Ltd.", "化学原料和化学制品制造业", P, "park", "joint:park1"),
    EnterpriseSpec("和静县丰收农机服务有限公司", "Hejing County Fengshou Agricultural Machinery Services Co., Ltd.", "农、林、牧、渔专业及辅助性活动", P, "park", "joint:park1", SERV),
    EnterpriseSpec("和静县金禾粮油加工有限公司", "Hejing County Jinhe Grain and Oil Processing Co., Ltd.", "农副食品加工业", P, "park", "joint:park1"),
    EnterpriseSpec("和静县新宇塑料制品有限公司", "Hejing County Xinyu Plastic Products Co., Ltd.", "橡胶和塑料制品业", F, "park", "joint:park1"),
    EnterpriseSpec("和静县天成印务有限公司", "Hejing County Tiancheng Printing Co., Ltd.", "印刷和记录媒介复制业", P, "park", "joint:park2"),
    EnterpriseSpec("和静县雪莲家具有限公司", "Hejing County Xuelian Furniture Co., Ltd.", "家具制造业", P, "park", "joint:park2"),
    EnterpriseSpec("和静县鸿运木业有限公司", "Hejing County Hongyun Wood Products Co., Ltd.", "木材加工和木、竹、藤、棕、草制品业", P, "park", "joint:park2"),
    EnterpriseSpec("和静县永信电缆有限公司", "Hejing County Yongxin Cable Co., Ltd.", "电气机械和器材制造业", H, "park", "joint:park2"),
    EnterpriseSpec("和静县百川水处理设备有限公司", "Hejing County Baichuan Water Treatment Equipment Co., Ltd.", "专用设备制造业", P, "park", "joint:park2"),
    EnterpriseSpec("和静县明远光伏科技有限公司", "Hejing County Mingyuan Photovoltaic Technology Co., Ltd.", "电气机械和器材制造业", P, "park", "none"),
    EnterpriseSpec("和静县通达货运代理有限公司", "Hejing County Tongda Freight Forwarding Co., Ltd.", "装卸搬运和运输代理业", P, "park", "none", SERV),
    EnterpriseSpec("和静县美佳工艺品有限公司", "Hejing County Meijia Handicrafts Co., Ltd.", "工艺美术及礼仪用品制造", P, "park", "none"),
    EnterpriseSpec("和静县新丝路电子商务有限公司", "Hejing County New Silk Road E-commerce Co., Ltd.", "互联网和相关服务", P, "park", "none", SERV),
    EnterpriseSpec("和静县润丰饲料有限公司", "Hejing County Runfeng Feed Co., Ltd.", "农副食品加工业", P, "park", "none"),
    EnterpriseSpec("和静县恒信门窗有限公司", "Hejing County Hengxin Doors and Windows Co., Ltd.", "金属制品业", P, "park", "none"),
    # Hejing town.
    EnterpriseSpec("和静县供销商贸有限公司", "Hejing County Supply and Marketing Trading Co., Ltd.", "批发业", C, "town_hj", "own", SERV),
    EnterpriseSpec("和静县建筑安装工程有限公司", "Hejing County Construction and Installation Engineering Co., Ltd.", "建筑安装业", C, "town_hj", "own"),
    EnterpriseSpec("和静县东归大酒店有限公司", "Hejing County Donggui Hotel Co., Ltd.", "住宿业", P, "town_hj", "own", SERV),
    EnterpriseSpec("和静县开都河餐饮管理有限公司", "Hejing County Kaidu River Catering Management Co., Ltd.", "餐饮业", P, "town_hj", "own", SERV),
    EnterpriseSpec("和静县天山驾驶员培训有限公司", "Hejing County Tianshan Driver Training Co., Ltd.", "教育", P, "town_hj", "own", SERV),
    EnterpriseSpec("和静县康宁医药连锁有限公司", "Hejing County Kangning Pharmacy Chain Co., Ltd.", "零售业", P, "town_hj", "own", SERV),
    EnterpriseSpec("和静县顺达物业服务有限公司", "Hejing County Shunda Property Services Co., Ltd.", "房地产业", P, "town_hj", "own", SERV),
    EnterpriseSpec("和静县惠民超市有限公司", "Hejing County Huimin Supermarket Co., Ltd.", "零售业", P, "town_hj", "joint:town_hj", SERV),
    EnterpriseSpec("和静县兴业广告传媒有限公司", "Hejing County Xingye Advertising Media Co., Ltd.", "商务服务业", P, "town_hj", "joint:town_hj", SERV),
    EnterpriseSpec("和静县诚信家政服务有限公司", "Hejing County Chengxin Housekeeping Services Co., Ltd.", "居民服务业", P, "town_hj", "joint:town_hj", SERV),
    EnterpriseSpec("和静县蓝天装饰工程有限公司", "Hejing County Lantian Decoration Engineering Co., Ltd.", "建筑装饰、装修和其他建筑业", P, "town_hj", "joint:town_hj"),
    EnterpriseSpec("和静县金桥通信工程有限公司", "Hejing County Jinqiao Telecom Engineering Co., Ltd.", "电信、广播电视和卫星传输服务", P, "town_hj", "joint:town_hj", SERV),
    EnterpriseSpec("和静县德顺清真食品有限公司", "Hejing County Deshun Halal Food Co., Ltd.", "食品制造业", P, "town_hj", "joint:town_hj"),
    EnterpriseSpec("和静县美味坊餐饮有限公司", "Hejing County Meiweifang Catering Co., Ltd.", "餐饮业", P, "town_hj", "none", SERV),
    EnterpriseSpec("和静县快捷电动车销售有限公司", "Hejing County Kuaijie Electric Vehicle Sales Co., Ltd.", "零售业", P, "town_hj", "none", SERV),
    EnterpriseSpec("和静县宏图文化传播有限公司", "Hejing County Hongtu Culture Communication Co., Ltd.", "文化艺术业", P, "town_hj", "none", SERV),
    EnterpriseSpec("和静县富民农产品购销有限公司", "Hejing County Fumin Agricultural Products Trading Co., Ltd.", "批发业", P, "town_hj", "none", SERV),
    # Bayinbuluk town.
    EnterpriseSpec("和静县巴音布鲁克畜牧发展有限公司", "Hejing County Bayinbuluk Livestock Development Co., Ltd.", "畜牧业", C, "town_bb", "own"),
    EnterpriseSpec("和静县天鹅湖旅游服务有限公司", "Hejing County Swan Lake Tourism Services Co., Ltd.", "旅游业", P, "town_bb", "own", SERV),
    EnterpriseSpec("和静县草原之星酒店管理有限公司", "Hejing County Grassland Star Hotel Management Co., Ltd.", "住宿业", P, "town_bb", "own", SERV),
    EnterpriseSpec("和静县巴音布鲁克牦牛肉制品有限公司", "Hejing County Bayinbuluk Yak Meat Products Co., Ltd.", "农副食品加工业", P, "town_bb", "own"),
    EnterpriseSpec("和静县九曲十八弯生态旅游有限公司", "Hejing County Jiuqu Shibawan Eco-tourism Co., Ltd.", "旅游业", P, "town_bb", "own", SERV),
    EnterpriseSpec("和静县土尔扈特民俗文化旅游有限公司", "Hejing County Torgut Folk Culture Tourism Co., Ltd.", "文化艺术业", P, "town_bb", "none", SERV),
    EnterpriseSpec("和静县高原牧歌马术俱乐部有限公司", "Hejing County Gaoyuan Muge Equestrian Club Co., Ltd.", "体育", P, "town_bb", "none", SERV),
    EnterpriseSpec("和静县巩乃斯中药材种植有限公司", "Hejing County Gongnaisi Chinese Herbal Medicine Planting Co., Ltd.", "农业", P, "town_bb", "none"),
)

OTHER_SPECS: tuple[EnterpriseSpec, ...] = (
    EnterpriseSpec("焉耆县金丰辣椒制品有限公司", "Yanqi County Jinfeng Chili Products Co., Ltd.", "农副食品加工业", P, "yanqi", "own"),
    EnterpriseSpec("焉耆县天马酿酒有限公司", "Yanqi County Tianma Winery Co., Ltd.", "酒、饮料和精制茶制造业", P, "yanqi", "own"),
    EnterpriseSpec("焉耆县城市供热有限公司", "Yanqi County Urban Heating Co., Ltd.", "电力、热力生产和供应业", S, "yanqi", "own"),
    EnterpriseSpec("焉耆县永盛农业开发有限公司", "Yanqi County Yongsheng Agricultural Development Co., Ltd.", "农业", P, "yanqi", "none"),
    EnterpriseSpec("焉耆县博斯腾物流有限公司", "Yanqi County Bosten Logistics Co., Ltd.", "道路运输业", P, "yanqi", "none", SERV),
    EnterpriseSpec("库尔勒孔雀河纺织有限公司", "Korla Kongque River Textile Co., Ltd.", "纺织业", P, "korla_park", "own"),
    EnterpriseSpec("库尔勒香梨果业有限公司", "Korla Fragrant Pear Fruit Co., Ltd.", "农副食品加工业", P, "korla_park", "own"),
    EnterpriseSpec("库尔勒石化机械制造有限公司", "Korla Petrochemical Machinery Manufacturing Co., Ltd.", "专用设备制造业", S, "korla_park", "own"),
    EnterpriseSpec("库尔勒天瑞电子科技有限公司", "Korla Tianrui Electronic Technology Co., Ltd.", "计算机、通信和其他电子设备制造业", P, "korla_park", "own"),
    EnterpriseSpec("库尔勒恒远建材有限公司", "Korla Hengyuan Building Materials Co., Ltd.", "非金属矿物制品业", P, "korla_park", "joint:korla"),
    EnterpriseSpec("库尔勒佳美包装制品有限公司", "Korla Jiamei Packaging Products Co., Ltd.", "造纸和纸制品业", P, "korla_park", "joint:korla"),
    EnterpriseSpec("库尔勒蓝海电子商务有限公司", "Korla Lanhai E-commerce Co., Ltd.", "互联网和相关服务", P, "korla_park", "none", SERV),
)

# Joint branches: key → (name, name_en, parent committee key).
JOINT_BRANCHES = {
    "park1": ("和静县工业园区第一联合党支部", "Hejing County Industrial Park Joint Party Branch No. 1", "park"),
    "park2": ("和静县工业园区第二联合党支部", "Hejing County Industrial Park Joint Party Branch No. 2", "park"),
    "town_hj": ("和静镇非公有制企业联合党支部", "Hejing Town Non-public Enterprises Joint Party Branch", "town_hj"),
    "korla": ("库尔勒经济技术开发区非公企业联合党支部", "Korla ETDZ Non-public Enterprises Joint Party Branch", "korla_park"),
}

# The two state-owned enterprises with their own party committee: branches and member counts
# (a party committee is for 100 members or more, DOMAIN.md §1).
COMMITTEE_PLANS = {
    "和静县国有资产投资经营集团有限公司": (
        168, (("机关党支部", "Head Office Party Branch", 36), ("工程建设党支部", "Engineering and Construction Party Branch", 35),
              ("运营服务党支部", "Operations and Services Party Branch", 33)),
    ),
    "和静县矿业开发有限责任公司": (
        152, (("机关党支部", "Head Office Party Branch", 33), ("采矿党支部", "Mining Party Branch", 35),
              ("选矿党支部", "Ore Dressing Party Branch", 33)),
    ),
}

# fmt: on

# County organs the 68 instructors come from; each has its own office branch under the county committee.
ORGAN_BRANCHES = (
    ("县委组织部", "中共和静县委组织部机关党支部", "Hejing County Organisation Department Office Party Branch"),
    (
        "县工业和信息化局",
        "和静县工业和信息化局机关党支部",
        "Hejing County Industry and Information Technology Bureau Office Party Branch",
    ),
    (
        "县市场监督管理局",
        "和静县市场监督管理局机关党支部",
        "Hejing County Market Supervision Bureau Office Party Branch",
    ),
)

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

OFFICE_POSTS = {
    PROD: ("副总经理", "会计", "出纳", "行政专员", "销售经理", "采购员", "安全员", "人事专员"),
    SERV: ("副总经理", "会计", "出纳", "行政专员", "客户经理", "人事专员", "市场专员"),
}
TEAM_POSTS = {
    PROD: ("操作工", "操作工", "操作工", "技术员", "机修工", "质检员", "叉车司机", "普工", "普工"),
    SERV: ("服务员", "服务员", "销售员", "前台接待", "收银员", "客服专员", "司机", "保洁员"),
}
EDUCATION_WEIGHTS = {
    "worker": (
        (Education.PRIMARY, 5),
        (Education.JUNIOR, 35),
        (Education.SENIOR, 20),
        (Education.VOCATIONAL, 25),
        (Education.COLLEGE, 11),
        (Education.BACHELOR, 4),
    ),
    "office": (
        (Education.SENIOR, 5),
        (Education.VOCATIONAL, 10),
        (Education.COLLEGE, 40),
        (Education.BACHELOR, 42),
        (Education.MASTER, 3),
    ),
    "cadre": ((Education.COLLEGE, 15), (Education.BACHELOR, 70), (Education.MASTER, 15)),
}

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 20 → 二十 (enough for team numbers)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# Shares of the garment branch's members admitted in the second half of June and on 1 July.
JUNE_ADMISSIONS = 0.4
JULY_FIRST_ADMISSIONS = 0.1


def near_july_first(day: dt.date, lo: dt.date, hi: dt.date, rng: random.Random) -> dt.date:
    """`day`, or (at the shares above) a day in late June or 1 July of a year near it, kept
    between `lo` and `hi`."""
    draw = rng.random()
    if draw >= JUNE_ADMISSIONS + JULY_FIRST_ADMISSIONS:
        return day
    june_day = rng.randint(15, 30)
    for year in (day.year, day.year - 1, day.year + 1):
        moved = dt.date(year, 6, june_day) if draw < JUNE_ADMISSIONS else dt.date(year, 7, 1)
        if lo <= moved <= hi:
            return moved
    return day


def branch_founding_date(today: dt.date) -> dt.date:
    """The most recent 4 May at least about six months ago (the garment branch's founding)."""
    candidate = dt.date(today.year, 5, 4)
    if (today - candidate).days < 183:
        candidate = dt.date(today.year - 1, 5, 4)
    return candidate


@dataclass
class Slot:
    """One place on an enterprise's roster, decided before the person is created."""

    post: str
    team: ProductionUnit | None = None
    kind: str = "worker"  # worker / office (for education)
    member: str = ""  # "", "full", "probationary"
    applicant: bool = False
    name: Name | None = None
    gender: str | None = None
    ethnicity: str | None = None
    age: int | None = None
    education: str | None = None
    hire_date: dt.date | None = None
    key: str = ""
    person: Person | None = None
    # Membership development (see DemoBuilder.build_development): where this person stands today,
    # and the dates their steps are placed on.
    track: str = ""
    dates: dict[str, dt.date] = field(default_factory=dict)


@dataclass
class Summary:
    organisations: int = 0
    enterprises: int = 0
    hejing_enterprises: int = 0
    hejing_covered: int = 0
    persons: int = 0
    members: int = 0
    applicants: int = 0
    users: int = 0
    audit_events: int = 0
    garment_employees: int = 0
    garment_members: int = 0
    branch_founded_on: dt.date | None = None
    extras: dict = field(default_factory=dict)


class DemoBuilder:
    def __init__(self, *, today: dt.date, seed: int = SEED, password: str = DEMO_PASSWORD) -> None:
        self.today = today
        self.seed = seed
        self.rng = random.Random(seed)
        self.names = NamePool(self.rng, reserved=RESERVED_NAMES)
        self.codes = CodeFactory(self.rng)
        self.password = password
        self.founding = branch_founding_date(today)
        self.committees: dict[str, Organization] = {}
        self.joint: dict[str, Organization] = {}
        self.joint_full: dict[str, list[Person]] = {}
        self.users: dict[int, User] = {}  # person pk → user
        self.user_seq: dict[str, int] = {}
        self.named: dict[str, Person] = {}
        self.instructors: list[Person] = []
        self.organ_branches: list[Organization] = []
        self.hejing_enterprises: list[Enterprise] = []
        self.garment: Enterprise | None = None
        self.garment_branch: Organization | None = None
        self.garment_full: list[Person] = []
        self.meetings: list = []  # the garment branch's meetings (demo.meetings)

    # --- small helpers ------------------------------------------------------------------------

    def rand_date(self, lo: dt.date, hi: dt.date) -> dt.date:
        if hi <= lo:
            return lo
        return lo + dt.timedelta(days=self.rng.randint(0, (hi - lo).days))

    def birth_date(self, age: int) -> dt.date:
        """A date of birth for someone who is `age` today."""
        latest = add_years(self.today, -age)
        birth = latest - dt.timedelta(days=self.rng.randint(0, 360))
        assert age_on(birth, self.today) == age
        return birth

    def age(self, lo: int, hi: int, mode: float | None = None) -> int:
        return int(round(self.rng.triangular(lo, hi, mode if mode is not None else (lo + hi) / 2)))

    def education(self, kind: str) -> str:
        options, weights = zip(*EDUCATION_WEIGHTS[kind], strict=True)
        return self.rng.choices(options, weights=weights)[0]

    def ethnicity(self, division: str) -> str:
        weights = ETHNICITY_BY_DIVISION.get(division)
        if weights is None:
            return self.names.ethnicity()
        codes, w = zip(*weights, strict=True)
        return self.rng.choices(codes, weights=w)[0]

    def org(self, kind: str, name: str, parent: Organization | None, name_en: str = "", **extra) -> Organization:
        return org_services.create_organization(
            actor=None, kind=kind, name=name, parent=parent, name_en=name_en, **extra
        )

    def unit(self, enterprise: Enterprise, kind: str, name: str, name_en: str, parent=None) -> ProductionUnit:
        return org_services.create_unit(
            actor=None, enterprise=enterprise, kind=kind, name=name, name_en=name_en, parent=parent
        )

    def person(
        self,
        *,
        division: str,
        employer: Enterprise | None = None,
        team: ProductionUnit | None = None,
        post: str = "",
        name: Name | None = None,
        gender: str | None = None,
        ethnicity: str | None = None,
        age: int | None = None,
        education: str | None = None,
        hire_date: dt.date | None = None,
        hire_after: dt.date | None = None,
        hire_before: dt.date | None = None,
        female_share: float = 0.5,
        league_ok: bool = True,
        kind: str = "worker",
    ) -> Person:
        ethnicity = ethnicity or self.ethnicity(division)
        gender = gender or ("F" if self.rng.random() < female_share else "M")
        name = name or self.names.make(ethnicity, gender)
        age = age if age is not None else self.age(18, 58, 33)
        birth = self.birth_date(age)
        if employer is not None and hire_date is None:
            lo = max(add_years(birth, 18), hire_after or dt.date(2008, 3, 1))
            hi = hire_before or self.today - dt.timedelta(days=7)
            hire_date = self.rand_date(min(lo, hi), hi)
        league = league_ok and age < 28 and self.rng.random() < 0.3
        return people_services.create_person(
            actor=None,
            name=name.name,
            name_latin=name.latin,
            gender=gender,
            ethnicity=ethnicity,
            birth_date=birth,
            id_number=self.codes.id_number(division, birth, gender),
            phone=self.codes.phone(),
            education=education or self.education(kind),
            post=post,
            employer=employer,
            team=team,
            hire_date=hire_date,
            is_league_member=league,
        )

    def membership(
        self,
        person: Person,
        org: Organization,
        *,
        full: bool = True,
        joined_on: dt.date | None = None,
        admitted_before: dt.date | None = None,
        admitted_on: dt.date | None = None,
    ) -> Membership:
        if admitted_on is None:
            if full:
                lo = add_years(person.birth_date, 19)
                hi = admitted_before or self.today - dt.timedelta(days=400)
                admitted_on = self.rand_date(min(lo, hi), hi)
            else:
                admitted_on = self.today - dt.timedelta(days=self.rng.randint(30, 330))
        converted_on = None
        if full:
            # Most converted on time after a year; a few had their probation extended.
            extra = self.rng.choice((0,) * 12 + (183,))
            converted_on = min(add_years(admitted_on, 1) + dt.timedelta(days=extra), self.today)
        if joined_on is None:
            joined_on = max(d for d in (admitted_on, person.hire_date, org.founded_on) if d is not None)
        return people_services.add_membership(
            actor=None,
            person=person,
            organization=org,
            admitted_on=admitted_on,
            converted_on=converted_on,
            joined_org_on=joined_on,
        )

    def user(
        self,
        person: Person | None,
        username: str | None = None,
        *,
        prefix: str = "",
        password: str | None = None,
        **fields,
    ) -> User:
        if person is not None and person.pk in self.users:
            return self.users[person.pk]
        if username is None:
            self.user_seq[prefix] = self.user_seq.get(prefix, 0) + 1
            username = f"{prefix}{self.user_seq[prefix]:03d}"
        user = access_services.create_user(
            actor=None, username=username, password=password, person=person, language="", **fields
        )
        if person is not None:
            self.users[person.pk] = user
        return user

    def role(self, user: User, role: str, *, organization=None, enterprise=None) -> None:
        access_services.assign_role(actor=None, user=user, role=role, organization=organization, enterprise=enterprise)

    def staff_branch(self, branch: Organization, full_members: list[Person]) -> None:
        """A secretary for every branch; a branch with 7 or more full members also elects a
        committee (支委会) of 3–5, so two committee members are added to the secretary."""
        if not full_members:
            return
        self.role(self.user(full_members[0], prefix="secretary"), Role.SECRETARY, organization=branch)
        if len(full_members) >= 7:
            for person in full_members[1:3]:
                self.role(self.user(person, prefix="committee"), Role.COMMITTEE_MEMBER, organization=branch)

    # --- the tree -------------------------------------------------------------------------------

    def build_tree(self) -> None:
        pref = self.org(
            OrgKind.PREFECTURE_COMMITTEE,
            "巴音郭楞蒙古自治州委",
            None,
            "Bayingolin Prefecture Committee",
            code=PREFECTURE_CODE,
        )
        county = self.org(
            OrgKind.COUNTY_COMMITTEE, "中共和静县委员会", pref, "Hejing County Committee", code=HEJING_CODE
        )
        park = self.org(
            OrgKind.PARK_COMMITTEE,
            "和静县工业园区党委",
            county,
            "Hejing County Industrial Park Committee",
            founded_on=dt.date(2011, 6, 28),
        )
        town_hj = self.org(OrgKind.PARK_COMMITTEE, "和静镇党委", county, "Hejing Town Committee")
        town_bb = self.org(OrgKind.PARK_COMMITTEE, "巴音布鲁克镇党委", county, "Bayinbuluk Town Committee")
        yanqi = self.org(
            OrgKind.COUNTY_COMMITTEE,
            "中共焉耆回族自治县委员会",
            pref,
            "Yanqi Hui Autonomous County Committee",
            code=YANQI_CODE,
        )
        korla = self.org(OrgKind.COUNTY_COMMITTEE, "中共库尔勒市委员会", pref, "Korla City Committee", code=KORLA_CODE)
        korla_park = self.org(
            OrgKind.PARK_COMMITTEE,
            "库尔勒经济技术开发区党工委",
            korla,
            "Korla Economic and Technological Development Zone Committee",
            founded_on=dt.date(2011, 3, 1),
        )
        self.committees = {
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
            self.joint[key] = self.org(
                OrgKind.JOINT_BRANCH,
                name,
                self.committees[parent_key],
                name_en,
                founded_on=self.rand_date(dt.date(2016, 3, 1), dt.date(2021, 6, 30)),
            )
            self.joint_full[key] = []

    # --- county cadres: Liu Hong and the 68 instructors --------------------------------------------

    def build_cadres(self) -> None:
        county = self.committees["county"]
        self.organ_branches = organ_branches = [
            self.org(
                OrgKind.BRANCH,
                name,
                county,
                name_en,
                founded_on=self.rand_date(dt.date(1990, 1, 1), dt.date(2005, 12, 31)),
            )
            for _dept, name, name_en in ORGAN_BRANCHES
        ]
        liu = self.person(
            division=HEJING_CODE,
            name=LIU_HONG,
            gender="F",
            ethnicity=HAN,
            age=52,
            education=Education.MASTER,
            post="县委常委、组织部部长",
        )
        self.membership(liu, organ_branches[0], admitted_on=dt.date(liu.birth_date.year + 22, 6, 18))
        self.named["liu_hong"] = liu
        wang = self.person(
            division=HEJING_CODE,
            name=INSTRUCTOR,
            gender="M",
            ethnicity=HAN,
            age=41,
            education=Education.BACHELOR,
            post="县委组织部组织科科长、党建指导员",
        )
        self.membership(wang, organ_branches[0], admitted_on=dt.date(wang.birth_date.year + 21, 11, 8))
        self.instructors = [wang]
        for i in range(1, HEJING_ENTERPRISES):
            branch_index = min(i * len(ORGAN_BRANCHES) // HEJING_ENTERPRISES, len(ORGAN_BRANCHES) - 1)
            dept = ORGAN_BRANCHES[branch_index][0]
            cadre = self.person(
                division=HEJING_CODE,
                age=self.age(27, 57, 40),
                female_share=0.4,
                kind="cadre",
                league_ok=False,
                post=f"{dept}干部、党建指导员",
            )
            self.membership(cadre, organ_branches[branch_index])
            self.instructors.append(cadre)

    # --- the garment company ----------------------------------------------------------------------

    def build_garment(self) -> None:
        rng = self.rng
        park = self.committees["park"]
        branch = self.org(
            OrgKind.BRANCH,
            GARMENT_BRANCH_NAME,
            park,
            "Hejing County Industrial Park Garment Co., Ltd. Party Branch",
            founded_on=self.founding,
        )
        self.garment_groups = []
        for n, (label, label_en) in enumerate(
            (
                ("1号厂房", "No. 1 Factory Building"),
                ("2号厂房", "No. 2 Factory Building"),
                ("5号厂房", "No. 5 Factory Building"),
                ("6号厂房及管理部门", "No. 6 Factory Building and offices"),
            ),
            start=1,
        ):
            self.garment_groups.append(
                self.org(
                    OrgKind.PARTY_GROUP, f"第{cn_number(n)}党小组（{label}）", branch, f"Party Group {n} ({label_en})"
                )
            )
        ent = org_services.create_enterprise(
            actor=None,
            name=GARMENT_NAME,
            name_en=GARMENT_NAME_EN,
            uscc=self.codes.uscc(HEJING_CODE),
            ownership=Ownership.PRIVATE,
            industry="纺织服装、服饰业",
            address="新疆巴州和静县工业园区新希望产业园",
            supervising_org=park,
            party_org=branch,
            settled_on=GARMENT_SETTLED_ON,
        )
        self.garment, self.garment_branch = ent, branch
        self.hejing_enterprises.append(ent)

        # Workshops and teams: (workshop, [(team kind, number)]).
        layout = (
            ("1号厂房", "No. 1 Factory Building", [("cut", 1), ("cut", 2)] + [("sew", n) for n in range(1, 7)]),
            ("2号厂房", "No. 2 Factory Building", [("sew", n) for n in range(7, 13)]),
            ("5号厂房", "No. 5 Factory Building", [("iron", 1), ("iron", 2), ("pack", 1), ("pack", 2)]),
            ("6号厂房", "No. 6 Factory Building", [("sew", n) for n in range(13, 19)] + [("qc", 0), ("sample", 0)]),
        )
        team_names = {
            "cut": ("裁剪{n}班", "Cutting Team {n}", "裁剪工"),
            "sew": ("缝纫{n}组", "Sewing Team {n}", "缝纫工"),
            "iron": ("熨烫{n}班", "Ironing Team {n}", "熨烫工"),
            "pack": ("包装{n}班", "Packing Team {n}", "包装工"),
            "qc": ("质检班组", "Quality Inspection Team", "质检员"),
            "sample": ("样衣班组", "Sample Making Team", "样衣工"),
        }
        fixed_sizes = {
            "cut1": 24,
            "cut2": 22,
            "iron1": 26,
            "iron2": 24,
            "pack1": 22,
            "pack2": 20,
            "sample0": 12,
            "qc0": QUALITY_INSPECTORS + 1,
        }
        office_posts = (
            ["总经理"]
            + ["副总经理"] * 2
            + ["行政经理", "人事经理"]
            + ["人事专员"] * 2
            + ["财务经理"]
            + ["会计"] * 2
            + ["出纳"]
            + ["采购专员"] * 2
            + ["销售经理"]
            + ["跟单员"] * 3
            + ["仓库管理员"] * 4
            + ["设备维修工"] * 4
            + ["保安"] * 2
            + ["厨师"] * 2
        )
        sewing = [f"sew{n}" for n in range(1, 19)]
        remaining = GARMENT_EMPLOYEES - len(office_posts) - sum(fixed_sizes.values())
        sizes = dict(fixed_sizes)
        base, extra = divmod(remaining, len(sewing))
        for i, key in enumerate(sewing):
            sizes[key] = base + (1 if i < extra else 0)
        for _ in range(40):  # spread the sewing teams between 28 and 38 people, keeping the total
            a, b = rng.sample(sewing, 2)
            step = rng.randint(1, 3)
            if sizes[a] + step <= 38 and sizes[b] - step >= 28:
                sizes[a] += step
                sizes[b] -= step

        teams: dict[str, ProductionUnit] = {}
        slots: list[Slot] = [Slot(post, kind="office") for post in office_posts]
        for ws_name, ws_en, team_list in layout:
            workshop = self.unit(ent, UnitKind.WORKSHOP, ws_name, ws_en)
            for kind, n in team_list:
                cn, en, post = team_names[kind]
                key = f"{kind}{n}"
                team = self.unit(ent, UnitKind.TEAM, cn.format(n=cn_number(n)), en.format(n=n), parent=workshop)
                teams[key] = team
                for i in range(sizes[key]):
                    leader = i == 0 and kind != "qc"
                    slots.append(Slot("班组长" if leader else post, team=team, key=f"{key}:{'lead' if leader else i}"))
        assert len(slots) == GARMENT_EMPLOYEES

        def slot(predicate) -> Slot:
            return next(s for s in slots if predicate(s) and s.name is None)

        def fix(s: Slot, name: Name, **kw) -> Slot:
            s.name = name
            for k, v in kw.items():
                setattr(s, k, v)
            return s

        settled = GARMENT_SETTLED_ON
        fix(
            slot(lambda s: s.post == "行政经理"),
            HE_YANPING,
            gender="F",
            ethnicity=HAN,
            age=44,
            education=Education.COLLEGE,
            member="full",
            hire_date=settled,
            key="he",
        )
        fix(
            slot(lambda s: s.post == "人事经理"),
            HR_MANAGER,
            gender="F",
            ethnicity=HAN,
            age=39,
            education=Education.BACHELOR,
            hire_date=settled,
            key="hr",
        )
        huo = fix(
            slot(lambda s: s.team == teams["qc0"]),
            HUO_XIUQUAN,
            gender="M",
            ethnicity=HAN,
            age=47,
            education=Education.COLLEGE,
            member="full",
            hire_date=dt.date(2020, 5, 11),
            key="huo",
        )
        huo.post = "质检工程师"
        li = fix(
            slot(lambda s: s.team == teams["sew13"] and s.post == "班组长"),
            LI_XIAOYAN,
            gender="F",
            ethnicity=HAN,
            age=36,
            education=Education.COLLEGE,
            hire_date=self.founding - dt.timedelta(days=12),
            key="li",
        )
        li.post = "班组长兼技术总监"
        fix(
            slot(lambda s: s.team == teams["sew1"] and s.post == "班组长"),
            MEMBER,
            gender="F",
            ethnicity=UYGHUR,
            age=33,
            education=Education.SENIOR,
            member="full",
            hire_date=dt.date(2020, 6, 8),
            key="member",
        )
        fix(
            slot(lambda s: s.team == teams["sew14"] and s.post == "缝纫工"),
            ABIBAHAN,
            gender="F",
            ethnicity=UYGHUR,
            age=31,
            education=Education.JUNIOR,
            applicant=True,
            hire_date=dt.date(2021, 3, 15),
            key="abibahan",
            track="talked",
        )
        fix(
            slot(lambda s: s.team == teams["cut1"] and s.post == "裁剪工"),
            ABIBAHAN_HUSBAND,
            gender="M",
            ethnicity=UYGHUR,
            age=34,
            education=Education.JUNIOR,
            hire_date=dt.date(2021, 3, 15),
            key="husband",
        )

        # 38 members: one in every team (the branch's "full coverage of all teams"), three in the
        # offices besides He Yanping, the rest spread over the floor.
        free = [s for s in slots if s.name is None]
        covered = {s.team.pk for s in slots if s.member and s.team is not None}
        for team in teams.values():
            if team.pk in covered:
                continue
            candidates = [s for s in free if s.team == team and not s.member]
            leader = [s for s in candidates if s.post == "班组长"]
            pick = leader[0] if leader and rng.random() < 0.5 else rng.choice(candidates)
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
        # Six applicants besides Abibahan, all of them in the first month of the branch.
        # Applicants from across the workforce's nationalities (Abibahan is Uyghur).
        applicant_ethnicities = [HAN, HAN, KAZAKH, MONGOL, HUI, UYGHUR]
        for s, eth, track in zip(
            rng.sample([s for s in free if not s.member and s.kind == "worker"], GARMENT_APPLICANTS - 1),
            applicant_ethnicities,
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
                self.plan_development(s)

        # Now the people.
        founding = self.founding
        for s in slots:
            if s.age is None:
                if s.member:
                    s.age = self.age(24, 56, 36)
                elif s.applicant:
                    s.age = self.age(21, 45, 28)
                elif s.kind == "office":
                    s.age = self.age(23, 55, 36)
                else:
                    s.age = self.age(18, 58, 32)
            if s.hire_date is None and s.track and s.dates["applied"] < founding:
                # Hired well before their application, which predates the branch.
                s.hire_date = self.rand_date(settled, s.dates["applied"] - dt.timedelta(days=60))
            if s.hire_date is None:
                if s.member:
                    before = founding - dt.timedelta(days=1)
                elif s.applicant:
                    before = founding - dt.timedelta(days=7)
                else:
                    before = self.today - dt.timedelta(days=7)
                hire_after = settled
                s.hire_date = self.rand_date(max(hire_after, add_years(self.today, 18 - s.age)), before)
            female_share = (
                0.5
                if (s.team is not None and s.team.name.startswith("裁剪"))
                or s.post in ("设备维修工", "保安", "仓库管理员", "总经理")
                else 0.78
            )
            s.person = self.person(
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
            if s.key in ("he", "hr", "huo", "li", "member", "abibahan", "husband"):
                self.named[s.key] = s.person

        # Memberships: all transferred in on the founding day, except a probationary member admitted later.
        # Many were admitted just before 1 July, as branches often do: a good share of the members
        # celebrate their political birthday in June (the cohort of the branch's collective political
        # birthday on 28 June, see demo.meetings) or on 1 July. A stream of its own moves those
        # dates, so that every other name and date of the demo stays as it was.
        july = random.Random(self.seed + 701)
        full_members: list[Person] = []
        # Every member but the secretary and Huo Xiuquan belongs to one of the four party groups
        # (the factory buildings), which hold their own monthly meetings.
        groups = iter(self.garment_groups * len(slots))
        for s in slots:
            if s.member == "full":
                admitted_before = founding - dt.timedelta(days=400)
                if s.key == "he":
                    admitted = dt.date(s.person.birth_date.year + 24, 6, 26)
                elif s.key == "huo":
                    admitted = dt.date(s.person.birth_date.year + 25, 12, 20)
                else:  # drawn as self.membership would, then perhaps moved next to 1 July
                    lo = add_years(s.person.birth_date, 19)
                    drawn = self.rand_date(min(lo, admitted_before), admitted_before)
                    admitted = near_july_first(drawn, lo, admitted_before, july)
                self.membership(
                    s.person,
                    branch if s.key in ("he", "huo") else next(groups),
                    joined_on=founding,
                    admitted_on=admitted,
                    admitted_before=admitted_before,
                )
                full_members.append(s.person)
        probation_days = iter((230, 75))
        for s in slots:
            if s.member == "probationary" and s.track != "probation":
                admitted = self.today - dt.timedelta(days=next(probation_days))
                self.membership(
                    s.person, next(groups), full=False, admitted_on=admitted, joined_on=max(founding, admitted)
                )

        # Membership development: the seven applications of the branch's first month and the rest
        # of its board, through the development services and their rules.
        self.build_development(branch, [s for s in slots if s.track], full_members)

        # Branch committee: He Yanping (secretary), Huo Xiuquan and two office members.
        he_user = self.user(self.named["he"], "heyanping", password=self.password)
        self.role(he_user, Role.SECRETARY, organization=branch)
        huo_user = self.user(self.named["huo"], "huoxiuquan", password=self.password)
        self.role(huo_user, Role.COMMITTEE_MEMBER, organization=branch)
        for s in office_members[:2]:
            self.role(self.user(s.person, prefix="committee"), Role.COMMITTEE_MEMBER, organization=branch)

    # --- membership development ---------------------------------------------------------------

    def plan_development(self, s: Slot) -> None:
        """Place a candidate's steps relative to today and to the branch's founding.

        The branch is six to eighteen months old: too young to have made a development target (a
        year as activist comes first) or to have admitted a member eleven months ago. Before it
        was founded the company's party members belonged to the park's first joint branch (the
        article's 38 members "found a home" by transferring into the new branch, DOMAIN.md §1),
        and so did the development of its employees: those candidates applied to the joint
        branch, and their dossiers came to the new branch on the founding day with the members'
        records. The platform keeps one candidacy per attempt under the organisation now
        responsible for it, so these candidacies are the branch's, their earlier steps dated
        before its founding and recorded as taken by the joint branch (`acted_by`, and a note on
        the application). DOMAIN.md §2 orders the steps and times them against each other; it
        does not tie them to the founding of the organisation that now keeps the record."""
        rng, today, founding, d = self.rng, self.today, self.founding, s.dates

        def days(lo: int, hi: int) -> dt.timedelta:
            return dt.timedelta(days=rng.randint(lo, hi))

        if s.track in FIRST_MONTH_STATES:
            d["applied"] = founding + (dt.timedelta(days=24) if s.key == "abibahan" else days(3, 30))
            if s.track != "overdue":  # "overdue": the talk was due within a month and has not happened
                d["talk"] = d["applied"] + days(5, 20)
            if s.track == "activist":
                d["activist"] = d["applied"] + days(45, 80)
        elif s.track == "recent":  # applied in the last weeks: the talk is not yet due
            d["applied"] = today - days(3, 20)
        else:
            if s.track == "early_activist":  # a development target from next month or so
                d["activist"] = development_rules.add_years(today, -1) + days(15, 40)
            elif s.track == "target":  # designated by the new branch after a year as activist
                d["target"] = today - days(30, 60)
                d["activist"] = development_rules.add_years(d["target"], -1) - days(20, 60)
            elif s.track == "probation":  # admitted about eleven months ago: conversion falls due
                d["meeting"] = development_rules.add_years(today, -1) + days(10, 25)
                d["target"] = d["meeting"] - dt.timedelta(days=50)
                d["activist"] = development_rules.add_years(d["target"], -1) - days(10, 40)
            d["applied"] = d["activist"] - days(40, 90)
            d["talk"] = d["applied"] + days(7, 20)

    def development_steps(self, s: Slot, contacts: list[int], sponsors: list[int]) -> list[tuple]:
        """(step, date, data, conclusion) after the application, in the order they happened."""
        d, rng = s.dates, self.rng
        add_months, week = development_rules.add_months, dt.timedelta(days=7)
        steps: list[tuple] = []
        if "talk" in d:
            steps.append((2, d["talk"], {}, ""))
        if "activist" in d:
            a = d["activist"]
            steps += [
                (3, a, {"recommended_by": rng.choice(("members", "members", "union"))}, ""),
                (4, a + week, {}, ""),
                (5, a + week, {"contacts": contacts}, ""),
            ]
            k = 1
            while add_months(a, 6 * k) <= d.get("target", self.today):  # the half-yearly assessments
                steps.append((6, add_months(a, 6 * k), {}, ""))
                k += 1
        if "target" in d:
            t = d["target"]
            steps += [
                (7, t, {}, ""),
                (8, t + dt.timedelta(days=5), {}, ""),
                (9, t + dt.timedelta(10), {"sponsors": sponsors}, ""),
            ]
        if "meeting" in d:
            t, m = d["target"], d["meeting"]
            notice = t + dt.timedelta(days=40)
            voters = len(self.garment_full) + (6 if m < self.founding else 0)
            present = voters - rng.randint(1, 4)
            steps += [
                (10, t + dt.timedelta(days=20), {}, POLITICAL_REVIEW),
                (11, t + dt.timedelta(days=25), {"days": 3}, ""),
                (12, t + dt.timedelta(days=35), {}, ""),
                (
                    13,
                    notice,
                    {"notice_from": notice.isoformat(), "notice_to": (notice + dt.timedelta(days=4)).isoformat()},
                    "",
                ),
                (14, notice + dt.timedelta(days=6), {}, ""),
                (15, m, {"entitled": voters, "full_entitled": voters, "present": present, "yes": present}, ""),
                (16, m + dt.timedelta(days=10), {}, ""),
                (17, m + dt.timedelta(days=30), {}, ""),
                (18, m + dt.timedelta(days=40), {}, ""),
                (19, m + dt.timedelta(days=40), {}, ""),
                (20, m + dt.timedelta(days=45), {}, ""),
            ]
        return sorted(steps, key=lambda step: (step[1], step[0]))

    def acted_by(self, number: int, on: dt.date, person: Person) -> str:
        """Who took a step: the joint branch before the branch was founded, the branch after."""
        joint = JOINT_BRANCHES["park1"][0]
        before = on < self.founding
        who = development_rules.STEPS[number].actor
        if who is development_rules.CANDIDATE:
            return person.name
        if who is development_rules.SECRETARY:
            return f"{joint}书记" if before else self.rng.choice((HE_YANPING.name, HUO_XIUQUAN.name))
        if who is development_rules.COMMITTEE:
            return f"{joint}委员会" if before else "党支部委员会"
        if who is development_rules.MEETING:
            return f"{joint}党员大会" if before else "党支部党员大会"
        if who is development_rules.HIGHER:
            return "和静县工业园区党委"
        return "和静县委组织部"

    def build_development(self, branch: Organization, slots: list[Slot], full_members: list[Person]) -> None:
        """Every state of the branch's development board as of today, written through
        development.services (so the rules check every step, as they would a secretary's)."""
        self.garment_full = full_members
        founding = self.founding
        for s in sorted(slots, key=lambda s: s.dates["applied"]):
            contacts = [p.pk for p in self.rng.sample(full_members, self.rng.choice((1, 2)))]
            sponsors = [p.pk for p in self.rng.sample(full_members, 2)]
            note = ""
            if s.dates["applied"] < founding:
                note = (
                    f"向{JOINT_BRANCHES['park1'][0]}递交；{founding.year}年{founding.month}月{founding.day}日"
                    "本支部成立后，随组织关系一并转入。"
                )
            candidacy = development.apply(
                actor=None,
                person=s.person,
                organization=branch,
                applied_on=s.dates["applied"],
                note=note,
                today=self.today,
            )
            for number, on, data, conclusion in self.development_steps(s, contacts, sponsors):
                development.record_step(
                    actor=None,
                    candidacy=candidacy,
                    number=number,
                    done_on=on,
                    data=data,
                    conclusion=conclusion,
                    acted_by=self.acted_by(number, on, s.person),
                    today=self.today,
                )
                if number == 17:
                    # Admitted before the founding: in the branch from its founding, like the others.
                    membership = s.person.memberships.get(ended_on__isnull=True)
                    people_services.update_membership(
                        actor=None, membership=membership, joined_org_on=max(founding, membership.admitted_on)
                    )

    # --- the other enterprises --------------------------------------------------------------------

    def build_enterprises(self, specs: tuple[EnterpriseSpec, ...]) -> list[Enterprise]:
        # Joint-branch members are planned per joint branch so that each has 3 or more full members.
        joint_plan: dict[str, list[int]] = {}
        for spec in specs:
            if spec.cover.startswith("joint:"):
                joint_plan.setdefault(spec.cover[6:], []).append(self.rng.choices((0, 1, 2), weights=(3, 4, 3))[0])
        for plan in joint_plan.values():
            while sum(plan) < 3:
                i = plan.index(min(plan))
                plan[i] += 1
        joint_iter = {key: iter(plan) for key, plan in joint_plan.items()}
        created = []
        for spec in specs:
            joint_full = next(joint_iter[spec.cover[6:]]) if spec.cover.startswith("joint:") else 0
            created.append(self.build_enterprise(spec, joint_full))
        for key in joint_plan:
            self.staff_branch(self.joint[key], self.joint_full[key])
        return created

    def build_enterprise(self, spec: EnterpriseSpec, joint_full: int = 0) -> Enterprise:
        rng = self.rng
        supervisor = self.committees[spec.where]
        division = WHERE_DIVISION[spec.where]
        in_park = spec.where in ("park", "korla_park")
        state = spec.ownership in (Ownership.STATE, Ownership.COLLECTIVE)

        # Size and members (long-tailed: most enterprises are small).
        branches: list[tuple[Organization, int]] = []
        party_org = None
        probationary = 0
        if spec.cover == "committee":
            employees, plan = COMMITTEE_PLANS[spec.name]
            party_org = self.org(
                OrgKind.ENTERPRISE_COMMITTEE,
                f"{spec.name}党委",
                supervisor,
                f"{spec.name_en} Party Committee",
                founded_on=self.rand_date(dt.date(2005, 1, 1), dt.date(2012, 12, 31)),
            )
            for name, name_en, members in plan:
                sub = self.org(
                    OrgKind.BRANCH,
                    f"{spec.name}{name}",
                    party_org,
                    f"{spec.name_en} {name_en}",
                    founded_on=self.rand_date(party_org.founded_on, dt.date(2015, 12, 31)),
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
            party_org = self.org(
                OrgKind.BRANCH,
                f"{spec.name}党支部",
                supervisor,
                f"{spec.name_en} Party Branch",
                founded_on=self.rand_date(dt.date(2010, 1, 1), dt.date(2024, 6, 30)),
            )
            branches.append((party_org, full + probationary))
        elif spec.cover.startswith("joint:"):
            full = joint_full
            employees = 5 + int(11 * rng.random() ** 1.5)
            party_org = self.joint[spec.cover[6:]]
        else:
            full = 0
            employees = 5 + int(16 * rng.random() ** 1.5)

        settled_on = self.rand_date(dt.date(2011, 9, 1), dt.date(2024, 9, 30)) if in_park else None
        ent = org_services.create_enterprise(
            actor=None,
            name=spec.name,
            name_en=spec.name_en,
            uscc=self.codes.uscc(division, legacy=state),
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
                workshop = self.unit(ent, UnitKind.WORKSHOP, ws_name, ws_en)
                for t in range(len(teams) + 1, min(n_teams, len(teams) + 4) + 1):
                    if spec.style == PROD:
                        name, name_en = f"生产{cn_number(t)}班", f"Production Team {t}"
                    else:
                        name, name_en = f"服务{cn_number(t)}组", f"Service Team {t}"
                    teams.append(self.unit(ent, UnitKind.TEAM, name, name_en, parent=workshop))

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
            s.person = self.person(
                division=division,
                employer=ent,
                team=s.team,
                post=s.post,
                female_share=female_share,
                age=self.age(25, 56, 38) if s.member else None,
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
                    self.membership(s.person, sub, full=s.member == "full")
                self.staff_branch(sub, [s.person for s in group if s.member == "full"])
            self.role(self.user(slots[0].person, prefix="secretary"), Role.SECRETARY, organization=party_org)
        elif spec.cover == "own":
            for s in member_slots:
                self.membership(s.person, party_org, full=s.member == "full")
            self.staff_branch(party_org, [s.person for s in member_slots if s.member == "full"])
        elif spec.cover.startswith("joint:"):
            for s in member_slots:
                self.membership(s.person, party_org, full=True)
                self.joint_full[spec.cover[6:]].append(s.person)
        return ent

    # --- roles and logins -------------------------------------------------------------------------

    def build_instructors(self) -> None:
        assert self.hejing_enterprises[0] == self.garment
        for i, (cadre, ent) in enumerate(zip(self.instructors, self.hejing_enterprises, strict=True)):
            if i == 0:
                user = self.user(cadre, "instructor", password=self.password)
            else:
                user = self.user(cadre, f"instructor{i + 1:02d}")
            self.role(user, Role.INSTRUCTOR, enterprise=ent)
        # The county organs' office branches get their secretary and committee from the cadres
        # (not Liu Hong, and not the garment company's instructor, whose login stays an instructor's).
        for branch in self.organ_branches:
            cadres = [p for p in self.instructors[1:] if p.party_org_id == branch.pk]
            self.staff_branch(branch, cadres)

    def build_logins(self) -> None:
        liuhong = self.user(self.named["liu_hong"], "liuhong", password=self.password)
        self.role(liuhong, Role.ORG_DEPARTMENT, organization=self.committees["county"])
        bazhou = self.user(None, "bazhou", password=self.password, first_name="巴州党委组织部")
        self.role(bazhou, Role.ORG_DEPARTMENT, organization=self.committees["prefecture"])
        hr = self.user(self.named["hr"], "hr", password=self.password)
        self.role(hr, Role.MANAGER, enterprise=self.garment)
        self.user(self.named["member"], "member", password=self.password)
        self.user(self.named["abibahan"], "abibahan", password=self.password)
        if not User.objects.filter(username="admin").exists():
            self.user(None, "admin", password=self.password, is_staff=True, is_superuser=True)

    # --- everything -------------------------------------------------------------------------------

    def build(self) -> Summary:
        self.build_tree()
        self.build_cadres()
        self.build_garment()
        hejing = self.build_enterprises(HEJING_SPECS)
        self.hejing_enterprises.extend(hejing)
        assert len(self.hejing_enterprises) == HEJING_ENTERPRISES
        self.build_enterprises(OTHER_SPECS)
        self.build_instructors()
        self.build_logins()
        self.meetings = meetings.build(self, self.seed)
        meetings.records_elsewhere(self, self.seed)
        return summarize()


def summarize() -> Summary:
    """Counts of the demo as it stands in the database (also used when it is already loaded)."""
    from dangjian.audit.models import AuditEvent

    pref = Organization.objects.filter(code=PREFECTURE_CODE).first()
    county = Organization.objects.filter(code=HEJING_CODE).first()
    if pref is None or county is None:
        return Summary()
    in_pref = Q(supervising_org__path__startswith=pref.path)
    hejing = Enterprise.objects.filter(supervising_org__path__startswith=county.path)
    garment = Enterprise.objects.filter(name=GARMENT_NAME).first()
    branch = Organization.objects.filter(name=GARMENT_BRANCH_NAME).first()
    members = (PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL)
    return Summary(
        organisations=Organization.objects.filter(path__startswith=pref.path).count(),
        enterprises=Enterprise.objects.filter(in_pref).count(),
        hejing_enterprises=hejing.count(),
        hejing_covered=hejing.filter(party_org__isnull=False).count(),
        persons=Person.objects.count(),
        members=Person.objects.filter(political_status__in=members).count(),
        applicants=Person.objects.filter(political_status=PoliticalStatus.APPLICANT).count(),
        users=User.objects.count(),
        audit_events=AuditEvent.objects.count(),
        garment_employees=garment.employees.count() if garment else 0,
        garment_members=(
            Person.objects.filter(party_org__path__startswith=branch.path, political_status__in=members).count()
            if branch
            else 0
        ),
        branch_founded_on=branch.founded_on if branch else None,
    )
