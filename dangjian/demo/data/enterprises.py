"""The enterprises of the demo: Hejing county's (the garment company is in `garment`), the other
counties' few, the joint branches, the two state-owned groups with their own committee, the
county organs the instructors come from, and the posts people hold."""

from __future__ import annotations

from dataclasses import dataclass

from dangjian.organizations.models import Ownership

HEJING_ENTERPRISES = 68

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

OFFICE_POSTS = {
    PROD: ("副总经理", "会计", "出纳", "行政专员", "销售经理", "采购员", "安全员", "人事专员"),
    SERV: ("副总经理", "会计", "出纳", "行政专员", "客户经理", "人事专员", "市场专员"),
}
TEAM_POSTS = {
    PROD: ("操作工", "操作工", "操作工", "技术员", "机修工", "质检员", "叉车司机", "普工", "普工"),
    SERV: ("服务员", "服务员", "销售员", "前台接待", "收银员", "客服专员", "司机", "保洁员"),
}
