"""Democratic appraisals of a side of the `world`: its branch (the member and the secretary, both
full members) with more members when a test needs a bigger roll, a round of a year moved on to
whatever step a test needs, and votes cast through the ballot engine."""

from __future__ import annotations

import datetime as dt

from dangjian.appraisal import selectors, services
from dangjian.appraisal.models import Part, Round, Step
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.testing.members import member

YEAR = 2026
SELF_UNTIL = dt.date(2026, 12, 10)


def members(side, *, full: int = 0, probationary: int = 0) -> None:
    """More members in the side's branch: `full` full members, `probationary` probationary ones."""
    for _i in range(full):
        member(side, dt.date(2012, 7, 1), dt.date(2013, 7, 1))
    for _i in range(probationary):
        member(side, dt.date(2026, 7, 1))


def round_of(side, year: int = YEAR, **plan) -> Round:
    dates = {
        "self_until": SELF_UNTIL,
        "mutual_until": SELF_UNTIL + dt.timedelta(days=5),
        "vote_until": SELF_UNTIL + dt.timedelta(days=8),
        "meeting_on": SELF_UNTIL + dt.timedelta(days=12),
    }
    dates.update(plan)
    return services.open_round(actor=None, organization=side.branch, year=year, **dates)


def at_step(r: Round, step: str) -> Round:
    """Move the round on (by the system) until it is at `step` (before the confirmation)."""
    while r.step != step:
        services.advance(actor=None, round=r)
    r.refresh_from_db()
    return r


def cast_all(r: Round, grade: str = "qualified", *, but: dict[int, str] | None = None) -> None:
    """Everyone on the rating's roll votes `grade` for every graded member (`but`: participant id
    → another grade)."""
    assert r.poll is not None
    questions = ballot_selectors.questions(r.poll)
    choices = {}
    for q in questions:
        wanted = (but or {}).get(int(q.ref), grade)
        choices[q.pk] = next(o.pk for o in q.options.all() if o.ref == wanted)
    for line in ballot_selectors.unvoted(r.poll):
        ballots.cast(actor=None, voter=line, choices=choices)


def counted(r: Round) -> Round:
    """The round with its rating cast by everyone and counted: at the committee's proposal."""
    r = at_step(r, Step.VOTE)
    cast_all(r)
    return at_step(r, Step.PROPOSAL)


def all_grades(r: Round, grade: str = "qualified", **by_name: str) -> dict[int, str]:
    """A grade for every graded member (`by_name`: person's name → another grade)."""
    return {p.pk: by_name.get(p.person.name, grade) for p in selectors.roll(r) if p.part == Part.MEMBER}


def confirmed(r: Round, **by_name: str) -> Round:
    r = counted(r)
    services.propose_grades(actor=None, round=r, grades=all_grades(r, **by_name))
    services.confirm(actor=None, round=r)
    r.refresh_from_db()
    return r
