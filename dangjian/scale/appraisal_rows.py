"""The democratic appraisal in the generated dataset: last year's completed appraisal in every
branch with members (dataset.py calls `write`; the benchmark group is scale/appraisals.py).

The rows are what the services would write, in bulk: the round (confirmed), its roll (full
members graded, probationary members not), self-assessments, the rating's poll with one question
per graded member, its roll all voted, the ballots and marks (random keys from the seeded stream,
no times) and the tally and digest the count keeps (the engine's own `Tally` and digest, so a
recount agrees), the proposed and confirmed grades under the one-third cap.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from typing import Any

from dangjian.appraisal import rules
from dangjian.appraisal.models import GRADES, Grade, Part, Participant, Round, Step
from dangjian.ballots import rules as ballot_rules
from dangjian.ballots.models import Ballot, Mark, Option, Poll, PollState, Question, Voter
from dangjian.ballots.selectors import Tally
from dangjian.choices import PoliticalStatus
from dangjian.people.models import Person

BATCH = 2000
SELF_TEXTS = (
    "认真学习，按时参加组织生活，带头完成生产任务；理论学习还需系统。",
    "发挥先锋模范作用，帮助新员工；今后多关心困难职工。",
    "按时缴纳党费，积极参加主题党日；工作方法有待改进。",
)
BLANK_SHARE = 0.02
BASIC_SHARE = 0.05  # graded basically qualified; unqualified is rarer still
UNQUALIFIED_SHARE = 0.01


def write(ids: Any, rng: random.Random, members: Sequence[Person], year: int) -> tuple[int, int]:
    """Last year's confirmed appraisal of every branch among `members`' branches (`ids.take(Model)`
    hands out keys). Returns (rounds, ballots)."""
    by_branch: dict[int, list[Person]] = {}
    for p in members:
        if p.party_org_id is not None and p.political_status in (PoliticalStatus.FULL, PoliticalStatus.PROBATIONARY):
            by_branch.setdefault(p.party_org_id, []).append(p)
    rows: dict[type, list[Any]] = {m: [] for m in (Poll, Round, Participant, Question, Option, Voter, Ballot, Mark)}
    n_rounds = n_ballots = 0
    meeting = dt.date(year, 12, 26)
    for org_id, people in sorted(by_branch.items()):
        graded = [p for p in people if p.political_status == PoliticalStatus.FULL]
        if not graded:
            continue
        org_path = people[0].party_org.path if people[0].party_org is not None else ""
        poll = Poll(
            pk=ids.take(Poll),
            title=f"{year}年民主测评",
            org_path=org_path,
            state=PollState.COUNTED,
            closed_at=dt.datetime(year, 12, 19, 9, tzinfo=dt.UTC),
            counted_at=dt.datetime(year, 12, 19, 9, tzinfo=dt.UTC),
        )
        r = Round(
            pk=ids.take(Round),
            organization_id=org_id,
            year=year,
            step=Step.CONFIRMED,
            self_until=dt.date(year, 12, 10),
            mutual_until=dt.date(year, 12, 15),
            vote_until=dt.date(year, 12, 18),
            meeting_on=meeting,
            poll=poll,
            proposed_on=dt.date(year, 12, 22),
            confirmed_on=meeting,
        )
        rows[Poll].append(poll)
        rows[Round].append(r)
        cap = rules.excellent_cap(len(graded))
        excellent = {p.pk for p in rng.sample(graded, cap)}
        grades: dict[int, str] = {}
        for p in graded:
            if p.pk in excellent:
                grades[p.pk] = Grade.EXCELLENT
            else:
                x = rng.random()
                grades[p.pk] = (
                    Grade.UNQUALIFIED if x < UNQUALIFIED_SHARE else Grade.BASIC if x < BASIC_SHARE else Grade.QUALIFIED
                )
        lines = {}
        for p in people:
            part = Part.MEMBER if p.pk in grades else Part.PROBATIONARY
            line = Participant(
                pk=ids.take(Participant),
                round=r,
                person_id=p.pk,
                part=part,
                self_assessment=rng.choice(SELF_TEXTS),
                self_written_on=dt.date(year, 12, 8),
                proposed_grade=grades.get(p.pk, ""),
                grade=grades.get(p.pk, ""),
                follow_up="限期改正" if grades.get(p.pk) == Grade.UNQUALIFIED else "",
            )
            lines[p.pk] = line
            rows[Participant].append(line)
        questions: list[tuple[Question, dict[str, int], str]] = []
        for order, p in enumerate(sorted(graded, key=lambda x: (x.name, x.pk))):
            q = Question(pk=ids.take(Question), poll=poll, order=order, label=p.name, ref=str(lines[p.pk].pk))
            rows[Question].append(q)
            options = {}
            for i, g in enumerate(GRADES):
                o = Option(pk=ids.take(Option), question=q, order=i, label=str(Grade(g).label), ref=g)
                rows[Option].append(o)
                options[g] = o.pk
            questions.append((q, options, grades[p.pk]))
        votes: dict[int, dict[int | None, int]] = {q.pk: dict.fromkeys(opts.values(), 0) for q, opts, _g in questions}
        per_ballot: list[tuple[str, list[tuple[int, int | None]]]] = []
        for p in people:
            rows[Voter].append(Voter(poll=poll, person_id=p.pk, voted=True))
            ballot = Ballot(id=uuid.UUID(int=rng.getrandbits(128), version=4), poll=poll, receipt="")
            rows[Ballot].append(ballot)
            marks: list[tuple[int, int | None]] = []
            for q, opts, grade in questions:
                x = rng.random()
                oid: int | None
                if x < BLANK_SHARE:
                    oid = None
                else:
                    oid = opts[grade] if x < 0.8 else opts[rng.choice((Grade.EXCELLENT, Grade.QUALIFIED))]
                marks.append((q.pk, oid))
                votes[q.pk][oid] = votes[q.pk].get(oid, 0) + 1
                rows[Mark].append(
                    Mark(
                        id=uuid.UUID(int=rng.getrandbits(128), version=4),
                        ballot=ballot,
                        question_id=q.pk,
                        option_id=oid,
                    )
                )
            per_ballot.append((str(ballot.id), marks))
        tally = Tally(roll=len(people), turnout=len(people), ballots=len(people), votes=votes)
        poll.tally, poll.digest = tally.as_json(), ballot_rules.ballots_digest(per_ballot)
        n_rounds += 1
        n_ballots += len(people)
        if len(rows[Mark]) > 50_000:
            _flush(rows)
    _flush(rows)
    return n_rounds, n_ballots


def _flush(rows: dict[type, list[Any]]) -> None:
    for model in (Poll, Round, Participant, Question, Option, Voter, Ballot, Mark):
        model.objects.bulk_create(rows[model], batch_size=BATCH)
        rows[model].clear()
