"""The daily membership-development reminders (`manage.py send_reminders`), sent through
`notifications.services`.

The reminders ask `development.services.due_for` what is due on each open candidacy — the same
rules that refuse a step and fill the board — and only decide *when* to remind and *whom*:

- the talk with an applicant (step 2, within one month): 7 days before the deadline;
- the half-yearly assessment (6) and the higher committee's approvals (17, 24): 14 days before;
- the application for conversion (22): `conversion_prompt_days` before probation ends (a county
  setting);
- any of them once overdue: on the first day, then at most once a week — except an approval past
  its 6-month limit (rules.approval_deadlines), which can no longer be given: the board still
  shows it overdue, the reminders stop.

Steps the branch takes go to the secretary and committee members of the candidacy's
organisation (or the nearest one above it that has them); the higher committee's steps go to the
organisation department of the nearest committee above; the candidate's own steps (the
application for conversion) go to the branch's officers and to the candidate, if they have a
login. Every reminder is an in-app notification, written in the recipient's language; a
recipient with an e-mail address also gets it by e-mail.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dangjian.access import permissions
from dangjian.access import selectors as access_selectors
from dangjian.audit import services as audit
from dangjian.notifications import selectors as notification_selectors
from dangjian.notifications import services as notifications
from dangjian.notifications.models import Kind, Notification
from dangjian.organizations.models import Organization
from dangjian.ui.todo import Todo

from . import rules, selectors, services
from .models import Candidacy, Step

if TYPE_CHECKING:
    from dangjian.access.models import User

# Days before a deadline from which its reminder goes out; step 22 starts the county's
# conversion_prompt_days before probation ends instead.
LEAD_DAYS = {2: 7, 6: 14, 17: 14, 24: 14}
DEFAULT_LEAD_DAYS = 14
OVERDUE_REPEAT_DAYS = 7
SOON, OVERDUE = "soon", "overdue"
# Compared by identity: lazy texts hash by their translation, which changes with the language.
BRANCH_ACTORS = (rules.SECRETARY, rules.COMMITTEE, rules.MEETING, rules.CANDIDATE)


# The approvals, and the meeting whose date sets their 3- and 6-month limits.
APPROVAL_MEETINGS = {17: 15, 24: 23}


def horizon(item: rules.Due, today: dt.date, config: rules.Config | None = None) -> str | None:
    """SOON, OVERDUE or None (not yet, or no deadline) for one due step."""
    if item.due_by is None:
        return None
    if item.overdue:
        return OVERDUE
    if item.number == 22:
        start = item.due_by - dt.timedelta(days=(config or rules.Config()).conversion_prompt_days)
    else:
        start = item.due_by - dt.timedelta(days=LEAD_DAYS.get(item.number, DEFAULT_LEAD_DAYS))
    return SOON if today >= start else None


def _deadline(item: rules.Due) -> dt.date:
    """The deadline of a step `horizon` reminds of: only a step with one is reminded of."""
    if item.due_by is None:
        raise ValueError(f"step {item.number} has no deadline to remind of")
    return item.due_by


def _item_key(candidacy_id: int, item: rules.Due) -> str:
    return f"dev:{candidacy_id}:{item.number}:{_deadline(item).isoformat()}"


def past_limit(item: rules.Due, steps: list[Step], today: dt.date) -> bool:
    """An approval (17, 24) whose 6-month limit from its meeting has passed: the rules refuse it
    now, so reminding of it helps nobody."""
    meeting_step = APPROVAL_MEETINGS.get(item.number)
    if meeting_step is None:
        return False
    meeting = max((s.done_on for s in steps if s.number == meeting_step), default=None)
    return meeting is not None and today > rules.approval_deadlines(meeting)[1]


def candidate_user(candidacy: Candidacy) -> User | None:
    """The candidate's own login, if they have an active one."""
    try:
        user = candidacy.person.user
    except ObjectDoesNotExist:
        return None
    return user if user.is_active else None


def recipients(
    candidacy: Candidacy, item: rules.Due, cache: dict[tuple[bool, int], list[User]] | None = None
) -> list[User]:
    """Who must act on this step: the branch's officers, or the department above; for the
    candidate's own step, the candidate too."""
    branch = any(item.step.actor is a for a in BRANCH_ACTORS)
    cache = {} if cache is None else cache
    key = (branch, candidacy.organization_id)
    if key not in cache:
        org = candidacy.organization
        cache[key] = branch_officers(org) if branch else department_officers(org)
    users = list(cache[key])
    if item.step.actor is rules.CANDIDATE:
        own = candidate_user(candidacy)
        if own is not None and all(u.pk != own.pk for u in users):
            users.append(own)
    return users


def _texts(candidacy: Candidacy, item: rules.Due, which: str, today: dt.date) -> tuple[str, str]:
    """Title and text of one reminder in the active language."""
    due_by = _deadline(item)
    late = (today - due_by).days
    values = {
        "n": item.number,
        "step": item.step.label,
        "person": candidacy.person.name,
        "org": str(candidacy.organization),
        "due": due_by.isoformat(),
        "actor": item.step.actor,
        "days": late,
    }
    if which == OVERDUE:
        title = _("Overdue: %(step)s — %(person)s") % values
        body = (
            ngettext(
                "Step %(n)d, “%(step)s”, for %(person)s (%(org)s) was due by %(due)s and is %(days)d day late.",
                "Step %(n)d, “%(step)s”, for %(person)s (%(org)s) was due by %(due)s and is %(days)d days late.",
                late,
            )
            % values
        )
    else:
        title = _("Due by %(due)s: %(step)s — %(person)s") % values
        body = _("Step %(n)d, “%(step)s”, for %(person)s (%(org)s) is due by %(due)s.") % values
    if item.number == 22 and item.earliest:
        body += " " + _("Probation ends on %(due)s; the application can be made from %(from)s.") % {
            **values,
            "from": item.earliest.isoformat(),
        }
    body += " " + _("It falls to %(actor)s.") % values
    return title, body


@dataclass
class _Planned:
    user: User
    kind: str
    key: str
    prefix: str  # the key without the day, for the weekly repetition of overdue reminders
    candidacy: Candidacy
    item: rules.Due
    which: str


def _plan(today: dt.date, progress: Callable[..., None] | None) -> tuple[int, list[_Planned]]:
    """Every reminder the rules call for today, before looking at what was already sent."""
    candidacies = selectors.open_candidacies()
    total = candidacies.count()
    if progress:
        progress(0, total, force=True)
    planned: list[_Planned] = []
    officers: dict[tuple[bool, int], list[User]] = {}
    done = 0
    # The local settings of every organisation in the run, read at once.
    configs = services.configs_for(selectors.organizations_of(candidacies))
    for candidacy in candidacies.iterator(chunk_size=500):
        config = configs[candidacy.organization_id]
        steps = list(candidacy.steps.all())
        for item in services.due_for(candidacy, today, steps=steps, config=config):
            which = horizon(item, today, config)
            if which is None or past_limit(item, steps, today):
                continue
            prefix = f"{_item_key(candidacy.pk, item)}:{which}"
            key = f"{prefix}:{today.isoformat()}" if which == OVERDUE else prefix
            kind = Kind.DEVELOPMENT_OVERDUE if which == OVERDUE else Kind.DEVELOPMENT_DUE
            for user in recipients(candidacy, item, officers):
                planned.append(_Planned(user, kind, key, prefix, candidacy, item, which))
        done += 1
        if progress:
            progress(done, total)
    return total, planned


def branch_officers(org: Organization) -> list[User]:
    """The secretary and committee members of the organisation, or of its nearest ancestor that
    has any (a branch without its own committee is looked after by the one above it)."""
    return access_selectors.nearest_role_holders(reversed(org.path_ids()), access_selectors.BRANCH_OFFICER_ROLES)


def department_officers(org: Organization) -> list[User]:
    """The organisation department of the nearest committee above the organisation, for the
    steps the higher committee takes."""
    return access_selectors.nearest_role_holders(reversed(org.ancestor_ids()), access_selectors.DEPARTMENT_ROLES)


@audit.write_transaction
def _write(*, actor: User | None, today: dt.date, candidacies: int, planned: list[_Planned]) -> list[Notification]:
    # An overdue item is repeated at most once a week: any overdue reminder of the same item
    # in the last seven days (or dated later, when an earlier day is run again) holds it back.
    recent = {
        (user_id, key.rsplit(":", 1)[0])
        for user_id, key in notification_selectors.sent_since(
            {p.user.pk for p in planned}, Kind.DEVELOPMENT_OVERDUE, today - dt.timedelta(days=OVERDUE_REPEAT_DAYS)
        )
    }
    rows = notifications.notify_many(
        drafts=[
            notifications.Draft(
                user=p.user,
                kind=p.kind,
                key=p.key,
                url=reverse("development:detail", args=[p.candidacy.pk]),
                texts=functools.partial(_texts, p.candidacy, p.item, p.which, today),
            )
            for p in planned
            if not (p.which == OVERDUE and (p.user.pk, p.prefix) in recent)
        ],
        sent_on=today,
    )
    figures = {
        "candidacies": candidacies,
        "notifications": len(rows),
        "recipients": len({n.user.pk for n in rows}),
        "emails_to_send": len({n.user.pk for n in rows if n.user.email}),
    }
    notifications.record_run(
        actor=actor, today=today, object_type="notifications.Reminders", name="reminders", figures=figures
    )
    return rows


REMINDERS_FOOTER = gettext_lazy(
    "You receive this because you hold a role in the organisation concerned. All reminders are also on the "
    "Notifications page of Dangjian."
)


def _reminders(n: int) -> str:
    return ngettext("%(n)d reminder", "%(n)d reminders", n) % {"n": n}


def send_reminders(
    *, today: dt.date | None = None, actor: User | None = None, progress: Callable[..., None] | None = None
) -> dict[str, Any]:
    """Send today's membership-development reminders; running it again the same day sends
    nothing new. Returns the counts (also recorded in one audit event).

    The deadlines are computed outside the transaction and e-mail goes out after it commits:
    the write transaction is held only while the notifications are written, and a mail server
    that fails cannot take the in-app reminders back with it."""
    today = today or timezone.localdate()
    total, planned = _plan(today, progress)
    rows = _write(actor=actor, today=today, candidacies=total, planned=planned)
    sent, failed = notifications.send_emails(rows, many=_reminders, footer=REMINDERS_FOOTER)
    if progress:
        progress(total, total, force=True)
    return {
        "today": today.isoformat(),
        "candidacies": total,
        "notifications": len(rows),
        "recipients": len({n.user.pk for n in rows}),
        "emails_sent": sent,
        "emails_failed": failed,
    }


# --- the to-do list (本月待办): the same due steps, for one user ---------------------------------

TODO_DAYS = 31  # "this month": steps due within it are listed
TODO_CANDIDACIES = 300  # a department above many branches sees the most urgent first, capped


def todo(user: User, today: dt.date | None = None) -> list[Todo]:
    """The development steps this user must record that are due soon or overdue, by the same
    rules and horizons as the reminders (`horizon`, `past_limit`): a branch's steps for those who
    keep its candidacies, the higher committee's and the department's for those above it."""
    if not permissions.may_see_development(user):
        return []
    today = today or timezone.localdate()
    candidacies = list(
        selectors.visible_candidacies(user, "change")
        .filter(stage__in=selectors.BOARD_STAGES)
        .select_related("person", "organization")
        .prefetch_related("steps")
        .order_by("pk")[:TODO_CANDIDACIES]
    )
    configs = services.configs_for(selectors.organizations_of_list(candidacies))
    items: list[Todo] = []
    for candidacy in candidacies:
        config = configs[candidacy.organization_id]
        steps = list(candidacy.steps.all())
        for item in services.due_for(candidacy, today, steps=steps, config=config):
            which = horizon(item, today, config)
            # The to-do list is the month's: a step due within TODO_DAYS is on it before its
            # reminder's lead time (a new application's talk from the day it arrives).
            if which is None and item.due_by is not None and item.due_by <= today + dt.timedelta(days=TODO_DAYS):
                which = SOON
            if which is None or past_limit(item, steps, today):
                continue
            # Whose item it is, as the reminders decide it: the branch's officers for its own steps,
            # those above it (the department) for the higher committee's.
            path = candidacy.organization.path
            if item.number in services.HIGHER_STEPS:
                if not permissions.acts_above(user, path):
                    continue
            elif not permissions.keeps_branch_steps(user, path):
                continue
            items.append(
                Todo(
                    kind="development",
                    title=_("%(name)s: step %(n)d, %(step)s")
                    % {"name": candidacy.person.name, "n": item.number, "step": item.step.label},
                    url=reverse("development:detail", args=[candidacy.pk]),
                    due_by=item.due_by,
                    overdue=which == OVERDUE,
                    detail=candidacy.organization.display_name,
                )
            )
    return items
