"""The democratic appraisal of members (民主评议党员, DOMAIN.md §3) in the demo:

- last year's, in the park's first joint branch, done: every member wrote a self-assessment in
  December, members commented on each other, everyone rated, the committee proposed the grades
  (a third or fewer excellent, one member basically qualified) and the general meeting
  confirmed them before the year was out;
- this year's, at the garment company's branch, in its mutual assessment: a good part of the
  members have written their self-assessments and some have commented on each other; the rating
  opens in a few days. The demo's member and He Yanping have not written theirs yet, so their
  to-do holds it.

Every step goes through appraisal.services and every ballot through ballots.services.cast (actor
None, audited as the command, like the rest of the demo). The random stream is one of its own, so
every other name and date of the demo stays as it was."""

from __future__ import annotations

import datetime as dt
import random

from dangjian.appraisal import rules, selectors, services
from dangjian.appraisal.models import Grade, Part, Participant, Round, Step
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.demo.build.base import Builder

SELF_ASSESSMENTS = (
    "今年认真学习党的二十大精神，按时参加组织生活，带头完成车间生产任务；不足是理论学习不够系统，明年要坚持每周自学。",
    "能够发挥党员先锋模范作用，主动帮助新员工熟悉工序，全年无质量事故；今后要多关心困难职工。",
    "按时足额缴纳党费，积极参加主题党日活动；工作中有时急躁，明年要改进工作方法，多听群众意见。",
    "带领班组完成订单任务，结对帮扶两名青年职工；政治理论学习还需加强，联系群众还不够深入。",
    "认真履行岗位职责，参加技能培训并取得证书；今后要在带动身边群众方面多下功夫。",
)
COMMENTS = (
    "工作踏实肯干，乐于帮助同事，希望在理论学习上再加把劲。",
    "能起到带头作用，质量意识强；建议多参与支部的组织工作。",
    "为人热情，联系群众好；希望今后多分享技术经验。",
    "完成任务积极，希望在班组管理上更细致一些。",
)


class _Appraisal:
    def __init__(self, b: Builder) -> None:
        self.b = b
        self.rng = random.Random(f"{b.seed}:appraisal")
        self.today = b.today

    def _write_all(self, r: Round, share: float, on: dt.date, skip: frozenset[int] = frozenset()) -> None:
        for p in selectors.roll(r):
            if p.part == Part.REPRESENTATIVE or p.person_id in skip or self.rng.random() > share:
                continue
            services.write_self_assessment(actor=None, participant=p, text=self.rng.choice(SELF_ASSESSMENTS), today=on)

    def _comment_some(self, r: Round, n: int) -> None:
        members = [p for p in selectors.roll(r) if p.member]
        for _i in range(n):
            if len(members) < 2:
                return
            author, subject = self.rng.sample(members, 2)
            services.comment_on_peer(actor=None, author=author, subject=subject, text=self.rng.choice(COMMENTS))

    def last_year(self) -> Round:
        """The park's first joint branch, last December: done and confirmed."""
        year = self.today.year - 1
        branch = self.b.joint["park1"]
        r = services.open_round(
            actor=None,
            organization=branch,
            year=year,
            self_until=dt.date(year, 12, 10),
            mutual_until=dt.date(year, 12, 15),
            vote_until=dt.date(year, 12, 18),
            meeting_on=dt.date(year, 12, 26),
        )
        services.advance(actor=None, round=r)
        self._write_all(r, 1.0, dt.date(year, 12, 8))
        services.advance(actor=None, round=r)
        self._comment_some(r, 6)
        services.advance(actor=None, round=r)  # the rating opens
        r.refresh_from_db()
        graded = [p for p in selectors.roll(r) if p.part == Part.MEMBER]
        cap = rules.excellent_cap(len(graded))
        excellent = {p.pk for p in self.rng.sample(graded, cap)}
        basic = {self.rng.choice([p.pk for p in graded if p.pk not in excellent])} if len(graded) > cap + 1 else set()
        grades = {
            p.pk: Grade.EXCELLENT if p.pk in excellent else Grade.BASIC if p.pk in basic else Grade.QUALIFIED
            for p in graded
        }
        assert r.poll is not None
        questions = ballot_selectors.questions(r.poll)
        for line in ballot_selectors.unvoted(r.poll):
            choices: dict[int, int | None] = {}
            for q in questions:
                wanted = grades[int(q.ref)]
                if self.rng.random() < 0.2:  # not every voter agrees with the committee to come
                    wanted = self.rng.choice([Grade.EXCELLENT, Grade.QUALIFIED, Grade.QUALIFIED])
                choices[q.pk] = next(o.pk for o in q.options.all() if o.ref == wanted)
            ballots.cast(actor=None, voter=line, choices=choices)
        services.advance(actor=None, round=r)  # closed and counted
        services.propose_grades(actor=None, round=r, grades=grades, today=dt.date(year, 12, 22))
        services.confirm(actor=None, round=r, today=dt.date(year, 12, 26))
        return r

    def this_year(self) -> Round:
        """The garment branch: in its mutual assessment, the rating due to open within days."""
        assert self.b.garment_branch is not None
        r = services.open_round(
            actor=None,
            organization=self.b.garment_branch,
            year=self.today.year,
            self_until=self.today - dt.timedelta(days=2),
            mutual_until=self.today + dt.timedelta(days=3),
            vote_until=self.today + dt.timedelta(days=8),
            meeting_on=self.today + dt.timedelta(days=12),
        )
        services.advance(actor=None, round=r)
        skip = {self.b.named["member"].pk, self.b.named["he"].pk}
        self._write_all(r, 0.7, self.today - dt.timedelta(days=4), frozenset(skip))
        services.advance(actor=None, round=r)
        self._comment_some(r, 8)
        return r


def build_appraisal(b: Builder) -> dict[str, int]:
    a = _Appraisal(b)
    done = a.last_year()
    open_now = a.this_year()
    written = Participant.objects.filter(round=open_now, self_written_on__isnull=False).count()
    assert Round.objects.get(pk=done.pk).step == Step.CONFIRMED
    return {"confirmed": done.pk, "in_progress": open_now.pk, "written": written}
