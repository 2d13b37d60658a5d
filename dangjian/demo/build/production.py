"""Party building in production (DOMAIN.md §5) as the article tells it: the garment branch has all
26 of the company's teams in its members' charge since its founding ("full coverage"), pairs
members with workers 1+1 and 1+N (He Yanping with Li Xiaoyan, a member with Abibahan before she
applied), holds posts in No. 6 factory building, and Huo Xiuquan has trained the 44 quality
inspectors; across Hejing the county committee has recognised 45 Party Pioneer Posts, with a few
more proposed, and a few teams of other enterprises still have no member in charge.

Everything goes through production.services (actor None, audited like the rest of the demo).
The random stream is one of its own, so every other name and date of the demo stays as it was.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal

from dangjian.choices import PARTY_MEMBER_STATUSES, PoliticalStatus
from dangjian.demo.build.base import Builder
from dangjian.demo.data.production import (
    GARMENT_PAIRINGS,
    GARMENT_POSTS,
    GARMENT_PROPOSED_POSTS,
    GARMENT_RECOGNISED_POSTS,
    HEJING_RECOGNISED_POSTS,
    OTHER_POSTS,
    OTHER_PROPOSED_POSTS,
    OTHER_UNCOVERED_TEAMS,
    PAIRING_NOTES,
    QC_COURSE,
    QC_SESSIONS,
    SEWING_COURSE,
    SEWING_SESSIONS,
)
from dangjian.development.models import Candidacy
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit, UnitKind
from dangjian.people.models import Membership, Person
from dangjian.production import services
from dangjian.production.models import Course, Pairing, Post, PostStatus, Purpose, Result, SessionAttendance

NON_MEMBERS = (PoliticalStatus.MASSES, PoliticalStatus.LEAGUE)


class _Production:
    def __init__(self, b: Builder) -> None:
        assert b.garment is not None and b.garment_branch is not None
        self.b = b
        self.rng = random.Random(f"{b.seed}:production")
        self.today = b.today
        self.founding = b.founding
        self.county: Organization = b.committees["county"]
        self.garment: Enterprise = b.garment
        self.branch: Organization = b.garment_branch
        self.full = list(
            Person.objects.filter(
                employer=self.garment,
                party_org__path__startswith=self.branch.path,
                political_status=PoliticalStatus.FULL,
            )
            .select_related("team__parent", "party_org")
            .order_by("pk")
        )
        self.teams = list(
            ProductionUnit.objects.filter(enterprise=self.garment, kind=UnitKind.TEAM)
            .select_related("parent", "enterprise")
            .order_by("pk")
        )
        self.in_charge: dict[int, Person] = {}  # team pk → the member who has it in charge today
        self.partnered: set[int] = set()
        self.post_holders: set[int] = set()

    def day(self, lo: dt.date, hi: dt.date) -> dt.date:
        if hi <= lo:
            return lo
        return lo + dt.timedelta(days=self.rng.randint(0, (hi - lo).days))

    # --- the garment company ------------------------------------------------------------------

    def garment_teams(self) -> None:
        """Every team in a member's charge from the founding day; one handed over since."""
        named = self.b.named
        charges: dict[int, int] = {}
        handed = False
        for team in self.teams:
            own = [p for p in self.full if p.team_id == team.pk]
            if team.pk == named["huo"].team_id:
                member = named["huo"]
            elif team.pk == named["member"].team_id:
                member = named["member"]
            elif own:
                leaders = [p for p in own if p.post == "班组长"]
                member = leaders[0] if leaders else self.rng.choice(own)
            else:  # no full member on the team: one of the same building's, the least busy
                near = [p for p in self.full if p.team is not None and p.team.parent_id == team.parent_id]
                member = min(near or self.full, key=lambda p: (charges.get(p.pk, 0), p.pk))
            charges[member.pk] = charges.get(member.pk, 0) + 1
            charge = services.take_charge(
                actor=None, organization=self.branch, team=team, member=member, started_on=self.founding
            )
            self.in_charge[team.pk] = member
            others = [p for p in own if p.pk != member.pk and p.pk not in charges]
            if not handed and others and team.pk not in (named["huo"].team_id, named["member"].team_id):
                # The first team leader moved to another line: the team passed to a member on it,
                # with no day uncovered.
                successor = others[0]
                on = self.founding + dt.timedelta(days=self.rng.randint(60, 100))
                services.hand_over(actor=None, charge=charge, member=successor, on=on)
                charges[member.pk] -= 1
                charges[successor.pk] = charges.get(successor.pk, 0) + 1
                self.in_charge[team.pk] = successor
                handed = True

    def workers(self, team_id: int | None, k: int, exclude: set[int]) -> list[Person]:
        """Up to k workers of a team who are not party members or candidates and not yet paired."""
        pool = list(
            Person.objects.filter(employer=self.garment, team_id=team_id, political_status__in=NON_MEMBERS)
            .exclude(pk__in=exclude | self.partnered)
            .order_by("pk")
        )
        return self.rng.sample(pool, min(k, len(pool)))

    def pair(self, member: Person, partners: Sequence[Person], purposes: Sequence[str], started_on: dt.date) -> Pairing:
        pairing = services.pair(
            actor=None,
            organization=self.branch,
            member=member,
            partners=list(partners),
            purposes=list(purposes),
            started_on=started_on,
        )
        self.partnered.update(p.pk for p in partners)
        return pairing

    def garment_pairings(self) -> list[Pairing]:
        """1+1 and 1+N pairings: He Yanping with Li Xiaoyan (the article), a member with
        Abibahan and her husband before she applied, members with the other applicants of the
        branch's first month before they applied, and members with workers of their teams."""
        named, founding = self.b.named, self.founding
        pairings = [
            self.pair(named["he"], [named["li"]], [Purpose.SKILLS, Purpose.THINKING], founding + dt.timedelta(days=1)),
            self.pair(
                named["member"],
                [named["abibahan"], named["husband"]],
                [Purpose.THINKING, Purpose.LIFE, Purpose.POLICY],
                founding + dt.timedelta(days=2),
            ),
        ]
        members_paired = {named["he"].pk, named["member"].pk}
        first_month = (
            Candidacy.objects.filter(
                organization=self.branch, applied_on__gt=founding, applied_on__lte=founding + dt.timedelta(days=31)
            )
            .exclude(person=named["abibahan"])
            .select_related("person")
            .order_by("applied_on", "pk")
        )
        for cand in list(first_month)[:3]:
            person = cand.person
            on_team = [p for p in self.full if p.team_id == person.team_id and p.pk not in members_paired]
            member = on_team[0] if on_team else next(p for p in self.full if p.pk not in members_paired)
            more = self.workers(person.team_id, self.rng.randint(0, 2), {person.pk})
            start = min(founding + dt.timedelta(days=2), cand.applied_on - dt.timedelta(days=1))
            pairings.append(self.pair(member, [person, *more], [Purpose.SKILLS, Purpose.THINKING], start))
            members_paired.add(member.pk)
        purposes = list(Purpose.values)
        candidates = [p for p in self.full if p.pk not in members_paired and p.pk != named["huo"].pk]
        self.rng.shuffle(candidates)
        for member in candidates[: GARMENT_PAIRINGS - len(pairings)]:
            partners = self.workers(member.team_id, self.rng.choice((1, 1, 2, 3, 4)), {named["li"].pk})
            if not partners:
                continue
            chosen = [Purpose.SKILLS, *self.rng.sample([p for p in purposes if p != Purpose.SKILLS], 1)]
            start = founding + dt.timedelta(days=self.rng.randint(7, 90))
            pairings.append(self.pair(member, partners, chosen, start))
        return pairings

    def notes(self, pairings: list[Pairing]) -> None:
        """Notes on how each pairing goes; the last two have been quiet for over two months."""
        quiet = {p.pk for p in pairings[-2:]}
        for pairing in pairings:
            people = [pairing.member, *(x.person for x in pairing.partners.select_related("person"))]
            last = self.today - dt.timedelta(days=75 if pairing.pk in quiet else 3)
            first = pairing.started_on + dt.timedelta(days=10)
            days = sorted({self.day(first, last) for _ in range(self.rng.randint(2, 4))})
            for i, on in enumerate(days):
                author = pairing.member if i % 2 == 0 else self.rng.choice(people[1:])
                services.add_note(
                    actor=None, pairing=pairing, author=author, text=self.rng.choice(PAIRING_NOTES), written_on=on
                )

    def course(
        self,
        trainer: Person,
        spec: dict,
        sessions: tuple[tuple[str, Decimal], ...],
        trainees: list[Person],
        starts_on: dt.date,
        every: int,
        results: Sequence[str],
        certificate_prefix: str = "",
    ) -> Course:
        """A course with its sessions (attendance marked, most present) and its assessments."""
        held = [starts_on + dt.timedelta(days=every * i) for i in range(len(sessions))]
        ends_on = held[-1] + dt.timedelta(days=2)
        course = services.open_course(
            actor=None,
            organization=self.branch,
            trainer=trainer,
            starts_on=starts_on,
            ends_on=ends_on,
            **spec,
        )
        services.enrol(actor=None, course=course, people=trainees)
        for (topic, hours), on in zip(sessions, held, strict=True):
            services.hold_session(actor=None, course=course, held_on=on, hours=hours, topic=topic)
        rows = SessionAttendance.objects.filter(session__course=course).order_by("session__held_on", "trainee_id")
        for row in rows:
            if self.rng.random() < 0.94:
                services.mark_attendance(actor=None, attendance=row, present=True)
        assessed = ends_on
        certified = 0
        for trainee, result in zip(course.trainees.order_by("pk"), results, strict=True):
            if result == Result.PENDING:
                continue
            extra: dict = {}
            if result == Result.CERTIFIED:
                certified += 1
                extra = {
                    "certificate_no": f"{certificate_prefix}-{assessed.year}-{certified:03d}",
                    "certified_on": assessed + dt.timedelta(days=10),
                }
            services.assess(actor=None, trainee=trainee, result=result, assessed_on=assessed, **extra)
        return course

    def garment_courses(self) -> None:
        """Huo Xiuquan's course for the 44 quality inspectors of No. 6 factory building, all of them
        passed (most certified), and a recent sewing course led by a sewing team's member."""
        huo = self.b.named["huo"]
        inspectors = list(
            Person.objects.filter(employer=self.garment, team_id=huo.team_id, post="质检员").order_by("pk")
        )
        certified = round(len(inspectors) * 0.7)
        results = [Result.CERTIFIED] * certified + [Result.PASSED] * (len(inspectors) - certified)
        self.course(
            huo,
            QC_COURSE,
            QC_SESSIONS,
            inspectors,
            self.founding + dt.timedelta(days=14),
            7,
            results,
            certificate_prefix="HJFZ-ZJ",
        )
        sixth = [
            t for t in self.teams if t.parent is not None and t.parent.name == "6号厂房" and t.name.startswith("缝纫")
        ]
        trainer = next(self.in_charge[t.pk] for t in sixth if self.in_charge[t.pk].pk != huo.pk)
        pool = list(
            Person.objects.filter(
                employer=self.garment, team__in=sixth, political_status__in=(*NON_MEMBERS, PoliticalStatus.APPLICANT)
            )
            .exclude(pk=self.b.named["li"].pk)
            .exclude(post="班组长")
            .order_by("pk")
        )
        trainees = [
            self.b.named["abibahan"],
            *self.rng.sample([p for p in pool if p.pk != self.b.named["abibahan"].pk], 19),
        ]
        results = [Result.PASSED] * 15 + [Result.FAILED] * 3 + [Result.PENDING] * 2
        self.rng.shuffle(results[1:])
        results = [Result.PASSED, *results[1:]]  # Abibahan "learned a lot of skills"
        starts = self.today - dt.timedelta(days=75)
        self.course(trainer, SEWING_COURSE, SEWING_SESSIONS, trainees, starts, 14, results)

    def propose(
        self,
        org: Organization,
        kind: str,
        title: str,
        holder: Person,
        commitment: str,
        started_on: dt.date,
        unit: ProductionUnit | None,
        recognise: bool,
        line: str = "",
    ) -> Post:
        post = services.propose_post(
            actor=None,
            organization=org,
            kind=kind,
            title=title[:60],
            holder=holder,
            commitment=commitment,
            started_on=started_on,
            unit=unit,
            line=line,
        )
        self.post_holders.add(holder.pk)
        if recognise:
            on = min(self.today, started_on + dt.timedelta(days=self.rng.randint(10, 40)))
            services.set_post_status(
                actor=None, post=post, status=PostStatus.RECOGNISED, on=on, recognised_by=self.county
            )
        return post

    def garment_posts(self) -> None:
        """Posts held by the branch's members, those of No. 6 factory building first."""
        huo = self.b.named["huo"]
        by_name = {t.name: t for t in self.teams}
        workshop = next(t.parent for t in self.teams if t.parent is not None and t.parent.name == "6号厂房")
        sixth = [t for t in self.teams if t.parent_id == workshop.pk]
        plan: list[tuple[str, str, Person, str, ProductionUnit]] = []
        (vg_kind, vg_title, vg_text), (area_kind, area_title, area_text), model, team_post = GARMENT_POSTS
        plan.append((vg_kind, vg_title, huo, vg_text, by_name["质检班组"]))
        area_holder = next(
            p for p in self.full if p.team is not None and p.team.parent_id == workshop.pk and p.pk != huo.pk
        )
        plan.append((area_kind, area_title, area_holder, area_text, workshop))
        sample = by_name["样衣班组"]
        if self.in_charge[sample.pk].pk not in {huo.pk, area_holder.pk}:
            plan.append((model[0], model[1], self.in_charge[sample.pk], model[2], sample))
        used = {p.pk for _k, _t, p, _c, _u in plan}
        rest = sixth + [t for t in self.teams if t.parent_id != workshop.pk]
        for team in rest:
            holder = self.in_charge[team.pk]
            if holder.pk in used:
                continue
            used.add(holder.pk)
            plan.append((team_post[0], team_post[1].format(team=team.name), holder, team_post[2], team))
        wanted = GARMENT_RECOGNISED_POSTS + GARMENT_PROPOSED_POSTS
        assert len(plan) >= wanted, "fewer members in charge of teams than the garment company's posts"
        for i, (kind, title, holder, text, unit) in enumerate(plan[:wanted]):
            recognise = i < GARMENT_RECOGNISED_POSTS
            started = self.founding + dt.timedelta(days=self.rng.randint(20, 60))
            if not recognise:  # proposed in the last weeks
                started = self.today - dt.timedelta(days=self.rng.randint(5, 20))
            line = "6号厂房" if unit.pk == workshop.pk or unit.parent_id == workshop.pk else ""
            self.propose(self.branch, kind, title, holder, text, started, unit, recognise, line)

    # --- the county's other enterprises --------------------------------------------------------

    def others(self) -> None:
        """Teams in charge and posts in Hejing's other enterprises with a party organisation: a few
        teams left uncovered, the county's 45 recognised posts completed, two more proposed."""
        enterprises = [e for e in self.b.hejing_enterprises if e.pk != self.garment.pk and e.party_org_id is not None]
        joined = dict(
            Membership.objects.filter(ended_on__isnull=True, person__employer__in=enterprises).values_list(
                "person_id", "joined_org_on"
            )
        )
        holders: list[tuple[Enterprise, Organization, Person]] = []
        with_teams: list[tuple[Enterprise, list[ProductionUnit]]] = []
        kept: dict[int, tuple[Organization, list[Person], list[ProductionUnit]]] = {}
        for ent in enterprises:
            assert ent.party_org is not None  # those without are left out above
            org = ent.party_org
            members = list(
                Person.objects.filter(
                    employer=ent, party_org__path__startswith=org.path, political_status__in=PARTY_MEMBER_STATUSES
                )
                .select_related("team")
                .order_by("pk")
            )
            teams = list(ProductionUnit.objects.filter(enterprise=ent, kind=UnitKind.TEAM).order_by("pk"))
            if teams and members:
                with_teams.append((ent, teams))
            holders.extend((ent, org, p) for p in members if p.political_status == PoliticalStatus.FULL)
            kept[ent.pk] = (org, members, teams)
        # The gap: the last team of the enterprises with the most teams.
        gap = {
            teams[-1].pk
            for _ent, teams in sorted(with_teams, key=lambda et: (-len(et[1]), et[0].pk))[:OTHER_UNCOVERED_TEAMS]
        }
        far = self.today - dt.timedelta(days=3 * 365)
        for ent in enterprises:
            org, members, teams = kept[ent.pk]
            for i, team in enumerate(teams):
                if team.pk in gap or not members:
                    continue
                on_team = [p for p in members if p.team_id == team.pk]
                member = on_team[0] if on_team else members[i % len(members)]
                lo = max(joined.get(member.pk) or far, member.hire_date or far, far)
                services.take_charge(
                    actor=None,
                    organization=org,
                    team=team,
                    member=member,
                    started_on=self.day(lo, self.today - dt.timedelta(days=30)),
                )
        # Posts: one holder per enterprise in turn, so they spread over the county.
        wanted = HEJING_RECOGNISED_POSTS - GARMENT_RECOGNISED_POSTS + OTHER_PROPOSED_POSTS
        queues: dict[int, list[tuple[Enterprise, Organization, Person]]] = {}
        for ent, org, person in holders:
            queues.setdefault(ent.pk, []).append((ent, org, person))
        order: list[tuple[Enterprise, Organization, Person]] = []
        while len(order) < wanted and any(queues.values()):
            for key in list(queues):
                if queues[key] and len(order) < wanted:
                    order.append(queues[key].pop(self.rng.randrange(len(queues[key]))))
        assert len(order) == wanted, "too few full members in Hejing's enterprises for the county's posts"
        for i, (_ent, org, person) in enumerate(order):
            kind, title, text = OTHER_POSTS[i % len(OTHER_POSTS)]
            title = f"{person.team.name}{title}" if person.team is not None else title
            recognise = i < wanted - OTHER_PROPOSED_POSTS
            lo = max(joined.get(person.pk) or far, far)
            started = (
                self.day(lo, self.today - dt.timedelta(days=60))
                if recognise
                else self.today - dt.timedelta(days=self.rng.randint(3, 30))
            )
            self.propose(org, kind, title, person, text, started, person.team, recognise)


def build_production(b: Builder) -> None:
    p = _Production(b)
    p.garment_teams()
    p.notes(p.garment_pairings())
    p.garment_courses()
    p.garment_posts()
    p.others()
