"""Pure rules of the democratic appraisal: the order of its steps, who is graded, the one-third
cap on excellent grades, the plan's dates. No database here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import STEPS, Grade, Part

# The steps an officer moves the round to by hand ("next step"); the confirmation is its own act
# (the general meeting's), after the committee's proposal.
MANUAL_STEPS = STEPS[:-1]


def next_step(step: str) -> str | None:
    i = STEPS.index(step)
    return STEPS[i + 1] if i + 1 < len(STEPS) else None


def part_of(political_status: str) -> str | None:
    """How a branch member takes part: a full member is graded, a probationary member takes part
    but is not graded (民主评议党员: 预备党员参加评议, 不评定等次); anyone else is not a member."""
    if political_status == "full":
        return Part.MEMBER
    if political_status == "probationary":
        return Part.PROBATIONARY
    return None


def excellent_cap(graded: int) -> int:
    """At most one third of the graded members are graded excellent, rounded down: 10 → 3."""
    return graded // 3


def excellent_refusal(grades: Mapping[int, str], graded: int) -> str | None:
    """Why a set of grades breaks the cap (None: it keeps it); the message gives the count."""
    excellent = sum(1 for g in grades.values() if g == Grade.EXCELLENT)
    cap = excellent_cap(graded)
    if excellent <= cap:
        return None
    return ngettext(
        "%(n)d member is graded excellent, but at most %(cap)d of the %(graded)d graded members may be"
        " (one third, rounded down): grade %(over)d of them otherwise.",
        "%(n)d members are graded excellent, but at most %(cap)d of the %(graded)d graded members may be"
        " (one third, rounded down): grade %(over)d of them otherwise.",
        excellent,
    ) % {"n": excellent, "cap": cap, "graded": graded, "over": excellent - cap}


def plan_problems(
    self_until: dt.date, mutual_until: dt.date, vote_until: dt.date, meeting_on: dt.date
) -> dict[str, str]:
    """Field → the plan's fault: self-assessment ≤ mutual assessment ≤ rating closes ≤ meeting."""
    problems: dict[str, str] = {}
    if mutual_until < self_until:
        problems["mutual_until"] = _("The mutual assessment ends on or after the self-assessments (%(day)s).") % {
            "day": self_until.isoformat()
        }
    if vote_until < mutual_until:
        problems["vote_until"] = _("The rating closes on or after the mutual assessment ends (%(day)s).") % {
            "day": mutual_until.isoformat()
        }
    if meeting_on < vote_until:
        problems["meeting_on"] = _("The general meeting is held on or after the rating closes (%(day)s).") % {
            "day": vote_until.isoformat()
        }
    return problems


def due_on(step: str, self_until: dt.date, mutual_until: dt.date, vote_until: dt.date, meeting_on: dt.date) -> dt.date:
    """The last day of `step` by the plan (the proposal is due before the meeting)."""
    return {
        "preparation": self_until,
        "self": self_until,
        "mutual": mutual_until,
        "vote": vote_until,
        "proposal": meeting_on,
    }.get(step, meeting_on)
