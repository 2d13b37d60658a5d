"""Pure rules of a selection round: the order of its phases and the date each one is due."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .models import PHASES, Phase

if TYPE_CHECKING:
    from .models import Round

MAX_NOTICE_DAYS = 30
MAX_QUOTA = 50


def next_phase(phase: str) -> str | None:
    i = PHASES.index(phase)
    return PHASES[i + 1] if i + 1 < len(PHASES) else None


def due_on(r: Round, phase: str) -> dt.date | None:
    """The day `phase` is due to begin by the round's plan (None: not yet known)."""
    if phase == Phase.EVIDENCE:
        return r.evidence_on
    if phase == Phase.VOTE:
        return r.vote_on
    if phase == Phase.REVIEW:
        return r.vote_until + dt.timedelta(days=1)
    if phase == Phase.NOTICE:
        return r.notice_on
    if phase == Phase.ANNOUNCED:
        until = r.notice_until
        return until + dt.timedelta(days=1) if until else None
    return r.opens_on


def plan_problems(
    opens_on: dt.date, evidence_on: dt.date, vote_on: dt.date, vote_until: dt.date, notice_on: dt.date
) -> dict[str, str]:
    """Field → the plan's fault, in order: nomination ≤ evidence ≤ vote opens ≤ vote closes < notice."""
    problems: dict[str, str] = {}
    if evidence_on < opens_on:
        problems["evidence_on"] = _("Evidence begins on or after nominations open (%(day)s).") % {"day": opens_on}
    if vote_on < evidence_on:
        problems["vote_on"] = _("The vote opens on or after evidence begins (%(day)s).") % {"day": evidence_on}
    if vote_until < vote_on:
        problems["vote_until"] = _("The vote closes on or after the day it opens (%(day)s).") % {"day": vote_on}
    if notice_on <= vote_until:
        problems["notice_on"] = _(
            "The public notice begins after the vote closes (%(day)s), once the committee has reviewed."
        ) % {"day": vote_until}
    return problems
