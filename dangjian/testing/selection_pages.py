"""Scenes for the selection pages: a side's round with evidence on a nomination, counted, in its
public notice or announced, and logins for the side's worker (a voter with no role) and member
(the learning model's nominee). Built on dangjian/testing/selections.py."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.selections import services
from dangjian.selections.models import Builtin, Decision, Nomination, Phase, Round
from dangjian.testing.factories import UserFactory
from dangjian.testing.selections import category, in_vote, nominated


def worker_user(side, language: str = ""):
    """A login for the side's worker: an employee who votes and holds no role."""
    return UserFactory(username=f"worker_{side.enterprise.name[0].lower()}", person=side.worker, language=language)


def member_user_of(side, language: str = ""):
    """A login for the side's member: the learning model's nominee in `nominated`."""
    return UserFactory(username=f"member_{side.enterprise.name[0].lower()}", person=side.member, language=language)


def learning(r: Round) -> Nomination:
    return r.nominations.get(category__builtin=Builtin.LEARNING)


def income(r: Round) -> Nomination:
    return r.nominations.get(category__builtin=Builtin.INCOME)


def with_evidence(side, r: Round | None = None) -> Round:
    """A nominated round whose learning nomination has evidence: text, a figure and a file."""
    r = nominated(side, r)
    services.add_evidence(
        actor=None,
        nomination=learning(r),
        text="2026年带出10名熟练工",
        figures=[{"label": "带徒人数", "value": "10人"}],
        files=[("带徒记录.pdf", b"%PDF-1.4 apprentices", "application/pdf")],
    )
    return r


def vote(r: Round, person, choices: dict) -> str:
    """`person`'s ballot: builtin category → nomination (absent: blank)."""
    assert r.poll is not None
    questions = {q.ref: q for q in ballot_selectors.questions(r.poll)}
    picked = {}
    for builtin, nomination in choices.items():
        q = questions[str(category(r, builtin).pk)]
        picked[q.pk] = next(o.pk for o in q.options.all() if o.ref == str(nomination.pk))
    line = ballot_selectors.voter_line(r.poll, person.pk)
    assert line is not None
    return ballots.cast(actor=None, voter=line, choices=picked)


def counted(side) -> Round:
    """A round in review: the member 2 votes for the learning model, the worker 1 for income."""
    r = in_vote(side)
    vote(r, side.member, {Builtin.LEARNING: learning(r), Builtin.INCOME: income(r)})
    vote(r, side.worker, {Builtin.LEARNING: learning(r)})
    services.advance(actor=None, round=r, today=r.vote_until + dt.timedelta(days=1))
    r.refresh_from_db()
    assert r.phase == Phase.REVIEW
    return r


def noticed(side) -> Round:
    """A round in its public notice, both nominees confirmed."""
    r = counted(side)
    for res in r.results.all():
        services.decide(actor=side.secretary, result=res, decision=Decision.CONFIRMED)
    services.advance(actor=None, round=r, today=r.notice_on)
    r.refresh_from_db()
    return r


def announced(side) -> Round:
    r = noticed(side)
    services.advance(actor=None, round=r, today=r.notice_on + dt.timedelta(days=r.notice_days))
    r.refresh_from_db()
    assert r.phase == Phase.ANNOUNCED
    return r


def in_english(client):
    """A client whose pages are in English, the redirects it follows too: the language cookie
    (a page speaks the request's language, whatever translation is active in the test)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
