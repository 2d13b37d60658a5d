"""Pacesetter selections on the to-do list (pages.todo): for a voter, each ballot still to cast
(by the vote's last day); for a nominee, a nomination to back with evidence or decline before the
vote; for the organiser (a round they run as the branch's officer or the enterprise's manager,
not a committee above, which oversees), the results awaiting the committee's review, the
objections to answer during the notice, and a round held past its next phase's day, with why.

Queries: one for the voter's open ballots (and one for their rounds, when there are any), one for
the nominee's nominations, one for the organiser's rounds; a round held past its day asks why
(services.blocked), for at most HELD_LIMIT rounds."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.access import permissions
from dangjian.ui.todo import Todo

from . import links, rules, selectors, services
from .models import Decision, Phase, Round

if TYPE_CHECKING:
    from dangjian.access.models import User

KIND = "selections"
HELD_LIMIT = 5


def todo(user: User, today: dt.date | None = None) -> list[Todo]:
    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[Todo] = []
    person_id = getattr(user, "person_id", None)
    if person_id:
        items += _ballots(person_id, today)
        items += _nominations(person_id, today)
    items += _organiser(user, today)
    return items


def _ballots(person_id: int, today: dt.date) -> list[Todo]:
    return [
        Todo(
            kind=KIND,
            title=_("Vote in “%(round)s”") % {"round": r.title},
            url=reverse("selections:ballot", args=[r.pk]),
            due_by=r.vote_until,
            overdue=r.vote_until < today,
            detail=_("A secret ballot: nobody sees what you choose."),
        )
        for r, _line in selectors.open_ballots(person_id)
    ]


def _nominations(person_id: int, today: dt.date) -> list[Todo]:
    items = []
    for n in selectors.nominations_to_answer(person_id):
        last_day = n.round.vote_on - dt.timedelta(days=1)
        items.append(
            Todo(
                kind=KIND,
                title=_("You are nominated as “%(category)s”: add your evidence, or decline")
                % {"category": n.category.name},
                url=links.nomination_url(n.round_id, n.pk),
                due_by=last_day,
                overdue=last_day < today,
                detail=n.round.title,
            )
        )
    return items


def _organiser(user: User, today: dt.date) -> list[Todo]:
    q = permissions.running_rounds_q(user)
    rounds = list(
        Round.objects.filter(q)
        .exclude(phase=Phase.ANNOUNCED)
        .annotate(
            pending=Count(
                "results",
                filter=Q(results__decision=Decision.PENDING) & (Q(results__elected=True) | Q(results__tied=True)),
                distinct=True,
            ),
            unanswered=Count("objections", filter=Q(objections__answered_on__isnull=True), distinct=True),
        )
        .order_by("vote_on", "pk")
    )
    items: list[Todo] = []
    held = 0
    for r in rounds:
        url = links.round_url(r.pk)
        target = rules.next_phase(r.phase)
        due = rules.due_on(r, target) if target is not None else None
        reason = None
        if target is not None and due is not None and due <= today and held < HELD_LIMIT:
            held += 1
            reason = services.blocked(r, today)
        if reason and target is not None:
            items.append(
                Todo(
                    kind=KIND,
                    title=_("“%(round)s” cannot move on to its %(phase)s phase")
                    % {"round": r.title, "phase": Phase(target).label},
                    url=url,
                    due_by=due,
                    overdue=True,
                    detail=reason,
                )
            )
            continue
        if r.phase == Phase.REVIEW and r.pending:
            items.append(
                Todo(
                    kind=KIND,
                    title=ngettext(
                        "%(n)d result of “%(round)s” awaits the committee's review",
                        "%(n)d results of “%(round)s” await the committee's review",
                        r.pending,
                    )
                    % {"n": r.pending, "round": r.title},
                    url=url,
                    due_by=r.notice_on,
                    overdue=r.notice_on < today,
                )
            )
        if r.phase == Phase.NOTICE and r.unanswered:
            until = r.notice_until
            items.append(
                Todo(
                    kind=KIND,
                    title=ngettext(
                        "Answer %(n)d objection to “%(round)s”",
                        "Answer %(n)d objections to “%(round)s”",
                        r.unanswered,
                    )
                    % {"n": r.unanswered, "round": r.title},
                    url=url,
                    due_by=until,
                    overdue=until is not None and until < today,
                )
            )
    return items
