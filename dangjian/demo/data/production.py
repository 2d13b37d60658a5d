"""Party building in production in the demo (DOMAIN.md §5): the garment branch's teams in charge,
its pairings, posts and Huo Xiuquan's course for the 44 quality inspectors; the county's 45
Party Pioneer Posts."""

from __future__ import annotations

from decimal import Decimal

# The article: "45 'Party Pioneer Posts'" in Hejing county, recognised by the county committee.
HEJING_RECOGNISED_POSTS = 45
# Of them, the garment company's; the rest are spread over the county's other enterprises.
GARMENT_RECOGNISED_POSTS = 12
# Posts the branches have proposed and the county has yet to recognise (its to-do list).
GARMENT_PROPOSED_POSTS = 2
OTHER_PROPOSED_POSTS = 2
# Pairings of the garment branch (1+1 and 1+N), He Yanping with Li Xiaoyan and a member with
# Abibahan among them.
GARMENT_PAIRINGS = 14
# Teams of other Hejing enterprises left without a member in charge (the county's gap).
OTHER_UNCOVERED_TEAMS = 4

QC_COURSE = {
    "title": "质检员岗位技能培训",
    "skill": "成品全面检验与入库前质量把关",
    "hours": Decimal("24"),
}
QC_SESSIONS = (
    ("服装质量标准与检验流程", Decimal("3")),
    ("面辅料检验", Decimal("3")),
    ("缝制质量与常见疵点", Decimal("3")),
    ("尺寸测量与规格核对", Decimal("3")),
    ("整烫、包装检验", Decimal("3")),
    ("入库前全面检验实操", Decimal("3")),
    ("质量问题记录与返修跟踪", Decimal("3")),
    ("结业考核", Decimal("3")),
)
# A second, recent course: sewing skills led by a member of a sewing team.
SEWING_COURSE = {
    "title": "缝纫工提质增效技能培训",
    "skill": "平缝机规范操作与工序提速",
    "hours": Decimal("12"),
}
SEWING_SESSIONS = (
    ("平缝机规范操作", Decimal("3")),
    ("工序衔接与提速", Decimal("3")),
    ("疵点预防与自检", Decimal("3")),
    ("实操考核", Decimal("3")),
)

PAIRING_NOTES = (
    "一起学习了新的操作规程，缝制速度有提高。",
    "谈心谈话，了解家庭情况，帮助解决孩子入学问题。",
    "宣讲了园区最新的就业和社保政策。",
    "指导熨烫工序要点，返修率明显下降。",
    "一起参加了党支部主题党日活动，交流了思想体会。",
    "帮助制定个人技能提升计划。",
)

# (kind, title, commitment) of the garment company's posts; {team} is the team's or the
# building's name.
GARMENT_POSTS = (
    ("vanguard", "质检党员先锋岗", "严把成品质量关，不让一件不合格产品出厂。"),
    ("area", "6号厂房党员责任区", "责任区内安全生产零事故，产品一次合格率98%以上。"),
    ("model", "样衣制作示范岗", "精益求精做好每一件样衣，带出一支技术过硬的样衣队伍。"),
    ("vanguard", "{team}党员先锋岗", "带头完成生产任务，帮助组员提升技能，做到质量、效率双提升。"),
)
OTHER_POSTS = (
    ("vanguard", "党员先锋岗", "立足岗位作表率，带头攻坚克难，优质高效完成各项任务。"),
    ("area", "党员责任区", "管好责任区，安全生产无事故，服务群众有温度。"),
    ("model", "党员示范岗", "技能过硬、服务一流，做给群众看、带着群众干。"),
)
