"""Name pools for the demo: plausible local names in Hejing (Han, Uyghur, Kazakh, Mongol, Hui).

Each name comes with its zh-Hans form for display and a Latin form (pinyin for Han and Hui, the
usual Latin spelling for Uyghur, Kazakh and Mongol names). Uyghur, Kazakh and Mongol names are
"given name·father's name" in Chinese transliteration (阿依古丽·吐尔逊 / Aygul Tursun).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

HAN, MONGOL, HUI, UYGHUR, KAZAKH = "01", "02", "03", "05", "17"

# GB 3304 codes with the demo's shares (DOMAIN.md §6: Han 45%, Uyghur 30%, Kazakh 10%, Mongol 10%, Hui 5%).
ETHNICITY_WEIGHTS: tuple[tuple[str, int], ...] = ((HAN, 45), (UYGHUR, 30), (KAZAKH, 10), (MONGOL, 10), (HUI, 5))


@dataclass(frozen=True)
class Name:
    name: str
    latin: str


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """'王 Wang, 李 Li' → (('王', 'Wang'), ('李', 'Li'))."""
    out = []
    for item in text.split(","):
        item = item.strip()
        if item:
            cn, latin = item.split(" ", 1)
            out.append((cn, latin.strip()))
    return tuple(out)


# Han surnames, the common ones repeated to weight them.
HAN_SURNAMES = _pairs(
    "王 Wang, 王 Wang, 王 Wang, 王 Wang, 李 Li, 李 Li, 李 Li, 李 Li, 张 Zhang, 张 Zhang, 张 Zhang, 张 Zhang,"
    "刘 Liu, 刘 Liu, 刘 Liu, 陈 Chen, 陈 Chen, 陈 Chen, 杨 Yang, 杨 Yang, 赵 Zhao, 赵 Zhao, 黄 Huang, 黄 Huang,"
    "周 Zhou, 周 Zhou, 吴 Wu, 吴 Wu, 徐 Xu, 孙 Sun, 胡 Hu, 朱 Zhu, 高 Gao, 林 Lin, 郭 Guo, 郭 Guo, 罗 Luo,"
    "梁 Liang, 宋 Song, 郑 Zheng, 谢 Xie, 韩 Han, 唐 Tang, 冯 Feng, 于 Yu, 董 Dong, 程 Cheng, 曹 Cao, 袁 Yuan,"
    "邓 Deng, 许 Xu, 傅 Fu, 沈 Shen, 曾 Zeng, 彭 Peng, 吕 Lyu, 苏 Su, 卢 Lu, 蒋 Jiang, 蔡 Cai, 贾 Jia, 丁 Ding,"
    "魏 Wei, 薛 Xue, 叶 Ye, 阎 Yan, 余 Yu, 潘 Pan, 杜 Du, 戴 Dai, 夏 Xia, 钟 Zhong, 汪 Wang, 田 Tian, 任 Ren,"
    "姜 Jiang, 范 Fan, 方 Fang, 石 Shi, 姚 Yao, 谭 Tan, 廖 Liao, 邹 Zou, 熊 Xiong, 金 Jin, 陆 Lu, 郝 Hao,"
    "孔 Kong, 白 Bai, 崔 Cui, 康 Kang, 毛 Mao, 邱 Qiu, 秦 Qin, 江 Jiang, 史 Shi, 顾 Gu, 侯 Hou, 邵 Shao,"
    "孟 Meng, 龙 Long, 万 Wan, 段 Duan, 雷 Lei, 钱 Qian, 汤 Tang, 尹 Yin, 易 Yi, 常 Chang, 武 Wu, 乔 Qiao,"
    "贺 He, 赖 Lai, 龚 Gong, 文 Wen, 何 He, 霍 Huo"
)
HAN_GIVEN_F = _pairs(
    "秀英 Xiuying, 桂英 Guiying, 秀兰 Xiulan, 玉兰 Yulan, 桂兰 Guilan, 丽 Li, 静 Jing, 敏 Min, 燕 Yan, 艳 Yan,"
    "娟 Juan, 霞 Xia, 芳 Fang, 玲 Ling, 婷 Ting, 雪 Xue, 丹 Dan, 萍 Ping, 红 Hong, 梅 Mei, 琳 Lin, 莉 Li, 欣 Xin,"
    "颖 Ying, 慧 Hui, 倩 Qian, 洁 Jie, 晶 Jing, 璐 Lu, 蓉 Rong, 红梅 Hongmei, 海燕 Haiyan, 晓丽 Xiaoli,"
    "晓梅 Xiaomei, 丽娟 Lijuan, 丽华 Lihua, 春燕 Chunyan, 小红 Xiaohong, 雪梅 Xuemei, 文静 Wenjing, 佳怡 Jiayi,"
    "思雨 Siyu, 雨欣 Yuxin, 梦瑶 Mengyao, 欣怡 Xinyi, 婉婷 Wanting, 晓敏 Xiaomin, 玉梅 Yumei, 凤英 Fengying,"
    "淑珍 Shuzhen, 美玲 Meiling, 亚楠 Yanan, 静怡 Jingyi, 金凤 Jinfeng, 彩霞 Caixia, 艳红 Yanhong, 玉珍 Yuzhen,"
    "秀芳 Xiufang, 丽萍 Liping, 晓霞 Xiaoxia, 慧敏 Huimin, 海霞 Haixia, 春梅 Chunmei, 秋菊 Qiuju, 月娥 Yue'e,"
    "亚琴 Yaqin, 新梅 Xinmei, 燕妮 Yanni, 晓琳 Xiaolin, 雅琪 Yaqi, 子涵 Zihan, 诗涵 Shihan"
)
HAN_GIVEN_M = _pairs(
    "伟 Wei, 强 Qiang, 军 Jun, 磊 Lei, 勇 Yong, 杰 Jie, 涛 Tao, 明 Ming, 超 Chao, 刚 Gang, 平 Ping, 辉 Hui,"
    "鹏 Peng, 华 Hua, 飞 Fei, 斌 Bin, 波 Bo, 峰 Feng, 浩 Hao, 鑫 Xin, 宇 Yu, 建国 Jianguo, 建军 Jianjun,"
    "志强 Zhiqiang, 海涛 Haitao, 国庆 Guoqing, 建华 Jianhua, 文博 Wenbo, 俊杰 Junjie, 子豪 Zihao,"
    "浩然 Haoran, 宇航 Yuhang, 明辉 Minghui, 永强 Yongqiang, 振华 Zhenhua, 德明 Deming, 新民 Xinmin,"
    "卫东 Weidong, 小龙 Xiaolong, 晓东 Xiaodong, 立新 Lixin, 红军 Hongjun, 学军 Xuejun, 天明 Tianming,"
    "春生 Chunsheng, 金龙 Jinlong, 国强 Guoqiang, 建平 Jianping, 永刚 Yonggang, 宏伟 Hongwei, 家豪 Jiahao,"
    "博文 Bowen, 思远 Siyuan, 一鸣 Yiming, 德胜 Desheng, 长青 Changqing, 永福 Yongfu, 新华 Xinhua,"
    "学文 Xuewen, 海军 Haijun, 建新 Jianxin, 玉林 Yulin, 志明 Zhiming, 俊峰 Junfeng"
)
HUI_SURNAMES = _pairs(
    "马 Ma, 马 Ma, 马 Ma, 马 Ma, 马 Ma, 白 Bai, 杨 Yang, 丁 Ding, 韩 Han, 冶 Ye, 哈 Ha, 纳 Na, 米 Mi, 海 Hai,"
    "穆 Mu, 金 Jin, 沙 Sha, 拜 Bai, 李 Li, 王 Wang, 张 Zhang, 苏 Su, 锁 Suo, 撒 Sa"
)

UYGHUR_GIVEN_F = _pairs(
    "阿依古丽 Aygul, 古丽娜尔 Gulnar, 热依拉 Reyila, 迪丽努尔 Dilnur, 阿依努尔 Aynur, 帕提古丽 Patigul,"
    "努尔古丽 Nurgul, 祖丽菲亚 Zulpiye, 米娜瓦尔 Minawar, 阿米娜 Amina, 玛依拉 Mayila, 热孜宛古丽 Rizwangul,"
    "阿瓦古丽 Awagul, 帕丽达 Parida, 古再丽努尔 Guzelnur, 热娜古丽 Renagul, 努尔曼古丽 Nurmangul,"
    "迪丽拜尔 Dilber, 阿孜古丽 Azigul, 美合日班 Mehriban, 图尔荪古丽 Tursungul, 苏比努尔 Subinur,"
    "玛丽亚木 Mariyem, 帕夏古丽 Pashagul, 加米拉 Jamila, 阿依先木 Ayshem, 再努热 Zeynure, 古丽米拉 Gulmira,"
    "布帕提玛 Bupatime, 热依汗古丽 Reyhangul"
)
UYGHUR_MALE = _pairs(
    "艾力 Eli, 买买提 Memet, 吐尔逊 Tursun, 艾尔肯 Erkin, 阿不都热合曼 Abdurehman, 依明 Imin, 热合曼 Rehman,"
    "吐尔洪 Turghun, 艾买提 Ehmet, 卡德尔 Qadir, 亚森 Yasin, 阿布都拉 Abdulla, 肉孜 Rozi, 玉素甫 Yusup,"
    "阿里木 Alim, 塔依尔 Tahir, 伊力哈木 Ilham, 吾买尔 Omer, 库尔班 Qurban, 司马义 Ismayil, 喀斯木 Qasim,"
    "赛买提 Semet, 努尔买买提 Nurmemet, 阿迪力 Adil, 艾则孜 Eziz, 木拉提 Murat, 阿不力孜 Abliz, 尼亚孜 Niyaz,"
    "帕尔哈提 Perhat, 买合木提 Mehmut, 阿布来提 Ablet, 吾斯曼 Osman, 哈力克 Haliq, 沙拉木 Salam, 克然木 Kerim,"
    "亚库甫 Yaqup, 阿卜杜克力木 Abdukerim, 图尔贡 Turgun, 麦麦提敏 Memetimin, 迪力夏提 Dilshat"
)
KAZAKH_GIVEN_F = _pairs(
    "阿依达娜 Aydana, 古丽加娜提 Guljanat, 加娜尔 Zhanar, 阿赛丽 Asel, 巴合提古丽 Bakhytgul, 沙吾列 Sawle,"
    "哈丽达 Khalida, 阿丽米拉 Almira, 达娜 Dana, 古丽巴哈尔 Gulbakhar, 阿娜尔 Anar, 玛依努尔 Maynur,"
    "阿克木拉 Akmira, 加依达尔古丽 Zhaydargul, 古丽米热 Gulmire, 热依萨 Raysa"
)
KAZAKH_MALE = _pairs(
    "努尔兰 Nurlan, 叶尔兰 Yerlan, 哈那提 Khanat, 叶尔波拉提 Yerbolat, 沙肯 Shaken, 阿合买提 Akhmet,"
    "巴合提 Bakhyt, 加帕尔 Zhapar, 吐尔逊别克 Tursunbek, 马合沙提 Makhsat, 赛力克 Serik, 达吾列提 Dawlet,"
    "叶尔肯 Yerken, 阿斯哈尔 Askhar, 哈森 Khasen, 别克 Bek, 叶尔江 Yerzhan, 阿依波拉提 Aybolat,"
    "托合塔尔 Tokhtar, 波拉提 Bolat, 江阿拜 Zhanabay, 胡安德克 Khuandyk"
)
MONGOL_GIVEN_F = _pairs(
    "乌兰 Wulan, 其其格 Qiqige, 萨仁 Saren, 娜仁 Naren, 高娃 Gaowa, 托娅 Tuoya, 斯琴 Siqin, 图雅 Tuya,"
    "乌云 Wuyun, 格日勒 Gerile, 其木格 Qimuge, 塔娜 Tana, 萨日娜 Sarina, 乌日娜 Wurina, 诺敏 Nuomin,"
    "吉雅 Jiya, 阿拉坦其其格 Alatanqiqige"
)
MONGOL_MALE = _pairs(
    "巴图 Batu, 朝鲁 Chaolu, 巴特尔 Bater, 额尔德尼 Erdeni, 孟克 Mengke, 那顺 Nasun, 宝音 Baoyin, 布和 Buhe,"
    "苏和 Suhe, 达瓦 Dawa, 满都拉 Mandula, 巴音 Bayin, 乌力吉 Wuliji, 敖其尔 Aoqier, 道尔吉 Daoerji,"
    "巴雅尔 Bayaer, 吉日格勒 Jirigele, 额尔敦 Erdun, 那木斯来 Namusilai, 才仁 Cairen, 阿拉腾 Alateng,"
    "桑杰 Sangjie, 策登 Cedeng, 达瓦加甫 Dawajiafu"
)


class NamePool:
    """Draws names from a seeded random generator, avoiding repeats as long as the pools allow."""

    def __init__(self, rng: random.Random, reserved: set[str] | frozenset[str] = frozenset()) -> None:
        self.rng = rng
        self.used: set[str] = set(reserved)

    def ethnicity(self) -> str:
        codes, weights = zip(*ETHNICITY_WEIGHTS, strict=True)
        return self.rng.choices(codes, weights=weights)[0]

    def make(self, ethnicity: str, gender: str) -> Name:
        name = self.draw(ethnicity, gender)
        for _attempt in range(60):
            if name.name not in self.used:
                break
            name = self.draw(ethnicity, gender)
        self.used.add(name.name)
        return name

    def draw(self, ethnicity: str, gender: str) -> Name:
        """A name, repeats allowed (the dataset generator draws millions)."""
        rng = self.rng
        if ethnicity in (HAN, HUI):
            surname = rng.choice(HUI_SURNAMES if ethnicity == HUI else HAN_SURNAMES)
            given = rng.choice(HAN_GIVEN_F if gender == "F" else HAN_GIVEN_M)
            return Name(surname[0] + given[0], f"{surname[1]} {given[1]}")
        given_f, male = {
            UYGHUR: (UYGHUR_GIVEN_F, UYGHUR_MALE),
            KAZAKH: (KAZAKH_GIVEN_F, KAZAKH_MALE),
            MONGOL: (MONGOL_GIVEN_F, MONGOL_MALE),
        }[ethnicity]
        given = rng.choice(given_f if gender == "F" else male)
        father = rng.choice(male)
        while father == given:
            father = rng.choice(male)
        return Name(f"{given[0]}·{father[0]}", f"{given[1]} {father[1]}")
