"""The garment company's "four pacesetters" rounds in the demo (DOMAIN.md §5, §6): their plan
relative to the branch's founding and to today, the categories, and each nomination with its
reason, evidence and the share of the employees' votes it draws.

The article: "Since the establishment of the party branch, two pacesetter selections have been
carried out"; Li Xiaoyan "after only one month of work in the company … was rated as a learning
model"; Abibahan Metisali and her husband both work at the company and "last year the couple
saved more than 40,000 yuan"."""

from __future__ import annotations

from dataclasses import dataclass

# The first round, in days after the branch's founding (4 May): nominations open about a month on
# (Li Xiaoyan, hired twelve days before the founding, has worked there a month), evidence a week
# later, a four-day vote, the committee's review, a five-day public notice, the announcement.
FIRST_PLAN = {"opens_on": 24, "evidence_on": 31, "vote_on": 34, "vote_until": 37, "notice_on": 40}
FIRST_NOTICE_DAYS = 5
# Days after the vote opened on which the committee reviewed the count (before the notice).
FIRST_REVIEWED_AFTER = 4
# The second round, in days from today: its vote opened three days ago and runs a week.
SECOND_PLAN = {"opens_on": -24, "evidence_on": -14, "vote_on": -3, "vote_until": 4, "notice_on": 7}
SECOND_NOTICE_DAYS = 5

# Shares of the roll who vote: the first round's whole turnout, the second's so far.
FIRST_TURNOUT = 0.87
SECOND_TURNOUT_SO_FAR = 0.42
# A voter leaves a category blank now and then.
BLANK_SHARE = 0.04
# The demo logins among the garment company's employees (by their key in b.named) who have voted
# in the second round, and those who have not: a ballot waits on their to-do.
SECOND_VOTED_LOGINS = ("he", "huo")
SECOND_WAITING_LOGINS = ("member", "abibahan", "hr")


@dataclass(frozen=True)
class CategoryPlan:
    builtin: str
    name: str
    quota: int = 1
    description: str = ""


CATEGORIES = (
    CategoryPlan("learning", "学习型标兵", 1, "勤学技能、钻研工艺，带动身边人共同提高"),
    CategoryPlan("thinking", "思想型标兵", 1, "思想积极、团结同事，主动宣传党的政策"),
    CategoryPlan("performance", "业绩型标兵", 1, "产量、质量、交期等生产指标突出"),
    CategoryPlan("income", "增收型标兵", 1, "靠技能和勤劳增加收入，带动家庭和身边人增收"),
)
# The first round gives the income model two places: a couple stood and both were chosen.
FIRST_INCOME_QUOTA = 2
FIRST_INCOME_DESCRIPTION = "靠技能和勤劳增加收入，带动家庭和身边人增收（本轮设两个名额）"


@dataclass(frozen=True)
class Nominee:
    """A nomination: `who` is an article person's key (b.named) or a kind of employee drawn at
    random: "worker" (a non-member on a team, not its leader), "young" (the same, under 30),
    "party_member" (a full member on a team, not its leader), "qc" (a quality inspector), "cutter",
    "merchandiser" (跟单员), "trainee" (passed the branch's recent sewing course); `kind` how they
    were nominated; `support` their share of the category's votes (the blank share aside)."""

    category: str
    who: str
    kind: str
    reason: str
    evidence: str
    figures: tuple[tuple[str, str], ...] = ()
    support: float = 1.0
    declines: str = ""  # the nominee declines, with this note (before the vote)


FIRST_NOMINEES = (
    Nominee(
        "learning",
        "li",
        "peer",
        "入职刚满一个月，主动钻研新款式工艺，带着全组边学边干。",
        "入职一个月内自学并掌握公司三类主打款式的全部工序，整理工序要点卡12张；"
        "每天下班后留在车间带教新员工，本组8名新员工全部通过岗位技能考核。",
        (("掌握新款式工艺", "3类"), ("带教新员工", "8人")),
        support=0.62,
    ),
    Nominee(
        "learning",
        "young",
        "self",
        "利用业余时间参加缝纫技能夜校，考取了中级工证书。",
        "参加园区缝纫技能夜校共16次课，通过中级工考核，平缝机操作速度提高两成。",
        (("夜校学习", "16次"),),
        support=0.22,
    ),
    Nominee(
        "learning",
        "worker",
        "team_leader",
        "虚心向老师傅请教，很快从熨烫工转为多能工。",
        "三个月内学会熨烫、锁边、钉扣三道工序，能在缺员时顶岗。",
        support=0.16,
    ),
    Nominee(
        "thinking",
        "party_member",
        "peer",
        "班前会上常给大家讲政策，谁有困难都愿意找她说说。",
        "在班前会上宣讲园区就业和社保政策10余次，帮助3名同事解决子女入学和租房问题。",
        (("宣讲政策", "10余次"), ("帮助同事", "3人")),
        support=0.55,
    ),
    Nominee(
        "thinking",
        "worker",
        "team_leader",
        "主动调解班组矛盾，带头遵守车间纪律。",
        "两次主动化解同事之间的工作矛盾，所在班组连续两个月无违纪。",
        support=0.28,
    ),
    Nominee(
        "thinking",
        "young",
        "self",
        "积极参加支部组织的群众活动，主动交流思想认识。",
        "受邀列席支部党员大会2次，会后主动向支部书记谈自己的认识和想法。",
        support=0.17,
    ),
    Nominee(
        "performance",
        "worker",
        "team_leader",
        "连续两个月产量全组第一，返修率最低。",
        "4月、5月计件产量均为全组第一，一次交检合格率99.3%。",
        (("一次交检合格率", "99.3%"), ("月计件产量排名", "全组第一")),
        support=0.5,
    ),
    Nominee(
        "performance",
        "qc",
        "peer",
        "把好质量关，发现并纠正一批批量性疵点。",
        "在入库前检验中发现两起批量性缝制疵点，避免返工损失约1.2万元。",
        (("避免返工损失", "约1.2万元"),),
        support=0.3,
    ),
    Nominee(
        "performance",
        "cutter",
        "self",
        "改进排料方法，提高面料利用率。",
        "改进排料方法后面料利用率提高约2个百分点。",
        (("面料利用率", "提高约2个百分点"),),
        support=0.2,
    ),
    Nominee(
        "income",
        "abibahan",
        "team_leader",
        "夫妻二人都在公司上班，勤学技能、多劳多得，家庭收入明显增加。",
        "阿比巴汗与丈夫艾尔肯都在公司务工，夫妻二人学技术、肯吃苦，去年家庭结余4万多元，对今后的生活充满信心。",
        (("家庭一年结余", "4万多元"), ("在公司务工", "夫妻二人")),
        support=0.42,
    ),
    Nominee(
        "income",
        "husband",
        "peer",
        "裁剪岗位上的多面手，和妻子一起在公司务工增收。",
        "艾尔肯在裁剪一班从学徒做到熟练工，计件工资逐月提高；夫妻二人去年家庭结余4万多元。",
        (("家庭一年结余", "4万多元"),),
        support=0.37,
    ),
    Nominee(
        "income",
        "worker",
        "self",
        "从乡里来园区就近就业，月收入稳步提高。",
        "入职后月收入从2,600元增加到4,100元，带动同村2人来公司就业。",
        (("月收入", "2,600元→4,100元"), ("带动就业", "2人")),
        support=0.21,
    ),
)

SECOND_NOMINEES = (
    Nominee(
        "learning",
        "trainee",
        "team_leader",
        "参加支部党员带教的缝纫提质增效培训，考核合格，进步很快。",
        "参加缝纫工提质增效技能培训全部课程并考核合格，工序用时缩短15%。",
        (("工序用时", "缩短15%"),),
        support=0.45,
    ),
    Nominee(
        "learning",
        "worker",
        "self",
        "自学服装制版软件，帮助样衣组缩短打样时间。",
        "业余自学制版软件，协助样衣班组完成6个新款打样。",
        (("协助打样", "6款"),),
        support=0.33,
    ),
    Nominee(
        "learning",
        "merchandiser",
        "peer",
        "主动学习外贸跟单业务，订单交期准确率提高。",
        "自学外贸跟单流程，负责的订单全部按期交付。",
        support=0.22,
    ),
    Nominee(
        "thinking",
        "party_member",
        "team_leader",
        "结对帮扶两名新员工，经常和他们谈心，帮助他们安心工作。",
        "与两名新员工“1+1”结对，谈心谈话十余次，两人均已稳定在岗。",
        (("结对帮扶", "2人"),),
        support=0.5,
    ),
    Nominee(
        "thinking",
        "worker",
        "peer",
        "热心集体事务，组织班组读书角。",
        "在5号厂房组织班组读书角，每周一次集体学习。",
        support=0.3,
    ),
    Nominee(
        "thinking",
        "party_member",
        "self",
        "带头学习党史，在班组分享学习体会。",
        "参加支部党史学习教育全部专题，在班前会分享体会4次。",
        support=0.2,
        declines="感谢大家推荐，我刚转岗，想把机会让给更年轻的同事。",
    ),
    Nominee(
        "performance",
        "huo",
        "peer",
        "带出44名质检员，产品质量稳步提高。",
        "作为质检工程师结对帮扶质检班组，组织质检员岗位技能培训，先后为公司培训质检员44名；"
        "第二季度成品一次交检合格率稳步提高。",
        (("培训质检员", "44名"),),
        support=0.52,
    ),
    Nominee(
        "performance",
        "worker",
        "team_leader",
        "连续三个月超额完成计件任务。",
        "近三个月每月计件产量均超额完成任务两成以上，无一次返修。",
        (("超额完成", "两成以上"),),
        support=0.3,
    ),
    Nominee(
        "performance",
        "cutter",
        "peer",
        "裁剪精准，配合缝纫组赶工按期交货。",
        "赶制秋冬订单期间主动加班，裁片零差错。",
        support=0.18,
    ),
    Nominee(
        "income",
        "worker",
        "self",
        "学会多道工序后计件工资提高，家里盖了新房。",
        "掌握三道工序后月收入增加约1,200元，今年家里翻盖了新房。",
        (("月收入增加", "约1,200元"),),
        support=0.48,
    ),
    Nominee(
        "income",
        "worker",
        "team_leader",
        "带动同村姐妹来公司就业，一起增收。",
        "先后介绍同村5名姐妹来公司就业，均已成为熟练工。",
        (("带动就业", "5人"),),
        support=0.34,
    ),
)

OBJECTION = "增收型标兵的两位人选是夫妻，一个家庭占了两个名额，是否合适？请支部说明。"
OBJECTION_ANSWER = (
    "经支委会核实：本轮增收型标兵设两个名额，评的是个人靠技能和勤劳增收、带动家庭增收的作用。"
    "阿比巴汗和艾尔肯分别在缝纫十四组和裁剪一班务工，各自的计件工资和家庭结余情况已由人事部门核对属实，"
    "两人得票均在前两位，维持原结果。"
)
# Days into the notice on which the objection was raised, and answered.
OBJECTION_RAISED_AFTER = 1
OBJECTION_ANSWERED_AFTER = 3
