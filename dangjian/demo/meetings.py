"""The garment branch's life since its founding (DOMAIN.md §3, §6): 三会一课 — monthly theme party
days on the 5th, monthly committee meetings, quarterly branch general meetings and party
lectures (one by the secretary He Yanping), monthly meetings of the four party groups — the
organisational life meeting of the year's last quarter, party-history learning sessions with
their materials and hours, and the collective political birthday of 28 June in the party member
activity room of No. 6 factory building.

Realistic gaps, placed relative to today so the compliance calendar is live: the theme party day
of the month before last was called off for a rush order and not made up, the committee meeting
of three months ago was not quorate, and this month's committee meeting is still planned. Most
members come; a few are on leave with a reason (night shift, business trip, sick leave, family
visit), a few are absent. Applicants and workers are invited to branch general meetings ("when
the party branch meeting is held, we invite the masses"), counted apart from the members.

Everything goes through branchlife.services with actor=None, like the rest of the demo, with a
random stream of its own so the other demo data do not move.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dangjian import calendar as periods
from dangjian.birthdays.selectors import cohort_people
from dangjian.branchlife import rules as meeting_rules
from dangjian.branchlife import services as branchlife
from dangjian.branchlife.models import Attendance, Meeting, MeetingKind, Period
from dangjian.choices import PoliticalStatus
from dangjian.demo.build.base import Builder
from dangjian.demo.data.meetings import (
    ACTIVITY_ROOM,
    CELEBRATION_TOPIC,
    COMMITTEE_TOPICS,
    FOUNDING_MEETING,
    GENERAL_TOPICS,
    GROUP_TOPICS,
    LEAVE_DETAILS,
    LEAVE_REASONS,
    MEETING_ROOM,
    OTHER_BRANCH_TOPICS,
    THEME_DAY,
    THEME_DAYS,
)
from dangjian.development import selectors as development_selectors
from dangjian.organizations import selectors as org_selectors
from dangjian.organizations.models import Organization, OrgKind, ProductionUnit
from dangjian.people import selectors as people_selectors
from dangjian.people.models import Person

SEED_OFFSET = 628
HELD, PLANNED, CANCELLED = Meeting.Status.HELD, Meeting.Status.PLANNED, Meeting.Status.CANCELLED


@dataclass
class Plan:
    """One meeting to write, and how its attendance went."""

    org: Organization
    kind: str
    on: dt.date
    topic: str
    place: str
    starts_at: dt.time
    host: Person | None
    recorder: Person | None
    minutes: str = ""
    materials: str = ""
    hours: Decimal | None = None
    note: str = ""
    status: str = HELD
    attendance: str = "usual"  # usual / full / not_quorate
    all_members: bool = False  # a collective political birthday for every member (28 June)
    invite: list[tuple[Person, bool]] = field(default_factory=list)  # (person, came)


def workday(day: dt.date) -> dt.date:
    """A Saturday or Sunday moves to the next Monday."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def months_between(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    out, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def months_before(day: dt.date, n: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - n
    return index // 12, index % 12 + 1


class BranchLife:
    def __init__(self, builder: Builder, seed: int) -> None:
        self.today = builder.today
        self.founding = builder.founding
        self.rng = random.Random(seed + SEED_OFFSET)
        branch, sewing_team = builder.garment_branch, builder.named["abibahan"].team
        if branch is None or sewing_team is None:
            raise RuntimeError("the garment branch and its people are built before its meetings")
        self.branch: Organization = branch
        self.sewing_team: ProductionUnit = sewing_team  # Abibahan's
        self.park = builder.committees["park"]
        self.he = builder.named["he"]
        self.huo = builder.named["huo"]
        self.li = builder.named["li"]
        self.abibahan = builder.named["abibahan"]
        self.husband = builder.named["husband"]
        self.instructor = builder.instructors[0]
        # The committee but the secretary (He Yanping) and Huo Xiuquan.
        others = branchlife.committee_of(self.branch).exclude(pk__in=(self.he.pk, self.huo.pk)).order_by("pk")
        # 组织委员 (keeps the records) and 纪检委员; Huo Xiuquan is 宣传委员.
        self.organiser, self.inspector = list(others)[:2]
        self.groups = list(self.branch.children.filter(kind=OrgKind.PARTY_GROUP).order_by("pk"))
        self.members = list(branchlife.members_under(self.branch).select_related("team__parent").order_by("pk"))
        self.missed_theme_day = months_before(self.today, 2)
        self.short_committee = months_before(self.today, 3)
        self.plans: list[Plan] = []

    # --- people -------------------------------------------------------------------------------

    def group_people(self, index: int) -> tuple[Person, Person]:
        """A group's leader and recorder: full members working in its factory building (the
        fourth group also has the offices)."""
        workshop = ("1号厂房", "2号厂房", "5号厂房", "6号厂房")[index]
        fixed = {self.he.pk, self.organiser.pk, self.inspector.pk}
        here = [
            p
            for p in self.members
            if p.political_status == PoliticalStatus.FULL
            and p.pk not in fixed
            and (
                (p.team is not None and p.team.parent is not None and p.team.parent.name == workshop)
                or (index == 3 and p.team is None)
            )
        ]
        if index == 3:
            here.sort(key=lambda p: p.pk != self.huo.pk)  # Huo Xiuquan leads the group of No. 6
        else:
            here = [p for p in here if p.pk != self.huo.pk]
        return here[0], here[1]

    def applicants(self, before: dt.date) -> list[Person]:
        """The branch's applicants who had applied by `before`, Abibahan first."""
        people = development_selectors.applicants_of(self.branch, applied_before=before)
        return [self.abibahan, *(p for p in people if p.pk != self.abibahan.pk)]

    def workers(self, n: int) -> list[Person]:
        """Non-member workers of Abibahan's sewing team."""
        qs = people_selectors.masses_in_team(self.sewing_team).exclude(pk=self.abibahan.pk)
        pool = list(qs.order_by("pk"))
        return self.rng.sample(pool, min(n, len(pool)))

    # --- the plan -----------------------------------------------------------------------------

    def when(self, day: dt.date) -> str | None:
        """Held before today; planned later this month; not written otherwise."""
        if day < self.founding:
            return None
        if day < self.today:
            return HELD
        if (day.year, day.month) == (self.today.year, self.today.month):
            return PLANNED
        return None

    def add(self, plan: Plan) -> None:
        status = self.when(plan.on)
        if status is None:
            return
        if plan.status == HELD:
            plan.status = status
        elif status == PLANNED:
            return
        self.plans.append(plan)

    def plan_months(self) -> None:
        branch = self.branch
        for y, m in months_between(self.founding, self.today):
            founding_month = (y, m) == (self.founding.year, self.founding.month)
            theme = self.theme_day(y, m, minutes=THEME_DAYS[m][1])
            if (y, m) == self.missed_theme_day:
                theme.status = CANCELLED
                theme.minutes = ""
                theme.note = "赶制出口订单，全员加班，主题党日未开展，当月未补开。"
            self.add(theme)

            if founding_month:
                on, topic = self.founding, "支委会第一次会议：委员分工，研究支部工作计划"
                minutes = (
                    f"一、确定支委分工：何艳萍任书记，{self.organiser.name}任组织委员，霍秀全任宣传委员，"
                    f"{self.inspector.name}任纪检委员；\n二、研究支部工作计划和“三会一课”安排；\n"
                    f"三、确定每月{THEME_DAY}日为主题党日。"
                )
            else:
                on, topic = workday(dt.date(y, m, 26)), COMMITTEE_TOPICS[m]
                minutes = f"一、{topic}；\n二、通报上月“三会一课”落实情况；\n三、议定事项由分管委员抓好落实。"
            committee = Plan(
                branch,
                MeetingKind.COMMITTEE,
                on,
                topic,
                MEETING_ROOM,
                dt.time(17, 30),
                self.he,
                self.organiser,
                minutes,
            )
            if (y, m) == self.short_committee:
                committee.attendance = "not_quorate"
                committee.minutes = "到会委员不足半数，会议只通报情况，不作决定；议题顺延至下次支委会。"
            if founding_month:  # right after the founding meeting that elected it
                committee.starts_at, committee.attendance = dt.time(16, 30), "full"
            self.add(committee)

            for i, group in enumerate(self.groups):
                leader, recorder = self.group_people(i)
                topic = GROUP_TOPICS[(m + i) % len(GROUP_TOPICS)]
                self.add(
                    Plan(
                        group,
                        MeetingKind.GROUP,
                        workday(dt.date(y, m, 12 + 2 * i)),
                        topic,
                        f"{('1号厂房', '2号厂房', '5号厂房', '6号厂房')[i]}职工休息室",
                        dt.time(12, 40),
                        leader,
                        recorder,
                        f"一、{topic}；\n二、组长布置本月党员先锋岗任务。",
                    )
                )

    def plan_quarters(self) -> None:
        branch = self.branch
        invited_meetings = 0
        seen: set[tuple[int, int]] = set()
        for y, m in months_between(self.founding, self.today):
            q = (m - 1) // 3 + 1
            if (y, q) in seen:
                continue
            seen.add((y, q))
            first = (y, q) == (self.founding.year, (self.founding.month - 1) // 3 + 1)
            # The branch general meeting: the founding meeting, then mid-quarter.
            if first:
                on, (topic, minutes) = self.founding, FOUNDING_MEETING
                note = "和静县工业园区党委派员出席"
            else:
                on, (topic, minutes) = workday(dt.date(y, 3 * q - 1, 18)), GENERAL_TOPICS[q]
                note = ""
            general = Plan(
                branch, MeetingKind.GENERAL, on, topic, MEETING_ROOM, dt.time(15, 0), self.he, self.organiser, minutes
            )
            general.note = note
            if not first and invited_meetings < 2 and self.when(on) == HELD:
                invited_meetings += 1
                general.note = "邀请入党申请人和职工群众代表列席"
                applicants = self.applicants(on)
                if invited_meetings == 1:
                    people = [*applicants[:3], self.li, self.husband, *self.workers(1)]
                else:
                    people = [self.abibahan, self.li, *applicants[3:5], *self.workers(2)]
                seen_people: set[int] = set()
                for n, person in enumerate(people):
                    if person.pk in seen_people:
                        continue
                    seen_people.add(person.pk)
                    general.invite.append((person, n < len(people) - 1))  # the last one did not come
            self.add(general)

            # The party lecture, late in the quarter: the secretary gives the first.
            on = workday(dt.date(y, 3 * q, 20))
            if first:
                lecture = Plan(
                    branch,
                    MeetingKind.LECTURE,
                    on,
                    "“七一”专题党课：牢记初心使命 在生产一线当先锋",
                    ACTIVITY_ROOM,
                    dt.time(15, 0),
                    self.he,
                    self.organiser,
                    "何艳萍同志结合支部成立以来的变化讲党课，要求党员在“党建赋能班组”中当先锋、作表率。",
                    "《中国共产党章程》；《中国共产党简史》（节选）",
                    Decimal("1.5"),
                    "书记讲党课",
                )
            elif q == 3:
                lecture = Plan(
                    branch,
                    MeetingKind.LECTURE,
                    on,
                    "把党建优势转化为企业发展优势",
                    ACTIVITY_ROOM,
                    dt.time(15, 0),
                    self.instructor,
                    self.organiser,
                    "县委组织部党建指导员王志刚同志结合园区企业实例授课，党员交流学习体会。",
                    "党建指导员讲稿；园区企业党建工作案例汇编",
                    Decimal("1.5"),
                    "党建指导员授课",
                )
            elif q == 4:
                lecture = Plan(
                    branch,
                    MeetingKind.LECTURE,
                    on,
                    "质量就是企业的生命——党员在质检岗位上的担当",
                    "6号厂房质检区",
                    dt.time(15, 0),
                    self.huo,
                    self.organiser,
                    "霍秀全同志讲述质检员培训经历，党员结合岗位谈如何把好质量关。",
                    "公司质量管理制度；质检岗位操作规程",
                    Decimal("1.0"),
                )
            else:
                lecture = Plan(
                    branch,
                    MeetingKind.LECTURE,
                    on,
                    "学习《中国共产党纪律处分条例》 严守纪律规矩",
                    ACTIVITY_ROOM,
                    dt.time(15, 0),
                    self.inspector,
                    self.organiser,
                    f"{self.inspector.name}同志领学条例重点条款，通报典型案例。",
                    "《中国共产党纪律处分条例》",
                    Decimal("1.5"),
                )
            self.add(lecture)

        # The organisational life meeting and appraisal of the members, each year in Q4.
        for year in range(self.founding.year, self.today.year + 1):
            self.add(
                Plan(
                    branch,
                    MeetingKind.LIFE,
                    workday(dt.date(year, 11, 20)),
                    f"{year}年度组织生活会暨民主评议党员",
                    ACTIVITY_ROOM,
                    dt.time(9, 30),
                    self.he,
                    self.organiser,
                    "一、何艳萍同志代表支委会作对照检查；\n二、党员逐一开展批评与自我批评；\n"
                    "三、开展民主测评，结果报园区党委；\n四、梳理问题清单，明确整改措施和时限。",
                    note="园区党委派员列席指导",
                )
            )

    def plan_once(self) -> None:
        """The collective political birthday before 1 July, each year, and the party-history
        learning sessions of the first year."""
        branch, year = self.branch, self.founding.year
        for celebration_year in range(year, self.today.year + 1):
            celebration_day = dt.date(celebration_year, 6, 28)
            cohort = cohort_people(branch, celebration_day).count()
            self.add(
                Plan(
                    branch,
                    MeetingKind.CELEBRATION,
                    celebration_day,
                    CELEBRATION_TOPIC,
                    ACTIVITY_ROOM,
                    dt.time(8, 0),
                    self.he,
                    self.organiser,
                    "一、全体党员佩戴党员徽章，面向党旗重温入党誓词；\n"
                    "二、向本月过政治生日的党员发放和静县委专门印制的政治生日贺卡；\n"
                    "三、党员代表发言，谈入党初心和岗位承诺；\n"
                    "四、何艳萍同志讲话，要求党员在生产一线发挥先锋模范作用。",
                    note=f"支部全体党员参加；本月过政治生日的党员{cohort}名。",
                    attendance="full",
                    all_members=True,
                )
            )
        sessions = (
            (
                dt.date(year, 7, 10),
                "党史学习教育：中国共产党的百年奋斗历程",
                "《中国共产党简史》第一至三章；《中共中央关于党的百年奋斗重大成就和历史经验的决议》（节选）",
                Decimal("2.0"),
                "一、集体学习指定篇目；\n二、党员结合岗位交流学习体会；\n三、学习资料发到各党小组，班组学习角常备。",
            ),
            (
                dt.date(year, 10, 16),
                "党史学习教育：土尔扈特东归与民族团结进步",
                "《中国共产党简史》第四、五章；和静县东归文化展陈讲解材料",
                Decimal("1.5"),
                "一、集体观看东归历史专题片；\n二、党员讲述本地民族团结故事；\n三、各党小组结合生产安排一次学习交流。",
            ),
        )
        for on, topic, materials, hours, minutes in sessions:
            self.add(
                Plan(
                    branch,
                    MeetingKind.STUDY,
                    workday(on),
                    topic,
                    ACTIVITY_ROOM,
                    dt.time(15, 0),
                    self.he,
                    self.organiser,
                    minutes,
                    materials,
                    hours,
                )
            )

    def theme_day(self, y: int, m: int, **more: Any) -> Plan:
        """The branch's theme party day of month `m`: the month's topic, the same day, room and
        hour every month, He chairing and the organisation member recording; `more` as Plan's."""
        return Plan(
            self.branch,
            MeetingKind.THEME_DAY,
            dt.date(y, m, THEME_DAY),
            THEME_DAYS[m][0],
            ACTIVITY_ROOM,
            dt.time(16, 30),
            self.he,
            self.organiser,
            **more,
        )

    def ensure_planned(self) -> None:
        """There is a planned meeting ahead: this month's, else next month's theme party day."""
        if any(p.status == PLANNED for p in self.plans):
            return
        y, m = months_before(self.today, -1)
        self.plans.append(self.theme_day(y, m, status=PLANNED))

    # --- writing ------------------------------------------------------------------------------

    def attend(self, meeting: Meeting, plan: Plan) -> None:
        """Everyone present to start with (as a recorder does on the phone), then the exceptions."""
        if not branchlife.mark_all_present(actor=None, meeting=meeting):
            return  # nobody expected (the party groups have no members of their own on record)
        rows = list(meeting.attendances.filter(invited=False).select_related("meeting").order_by("person_id"))
        rng = self.rng
        busy = [a for a in rows if a.person_id not in {self.he.pk, plan.recorder.pk if plan.recorder else None}]
        if plan.attendance == "not_quorate":  # only the secretary came
            away = [a for a in rows if a.person_id != self.he.pk]
            leave, absent = away[:-1], away[-1:]
        elif plan.attendance == "full":
            leave, absent = [], []
        elif plan.kind == MeetingKind.COMMITTEE:
            leave, absent = rng.sample(busy, rng.choice((0, 0, 0, 1))), []
        else:
            picked = rng.sample(busy, rng.choice((1, 2, 2, 3, 3, 4)) + rng.choice((0, 0, 1, 1, 2)))
            n_leave = max(1, len(picked) - rng.choice((0, 0, 1, 1, 2)))
            leave, absent = picked[:n_leave], picked[n_leave:]
        for a in leave:
            reason = rng.choice(LEAVE_DETAILS[rng.choice(LEAVE_REASONS)])
            if plan.attendance == "not_quorate":
                reason = "出差（乌鲁木齐采购面辅料）" if a.person_id == self.huo.pk else "病假"
            branchlife.set_attendance(actor=None, attendance=a, state=Attendance.State.LEAVE, reason=reason)
        for a in absent:
            branchlife.set_attendance(actor=None, attendance=a, state=Attendance.State.ABSENT)

    def write(self, plan: Plan) -> Meeting:
        meeting = branchlife.plan_meeting(
            actor=None,
            organization=plan.org,
            kind=plan.kind,
            held_on=plan.on,
            topic=plan.topic,
            status=plan.status,
            starts_at=plan.starts_at,
            place=plan.place,
            host=plan.host,
            recorder=plan.recorder,
            minutes=plan.minutes if plan.status == HELD else "",
            materials=plan.materials,
            hours=plan.hours if plan.status == HELD else None,
            note=plan.note,
            all_members=plan.all_members,
        )
        if plan.status != HELD:
            return meeting
        self.attend(meeting, plan)
        for person, came in plan.invite:
            attendance = branchlife.invite(actor=None, meeting=meeting, person=person)
            if came:
                branchlife.set_attendance(actor=None, attendance=attendance, state=Attendance.State.PRESENT)
        return meeting

    def build(self) -> list[Meeting]:
        # The park committee holds its branches' theme party day on a fixed day of the month.
        branchlife.save_rule(
            actor=None,
            organization=self.park,
            kind=MeetingKind.THEME_DAY,
            period=Period.MONTH,
            times=1,
            day_of_month=THEME_DAY,
        )
        self.plan_months()
        self.plan_quarters()
        self.plan_once()
        self.ensure_planned()
        self.plans.sort(key=lambda p: (p.on, p.starts_at, p.org.pk))
        return [self.write(p) for p in self.plans]


def build(builder: Builder, seed: int) -> list[Meeting]:
    """Write the garment branch's meetings, once the builder has built the branch, its people and
    their roles."""
    return BranchLife(builder, seed).build()


# --- the county's other branches ------------------------------------------------------------------

# How members attended the other branches' meetings: mostly present, now and then away.
ATTENDANCE = [Attendance.State.PRESENT] * 17 + [Attendance.State.LEAVE, Attendance.State.ABSENT]


def records_elsewhere(builder: Builder, seed: int) -> int:
    """This year's meetings of the county's other branches (see `year_of_meetings`); the garment
    branch's meetings above go through the services."""
    return year_of_meetings(
        builder.committees["county"],
        builder.today,
        random.Random(seed + SEED_OFFSET + 1),
        skip=builder.garment_branch,
        label="demo",
    )


def year_of_meetings(
    county: Organization, today: dt.date, rng: random.Random, *, skip: Organization | None = None, label: str
) -> int:
    """This year's meetings, up to yesterday, of every branch and party group under `county`
    (but `skip` and its groups), each branch as diligent as its secretary (from about half of
    what is due to all of it), so the county's roll-up has branches ahead and behind. Written in
    bulk — a seed of many rows, like `generate_dataset` — with one audit event for the lot,
    described as `label`'s. Returns the attendance rows written."""
    orgs_qs = org_selectors.subtree(county, meeting_rules.CALENDAR_ORG_KINDS | {"group"})
    if skip is not None:
        orgs_qs = orgs_qs.exclude(pk=skip.pk).exclude(parent=skip)
    orgs = list(orgs_qs.order_by("pk"))
    diligence = {o.pk: rng.choice((0.5, 0.7, 0.85, 0.95, 1.0)) for o in orgs}
    org_rules = branchlife.rules_for(orgs)
    meetings: list[Meeting] = []
    for org in orgs:
        kinds = (
            [MeetingKind.GROUP]
            if org.kind == OrgKind.PARTY_GROUP
            else [k for k in OTHER_BRANCH_TOPICS if k != MeetingKind.GROUP]
        )
        keen = (
            diligence[org.parent_id]
            if org.kind == OrgKind.PARTY_GROUP and org.parent_id in diligence
            else diligence[org.pk]
        )
        for kind in kinds:
            for span in periods.periods_in(today.year, org_rules[org.pk][kind].period):
                last = min(span.last_day, today - dt.timedelta(days=1))
                if last < span.first_day or rng.random() > keen:
                    continue
                on = span.first_day + dt.timedelta(days=rng.randint(0, (last - span.first_day).days))
                meetings.append(
                    Meeting(organization=org, kind=kind, status=Meeting.Status.HELD, held_on=on, topic=OTHER_BRANCH_TOPICS[kind],
                            place="党员活动室", checkin_token=secrets.token_urlsafe(16))
                )  # fmt: skip
    return _write_bulk(meetings, rng, county.path, len(orgs), label)


def _write_bulk(meetings: list[Meeting], rng: random.Random, org_path: str, orgs: int, label: str) -> int:
    """Draw who came to each meeting, then write them all through branchlife's bulk service."""
    planned: list[list[Attendance]] = []
    for m in meetings:
        rows = []
        for pk in branchlife.expected_people(m.organization, m.kind, m.held_on).values_list("pk", flat=True):
            state = rng.choice(ATTENDANCE)
            reason = rng.choice(("夜班", "出差", "病假")) if state == Attendance.State.LEAVE else ""
            rows.append(Attendance(person_id=pk, state=state, reason=reason))
        present = sum(1 for a in rows if a.state == Attendance.State.PRESENT)
        m.quorate = meeting_rules.quorate(m.kind, present, len(rows))
        planned.append(rows)
    return branchlife.record_meetings_in_bulk(
        meetings=meetings, attendance=planned, label=label, org_path=org_path, orgs=orgs
    )
