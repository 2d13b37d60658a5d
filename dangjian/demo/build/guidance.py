"""County guidance (DOMAIN.md §4) as the article tells it: Hejing's 68 instructors, one at each
of its enterprises since the spring of last year, each with their declaration of no business tie
and this year's visits — most once a quarter or more, a few behind — with the problems they found
in the hands of the branch secretary, the manager or themselves, mostly closed with a note; at the
garment company one is overdue, in He Yanping's hands.

Last year (from the spring, when they were assigned) has its visits too, and the county's
appraisal of it: a cap of 20 % on Excellent (13 of the 68), a dozen rated Excellent, most
Competent, a few Basically competent and one Not competent; at the garment company its secretary
(He Yanping) and its HR manager gave their opinion of the instructor first.

Everything goes through guidance.services (audited like the rest of the demo). The random stream
is one of its own, so every other name and date of the demo stays as it was.
"""

from __future__ import annotations

import datetime as dt
import random

from dangjian.access.models import Role, RoleAssignment
from dangjian.calendar import QUARTER, periods_in
from dangjian.demo.build.base import Builder
from dangjian.guidance import selectors, services
from dangjian.guidance.models import Grade, Rating, Topic

MET = ("支部书记", "人事经理", "生产主管", "三名一线职工", "入党积极分子", "党小组长")
PROBLEMS = (
    "党员活动室制度未上墙",
    "发展对象培养记录不全",
    "三会一课记录缺少签到",
    "新入职党员组织关系尚未转入",
    "先锋岗承诺内容需更新",
    "班组包联名单未公示",
)
CLOSINGS = ("已整改到位", "已补齐记录", "已公示并存档", "已转入组织关系")
BEHIND = 6  # instructors who missed a quarter this year


def build_guidance(b: Builder) -> dict[str, int]:
    rng = random.Random(f"{b.seed}:guidance")
    today = b.today
    quarters = [q for q in periods_in(today.year, QUARTER) if q.first_day <= today]
    ras = list(
        RoleAssignment.objects.filter(role=Role.INSTRUCTOR, enterprise__in=b.hejing_enterprises)
        .select_related("user", "enterprise__party_org")
        .order_by("pk")
    )
    behind = set(rng.sample(range(1, len(ras)), min(BEHIND, len(ras) - 1))) if len(ras) > 1 else set()
    counts = {"visits": 0, "follow_ups": 0, "closed": 0}
    for i, ra in enumerate(ras):
        assert ra.enterprise is not None  # an instructor's role is held on an enterprise
        services.declare(actor=None, assignment=ra, declared_on=ra.started_on)
        owners = selectors.owners_for(ra.enterprise)
        garment = ra.enterprise == b.garment
        for q in quarters:
            last = min(q.last_day, today - dt.timedelta(days=1))
            if last < q.first_day or (i in behind and q != quarters[-1] and q.index == len(quarters) - 1):
                continue
            if q == quarters[-1] and not garment and rng.random() < 0.35:
                continue  # not yet this quarter: due, not behind
            on = q.first_day + dt.timedelta(days=rng.randint(0, (last - q.first_day).days))
            visit = services.record_visit(
                actor=None,
                instructor=ra.user,
                enterprise=ra.enterprise,
                visited_on=on,
                minutes=rng.choice((45, 60, 90, 120)),
                met="、".join(rng.sample(MET, 2)),
                topics=rng.sample([t.value for t in Topic], rng.randint(1, 3)),
                notes="",
                today=today,
            )
            counts["visits"] += 1
            if not owners or not (garment or rng.random() < 0.3):
                continue
            owner, _role = owners[0] if garment else rng.choice(owners)
            if garment and b.named["he"].pk in b.users:
                owner = b.users[b.named["he"].pk]
            due = on + dt.timedelta(days=30)
            item = services.add_follow_up(
                actor=None,
                instructor=ra.user,
                visit=visit,
                problem=rng.choice(PROBLEMS),
                owner=owner,
                due_on=due,
                today=today,
            )
            counts["follow_ups"] += 1
            # The garment company's latest problem is overdue; the others are closed when due.
            overdue_here = garment and q == quarters[-2] if len(quarters) > 1 else garment
            if due < today and not overdue_here:
                services.close_follow_up(
                    actor=None, by=owner, item=item, note=rng.choice(CLOSINGS), closed_on=min(due, today), today=today
                )
                counts["closed"] += 1
    return counts


EXCELLENT = 12  # within the cap: 20 % of 68 is 13
BASIC = 3
COMMENTS = {
    Grade.EXCELLENT: ("走访扎实，帮助企业规范了三会一课。", "推动班组包联全覆盖，成效明显。"),
    Grade.COMPETENT: ("按要求完成走访，整改跟踪到位。", "履职尽责，指导及时。"),
    Grade.BASICALLY_COMPETENT: ("走访次数偏少，整改跟踪不够及时。",),
    Grade.NOT_COMPETENT: ("全年走访不足，问题整改长期未跟进。",),
}


def build_appraisals(b: Builder) -> dict[str, int]:
    """Last year's visits from the instructors' assignment in the spring, then the county's
    appraisal of that year under its cap, the garment company's opinion first. A stream of its own."""
    rng = random.Random(f"{b.seed}:appraisals")
    today = b.today
    year = today.year - 1
    county = b.committees["county"]
    ras = list(
        RoleAssignment.objects.filter(role=Role.INSTRUCTOR, enterprise__in=b.hejing_enterprises)
        .select_related("user", "enterprise__party_org")
        .order_by("pk")
    )
    counts = {"visits": 0, "appraisals": 0, "opinions": 0}
    for ra in ras:
        assert ra.enterprise is not None  # an instructor's role is held on an enterprise
        owners = selectors.owners_for(ra.enterprise)
        for q in periods_in(year, QUARTER):
            first = max(q.first_day, ra.started_on)
            if first > q.last_day or rng.random() < 0.15:
                continue
            on = first + dt.timedelta(days=rng.randint(0, (q.last_day - first).days))
            visit = services.record_visit(
                actor=None,
                instructor=ra.user,
                enterprise=ra.enterprise,
                visited_on=on,
                minutes=rng.choice((45, 60, 90)),
                met="、".join(rng.sample(MET, 2)),
                topics=rng.sample([t.value for t in Topic], rng.randint(1, 2)),
                today=today,
            )
            counts["visits"] += 1
            if owners and rng.random() < 0.3:
                owner, _role = rng.choice(owners)
                item = services.add_follow_up(
                    actor=None,
                    instructor=ra.user,
                    visit=visit,
                    problem=rng.choice(PROBLEMS),
                    owner=owner,
                    due_on=on + dt.timedelta(days=30),
                    today=today,
                )
                # All of last year's are closed by now (this year's overdue one at the garment
                # company is the only one the county chases): most when due, some weeks late.
                late = dt.timedelta(days=0 if rng.random() < 0.85 else rng.randint(14, 60))
                services.close_follow_up(
                    actor=None,
                    by=owner,
                    item=item,
                    note=rng.choice(CLOSINGS),
                    closed_on=min(item.due_on + late, today),
                    today=today,
                )
    # The garment company's secretary and HR manager give their opinion of its instructor.
    assert b.garment is not None  # built before the instructors
    garment_instructor = next(ra.user for ra in ras if ra.enterprise == b.garment)
    for person_key, rating, comment in (
        ("he", Rating.SATISFIED, "每季度都来支部，帮我们把发展党员的记录补齐了。"),
        ("hr", Rating.BASICALLY_SATISFIED, "指导及时，希望多到车间班组走一走。"),
    ):
        author = b.users.get(b.named[person_key].pk)
        if author is None:
            continue
        services.give_opinion(
            actor=None,
            author=author,
            enterprise=b.garment,
            instructor=garment_instructor,
            year=year,
            rating=rating,
            comment=comment,
            today=today,
        )
        counts["opinions"] += 1
    config = selectors.config_for(county)
    services.save_config(
        actor=None, organization=county, visit_period=config.visit_period, topics=config.topics, excellent_cap=20
    )
    # Grades follow the year's visits: the most visits Excellent (the garment company's among
    # them), the fewest below Competent.
    figures = selectors.year_figures([ra.user_id for ra in ras], county, year)
    order = sorted(ras, key=lambda ra: (ra.user != garment_instructor, -figures[ra.user_id].visits, rng.random()))
    for i, ra in enumerate(order):
        if i < EXCELLENT:
            grade = Grade.EXCELLENT
        elif i == len(order) - 1:
            grade = Grade.NOT_COMPETENT
        elif i >= len(order) - 1 - BASIC:
            grade = Grade.BASICALLY_COMPETENT
        else:
            grade = Grade.COMPETENT
        services.appraise(
            actor=None,
            committee=county,
            instructor=ra.user,
            year=year,
            grade=grade,
            comment=rng.choice(COMMENTS[grade]),
            today=today,
        )
        counts["appraisals"] += 1
    return counts
