"""The garment company's "four pacesetters" (DOMAIN.md §5, §6): two rounds open to all its
employees, members and non-members alike, organised by its branch.

- The first, about a month after the branch's founding, done and announced: Li Xiaoyan — a month
  in the company — learning model; Abibahan Metisali and her husband Erkin Memet, who saved more
  than 40,000 yuan last year, the income model's two places; a thinking and a performance model.
  Nominations by the nominees themselves, colleagues and team leaders with a short reason and
  evidence; most of the employees voted; the committee confirmed the results; during the public
  notice someone objected to one household holding both income places and the branch answered;
  then the announcement.
- The second, in its vote phase today: nominations and evidence (one nominee declined), and a
  good part of the employees have voted. He Yanping and Huo Xiuquan have; the demo's member,
  employee (Abibahan) and HR manager have not, so their to-do holds a ballot to cast.

Every step goes through selections.services and every ballot through ballots.services.cast
(actor None, audited as the command, like the rest of the demo), so the engine's rules apply: one
ballot per voter, nothing linking it to them. The random stream is one of its own, so every other
name and date of the demo stays as it was."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence

from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import Voter
from dangjian.choices import PoliticalStatus
from dangjian.demo.build.base import Builder
from dangjian.demo.data import selections as plan
from dangjian.demo.data.production import SEWING_COURSE
from dangjian.organizations.models import Enterprise, Organization
from dangjian.people.models import Person
from dangjian.people.rules import age_on
from dangjian.production.models import Result as Assessment
from dangjian.production.models import Trainee
from dangjian.selections import selectors, services
from dangjian.selections.models import Decision, Nomination, NominationKind, Phase, Round

NON_MEMBERS = (PoliticalStatus.MASSES, PoliticalStatus.LEAGUE)


def _dates(base: dt.date, offsets: dict[str, int]) -> dict[str, dt.date]:
    return {field: base + dt.timedelta(days=days) for field, days in offsets.items()}


class _Selections:
    def __init__(self, b: Builder) -> None:
        assert b.garment is not None and b.garment_branch is not None
        self.b = b
        self.rng = random.Random(f"{b.seed}:selections")
        self.today = b.today
        self.garment: Enterprise = b.garment
        self.branch: Organization = b.garment_branch
        self.employees = list(Person.objects.filter(employer=self.garment).select_related("team").order_by("pk"))
        self.leaders = {p.team_id: p for p in self.employees if p.team_id is not None and p.post.startswith("班组长")}
        self.named = {key: p.pk for key, p in b.named.items()}
        self.stood: set[int] = set()  # people drawn to stand, once across both rounds
        # Who passed the branch's recent sewing course (demo.build.production).
        self.trainees = set(
            Trainee.objects.filter(
                course__organization=self.branch, course__title=SEWING_COURSE["title"], result=Assessment.PASSED
            ).values_list("person_id", flat=True)
        )

    # --- who stands, who nominates --------------------------------------------------------------

    def _fits(self, who: str, p: Person, on: dt.date) -> bool:
        worker = p.team_id is not None and not p.post.startswith("班组长")
        if who == "worker":
            return worker and p.political_status in NON_MEMBERS
        if who == "young":
            return worker and p.political_status in NON_MEMBERS and age_on(p.birth_date, on) < 30
        if who == "party_member":
            return worker and p.political_status == PoliticalStatus.FULL
        if who == "qc":
            return p.post == "质检员"
        if who == "cutter":
            return p.post == "裁剪工"
        if who == "merchandiser":
            return p.post == "跟单员"
        if who == "trainee":
            return p.pk in self.trainees and p.political_status in NON_MEMBERS
        raise ValueError(who)

    def nominee(self, spec: plan.Nominee, on: dt.date) -> Person:
        """The article's person, or an employee of the kind the plan names, hired by `on`; a
        team leader's nominee is on a team with a leader."""
        if spec.who in self.named:
            return next(p for p in self.employees if p.pk == self.named[spec.who])
        named = set(self.named.values())
        pool = [
            p
            for p in self.employees
            if p.pk not in self.stood
            and p.pk not in named
            and p.hire_date is not None
            and p.hire_date <= on
            and self._fits(spec.who, p, on)
            and (spec.kind != NominationKind.TEAM_LEADER or p.team_id in self.leaders)
        ]
        person = self.rng.choice(pool)
        self.stood.add(person.pk)
        return person

    def nominator(self, kind: str, nominee: Person, on: dt.date) -> Person | None:
        if kind == NominationKind.TEAM_LEADER:
            assert nominee.team_id is not None
            return self.leaders[nominee.team_id]
        if kind == NominationKind.PEER:
            colleagues = [
                p
                for p in self.employees
                if p.pk != nominee.pk and p.team_id == nominee.team_id and p.hire_date is not None and p.hire_date <= on
            ]
            return self.rng.choice(colleagues)
        return None

    # --- a round --------------------------------------------------------------------------------

    def open(
        self, title: str, dates: dict[str, dt.date], notice_days: int, income: tuple[int, str] | None = None
    ) -> Round:
        categories = []
        for c in plan.CATEGORIES:
            quota, description = income if income and c.builtin == "income" else (c.quota, c.description)
            categories.append(
                services.CategorySpec(name=c.name, quota=quota, description=description, builtin=c.builtin)
            )
        return services.open_round(
            actor=None,
            enterprise=self.garment,
            organization=self.branch,
            title=title,
            opens_on=dates["opens_on"],
            evidence_on=dates["evidence_on"],
            vote_on=dates["vote_on"],
            vote_until=dates["vote_until"],
            notice_on=dates["notice_on"],
            notice_days=notice_days,
            categories=categories,
        )

    def nominate(self, r: Round, nominees: Sequence[plan.Nominee]) -> list[tuple[Nomination, plan.Nominee]]:
        """Each planned nomination; then, in the evidence phase, its evidence (or its decline)."""
        categories = {c.builtin: c for c in r.categories.all()}
        made = []
        for spec in nominees:
            person = self.nominee(spec, r.opens_on)
            n = services.nominate(
                actor=None,
                category=categories[spec.category],
                nominee=person,
                kind=spec.kind,
                reason=spec.reason,
                nominated_by=self.nominator(spec.kind, person, r.opens_on),
            )
            made.append((n, spec))
        services.advance(actor=None, round=r, today=r.evidence_on)
        for n, spec in made:
            if spec.declines:
                services.decline(actor=None, nomination=n, note=spec.declines)
                continue
            figures = [{"label": label, "value": value} for label, value in spec.figures]
            services.add_evidence(actor=None, nomination=n, text=spec.evidence, figures=figures)
        return made

    def vote(
        self,
        r: Round,
        made: Sequence[tuple[Nomination, plan.Nominee]],
        share: float,
        voted: Iterable[int] = (),
        not_voted: Iterable[int] = (),
    ) -> int:
        """Open the vote and have `share` of the roll cast a ballot, each choosing in every
        category by the nominees' planned support (now and then a blank), through the engine.
        Only those hired before the vote closed vote; `voted` are among them, `not_voted` not."""
        services.advance(actor=None, round=r, today=r.vote_on)
        r.refresh_from_db()
        poll = r.poll
        assert poll is not None and r.phase == Phase.VOTE
        support = {n.pk: spec.support for n, spec in made}
        questions = [
            (q.pk, [o.pk for o in q.options.all()], [support[int(o.ref)] for o in q.options.all()])
            for q in ballot_selectors.questions(poll)
        ]
        lines = ballot_selectors.unvoted(poll)
        must = set(voted)
        skip = set(not_voted) | must
        hired = {p.pk: p.hire_date for p in self.employees}
        able = [
            v for v in lines if v.person_id not in skip and (hired.get(v.person_id) or r.vote_until) <= r.vote_until
        ]
        first = [v for v in lines if v.person_id in must]
        k = max(0, round(share * len(lines)) - len(first))
        chosen: list[Voter] = first + self.rng.sample(able, min(k, len(able)))
        self.rng.shuffle(chosen)
        for line in chosen:
            line.poll = poll  # the audit event's reach reads it; the same poll for every line
            choices: dict[int, int | None] = {}
            for qid, options, weights in questions:
                blank = self.rng.random() < plan.BLANK_SHARE
                choices[qid] = None if blank else self.rng.choices(options, weights=weights)[0]
            ballots.cast(actor=None, voter=line, choices=choices)
        return len(chosen)

    # --- the two rounds -------------------------------------------------------------------------

    def first(self) -> Round:
        founding = self.b.founding
        dates = _dates(founding, plan.FIRST_PLAN)
        r = self.open(
            f"{dates['opens_on'].year}年“四型标兵”评选（第一轮）",
            dates,
            plan.FIRST_NOTICE_DAYS,
            income=(plan.FIRST_INCOME_QUOTA, plan.FIRST_INCOME_DESCRIPTION),
        )
        made = self.nominate(r, plan.FIRST_NOMINEES)
        self.vote(r, made, plan.FIRST_TURNOUT, voted=self.named.values())
        services.advance(actor=None, round=r, today=r.vote_until + dt.timedelta(days=1))  # counted
        reviewed = r.vote_on + dt.timedelta(days=plan.FIRST_REVIEWED_AFTER)
        results = selectors.results(r)
        expected = self._expected(made, r)
        elected = {res.nomination_id for res in results if res.elected}
        assert elected == expected, "the planned support should elect the planned pacesetters"
        for res in results:
            if res.elected:
                services.decide(actor=None, result=res, decision=Decision.CONFIRMED, today=reviewed)
        services.advance(actor=None, round=r, today=r.notice_on)
        r.refresh_from_db()
        assert r.noticed_on is not None and r.notice_until is not None
        couple = next(res for res in results if res.nomination.nominee_id == self.named["abibahan"])
        objection = services.raise_objection(
            actor=None,
            round=r,
            text=plan.OBJECTION,
            result=couple,
            today=r.noticed_on + dt.timedelta(days=plan.OBJECTION_RAISED_AFTER),
        )
        services.answer_objection(
            actor=None,
            objection=objection,
            answer=plan.OBJECTION_ANSWER,
            today=r.noticed_on + dt.timedelta(days=plan.OBJECTION_ANSWERED_AFTER),
        )
        services.advance(actor=None, round=r, today=r.notice_until + dt.timedelta(days=1))
        return r

    def _expected(self, made: Sequence[tuple[Nomination, plan.Nominee]], r: Round) -> set[int]:
        """The nominations the plan means to win: the most supported, as many as the places."""
        quotas = {c.builtin: c.quota for c in r.categories.all()}
        out: set[int] = set()
        for builtin, quota in quotas.items():
            standing = sorted(
                ((n, spec) for n, spec in made if spec.category == builtin and not spec.declines),
                key=lambda ns: -ns[1].support,
            )
            out.update(n.pk for n, _spec in standing[:quota])
        return out

    def second(self) -> Round:
        dates = _dates(self.today, plan.SECOND_PLAN)
        r = self.open(f"{dates['opens_on'].year}年“四型标兵”评选（第二轮）", dates, plan.SECOND_NOTICE_DAYS)
        made = self.nominate(r, plan.SECOND_NOMINEES)
        voted = [self.named[key] for key in plan.SECOND_VOTED_LOGINS]
        waiting = [self.named[key] for key in plan.SECOND_WAITING_LOGINS]
        self.vote(r, made, plan.SECOND_TURNOUT_SO_FAR, voted=voted, not_voted=waiting)
        return r


def build_selections(b: Builder) -> dict[str, int]:
    s = _Selections(b)
    first = s.first()
    second = s.second()
    return {"rounds": 2, "first": first.pk, "second": second.pk}
