"""A side's pacesetter round taken past its vote (over dangjian/testing/selections.py): ballots
cast through the engine, the count (review), the committee's decisions and the public notice with
an objection. For tests that need a round in a later phase (the API's registries, say)."""

from __future__ import annotations

from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.selections import services
from dangjian.selections.models import Builtin, Decision, Nomination, Objection, Phase, Result, Round

from .selections import category, in_vote


def vote(r: Round, person, choices: dict[str, Nomination | None]) -> str:
    """`person` casts their ballot in round `r`: builtin category → nomination (None: blank).
    The receipt code."""
    assert r.poll is not None
    questions = {q.ref: q for q in ballot_selectors.questions(r.poll)}
    marks: dict[int, int | None] = {}
    for builtin, nomination in choices.items():
        q = questions[str(category(r, builtin).pk)]
        marks[q.pk] = None if nomination is None else next(o.pk for o in q.options.all() if o.ref == str(nomination.pk))
    line = ballot_selectors.voter_line(r.poll, person.pk)
    assert line is not None, f"{person} is not on the roll"
    return ballots.cast(actor=None, voter=line, choices=marks)


def counted(side) -> Round:
    """The side's round counted and in its committee review: its member and worker voted for the
    member as learning model and the worker as income model."""
    r = in_vote(side)
    learning = r.nominations.get(category__builtin=Builtin.LEARNING)
    income = r.nominations.get(category__builtin=Builtin.INCOME)
    for person in (side.member, side.worker):
        vote(r, person, {Builtin.LEARNING: learning, Builtin.INCOME: income})
    services.advance(actor=None, round=r, today=r.vote_until)
    r.refresh_from_db()
    assert r.phase == Phase.REVIEW
    return r


def result_of(r: Round, builtin: str = Builtin.LEARNING) -> Result:
    return Result.objects.get(round=r, category__builtin=builtin)


def noticed(side) -> Round:
    """The side's round reviewed (both results confirmed) and in its public notice."""
    r = counted(side)
    for res in Result.objects.filter(round=r):
        services.decide(actor=None, result=res, decision=Decision.CONFIRMED)
    services.advance(actor=None, round=r, today=r.notice_on)
    r.refresh_from_db()
    assert r.phase == Phase.NOTICE
    return r


def objection_of(side) -> Objection:
    """An objection to the side's learning model, raised during the notice and not yet answered."""
    r = noticed(side)
    return services.raise_objection(actor=None, round=r, text="请核实学习成果", result=result_of(r))
