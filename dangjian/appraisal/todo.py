"""The democratic appraisal on the to-do list (pages.todo): for a member, the self-assessment to
write, the mutual assessment to take part in, the rating to cast; for a representative, the
rating; for the branch's own officers (not a committee above, which oversees), each round's next
step: moving it on by the plan's day, the committee's proposal, the meeting's confirmation.

Queries: one for the member's open self- and mutual assessments, one for their open ballots (two
when there is one), one for the officer's rounds (none for anyone who is no branch's officer)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access import permissions
from dangjian.access.scopes import NOTHING
from dangjian.ui.todo import Todo

from . import rules, selectors
from .models import Round, Step

if TYPE_CHECKING:
    from dangjian.access.models import User

KIND = "appraisal"


def todo(user: User, today: dt.date | None = None) -> list[Todo]:
    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[Todo] = []
    person_id = getattr(user, "person_id", None)
    if person_id:
        items += _member(person_id, today)
    items += _officer(user, today)
    return items


def _member(person_id: int, today: dt.date) -> list[Todo]:
    items = []
    for p in selectors.open_parts(person_id):
        r = p.round
        if p.self_written_on is None:
            items.append(
                Todo(
                    kind=KIND,
                    title=_("Write your self-assessment for the %(year)d democratic appraisal") % {"year": r.year},
                    url=reverse("appraisal:self", args=[r.pk]),
                    due_by=r.self_until,
                    overdue=r.self_until < today,
                    detail=r.organization.display_name,
                )
            )
        if r.step == Step.MUTUAL:
            items.append(
                Todo(
                    kind=KIND,
                    title=_("Comment on your fellow members (%(year)d democratic appraisal)") % {"year": r.year},
                    url=reverse("appraisal:round", args=[r.pk]) + "#roll",
                    due_by=r.mutual_until,
                    overdue=r.mutual_until < today,
                    detail=_("Signed comments: strengths, and what each could do better."),
                )
            )
    for r in selectors.open_ballots(person_id):
        items.append(
            Todo(
                kind=KIND,
                title=_("Rate the members in the %(year)d democratic appraisal") % {"year": r.year},
                url=reverse("appraisal:ballot", args=[r.pk]),
                due_by=r.vote_until,
                overdue=r.vote_until < today,
                detail=_("A secret ballot: nobody sees what you choose."),
            )
        )
    return items


def _officer(user: User, today: dt.date) -> list[Todo]:
    q = permissions.running_appraisals_q(user)
    items: list[Todo] = []
    if q == NOTHING:
        return items  # no branch of their own to run: no query
    for r in Round.objects.filter(q).exclude(step=Step.CONFIRMED).select_related("organization").order_by("pk"):
        due = rules.due_on(r.step, r.self_until, r.mutual_until, r.vote_until, r.meeting_on)
        if r.step == Step.PROPOSAL:
            title = (
                _("Record the general meeting's confirmation of the %(year)d appraisal grades")
                if r.proposed_on
                else _("Propose the members' grades of the %(year)d democratic appraisal")
            ) % {"year": r.year}
        elif r.step != Step.PREPARATION and due > today:
            continue  # the members are still at it: the officers' turn comes on the step's last day
        else:
            target = rules.next_step(r.step)
            title = _("Move the %(year)d democratic appraisal on to “%(step)s”") % {
                "year": r.year,
                "step": Step(target).label if target else "",
            }
        items.append(
            Todo(
                kind=KIND,
                title=title,
                url=reverse("appraisal:round", args=[r.pk]),
                due_by=due,
                overdue=due < today,
                detail=r.organization.display_name,
            )
        )
    return items
