"""The people of the source article, the fixed people behind the demo logins, the logins
themselves, and the shares of education by kind of post."""

from __future__ import annotations

from dataclasses import dataclass

from dangjian.demo.names import Name
from dangjian.people.choices import Education

DEMO_PASSWORD = "demo12345"

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
# The county cadres the article names, members of the organisation department's office branch:
# name, gender, age, education, post, and when they were admitted (years after the year of
# birth, month, day).
COUNTY_CADRES = (
    (LIU_HONG, "F", 52, Education.MASTER, "县委常委、组织部部长", (22, 6, 18)),
    (INSTRUCTOR, "M", 41, Education.BACHELOR, "县委组织部组织科科长、党建指导员", (21, 11, 8)),
)
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
    Login(
        "Enterprise statistician",
        "statistician",
        "顾丽 Gu Li, statistician of the garment company: enters the teams' monthly production figures",
    ),
    Login(
        "Party member",
        "member",
        "阿依古丽·吐尔逊 Aygul Tursun, sewing team leader, full member; a pacesetter ballot to cast",
    ),
    Login(
        "Employee",
        "abibahan",
        "阿比巴汗·买提沙力 Abibahan Metisali, sewing worker, applied to join, income model; a pacesetter ballot to cast",
    ),
    Login("Administrator", "admin", "Django admin superuser"),
)
DEMO_USERNAMES = tuple(login.username for login in LOGINS)

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
