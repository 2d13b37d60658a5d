"""Dues on the to-do list (pages.todo): for a member, their months unpaid; for a branch's own
officers (not a committee above), the members unpaid this month, the six-month flags, and last
month still to close once its money is handed upward."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.access import permissions
from dangjian.calendar import add_months, period_of
from dangjian.organizations.models import Organization
from dangjian.ui.todo import Todo

from . import rules, selectors

if TYPE_CHECKING:
    from dangjian.access.models import User

KIND = "dues"


def todo(user: User, today: dt.date | None = None) -> list[Todo]:
    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[Todo] = []
    person_id = getattr(user, "person_id", None)
    if person_id:
        items += _own(person_id, today)
    paths = permissions.own_dues_org_paths(user)
    if paths:
        for org in Organization.objects.filter(path__in=paths).order_by("path"):
            items += _keeper(org, today)
    return items


def _own(person_id: int, today: dt.date) -> list[Todo]:
    unpaid = selectors.own_unpaid(person_id, today)
    if not unpaid:
        return []
    owed = sum((c.due - c.paid for c in unpaid), Decimal("0.00"))
    first = unpaid[0].month
    return [
        Todo(
            kind=KIND,
            title=ngettext(
                "Pay your party dues: %(n)d month unpaid (¥%(owed)s)",
                "Pay your party dues: %(n)d months unpaid (¥%(owed)s)",
                len(unpaid),
            )
            % {"n": len(unpaid), "owed": f"{owed:,.2f}"},
            url=reverse("dues:member", args=[person_id]),
            due_by=period_of(first).last_day,
            overdue=first < rules.month_of(today),
        )
    ]


def _keeper(org: Organization, today: dt.date) -> list[Todo]:
    month = rules.month_of(today)
    items: list[Todo] = []
    n = selectors.unpaid_count(org, month)
    if n:
        items.append(
            Todo(
                kind=KIND,
                title=ngettext(
                    "%(n)d member has not paid this month's dues",
                    "%(n)d members have not paid this month's dues",
                    n,
                )
                % {"n": n},
                url=f"{reverse('dues:ledger', args=[org.pk])}?month={month:%Y-%m}",
                due_by=period_of(month).last_day,
                detail=org.name,
            )
        )
    flags = selectors.flags(org, today)
    if flags:
        items.append(
            Todo(
                kind=KIND,
                title=ngettext(
                    "%(n)d member for the branch's attention: six months without dues or organisational life",
                    "%(n)d members for the branch's attention: six months without dues or organisational life",
                    len(flags),
                )
                % {"n": len(flags)},
                url=reverse("dues:unpaid", args=[org.pk]),
                overdue=True,
                detail=", ".join(f.name for f in flags[:5]),
            )
        )
    last = add_months(month, -1)
    if selectors.closure(org, last) is None and selectors.ledger_has_charges(org, last):
        items.append(
            Todo(
                kind=KIND,
                title=_("Close the dues of %(month)s once the money is handed upward") % {"month": f"{last:%Y-%m}"},
                url=f"{reverse('dues:ledger', args=[org.pk])}?month={last:%Y-%m}",
                due_by=period_of(month).last_day,
                detail=org.name,
            )
        )
    return items
