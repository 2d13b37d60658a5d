"""Pacesetter rounds of a side of the `world`: a round at its enterprise with the four categories,
its member nominated for the learning model and its worker for the income model, moved on to
whatever phase a test needs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.selections import services
from dangjian.selections.models import Builtin, Phase, Round

OPENS = dt.date(2026, 3, 2)


def round_of(side, opens_on: dt.date = OPENS, **extra) -> Round:
    plan: dict[str, Any] = {
        "opens_on": opens_on,
        "evidence_on": opens_on + dt.timedelta(days=7),
        "vote_on": opens_on + dt.timedelta(days=14),
        "vote_until": opens_on + dt.timedelta(days=20),
        "notice_on": opens_on + dt.timedelta(days=23),
    }
    plan.update(extra)
    return services.open_round(
        actor=None,
        enterprise=side.enterprise,
        organization=side.branch,
        title=f"{side.enterprise.name}四型标兵评选",
        **plan,
    )


def category(r: Round, builtin: str = Builtin.LEARNING):
    return r.categories.get(builtin=builtin)


def nominated(side, r: Round | None = None):
    """A round of the side with its member standing for the learning model and its worker for the
    income model (self-nominated)."""
    r = r or round_of(side)
    services.nominate(
        actor=None, category=category(r), nominee=side.member, kind="self", reason="带头学习新工艺，带出10名熟练工"
    )
    services.nominate(
        actor=None, category=category(r, Builtin.INCOME), nominee=side.worker, kind="self", reason="家庭一年增收4万元"
    )
    return r


def in_vote(side, r: Round | None = None) -> Round:
    r = nominated(side, r)
    services.advance(actor=None, round=r, today=r.evidence_on)
    services.advance(actor=None, round=r, today=r.vote_on)
    r.refresh_from_db()
    assert r.phase == Phase.VOTE
    return r
