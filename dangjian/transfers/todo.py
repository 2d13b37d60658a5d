"""Transfers on the to-do list (pages.todo): for a branch's officers, the letters addressed to
them to accept or return (by the last day they are valid), the letters from outside to verify
and place, and either side's letters past their validity, to return or cancel. One query for an
officer, none for anyone else."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access import permissions
from dangjian.ui.todo import Todo

from . import selectors
from .models import Status

if TYPE_CHECKING:
    from dangjian.access.models import User

KIND = "transfers"


def todo(user: User, today: dt.date | None = None) -> list[Todo]:
    if not getattr(user, "is_authenticated", False):
        return []
    paths = permissions.transfer_officer_paths(user)
    if not paths:
        return []
    today = today or timezone.localdate()
    to_accept, incoming, expired = selectors.waiting_on(paths, today)
    items = [
        Todo(
            kind=KIND,
            title=_("Accept or return the transfer letter of %(name)s from %(from)s")
            % {"name": t.person_name, "from": t.sender_name},
            url=reverse("transfers:detail", args=[t.pk]),
            due_by=t.valid_until,
            detail=t.number,
        )
        for t in to_accept
    ]
    items += [
        Todo(
            kind=KIND,
            title=(
                _("Verify the letter from %(from)s for %(name)s")
                if t.status == Status.REGISTERED
                else _("Place %(name)s, transferred in from %(from)s")
            )
            % {"name": t.person_name, "from": t.sender_name},
            url=reverse("transfers:detail", args=[t.pk]),
            due_by=t.valid_until,
            overdue=t.valid_until < today,
            detail=t.number,
        )
        for t in incoming
    ]
    items += [
        Todo(
            kind=KIND,
            title=_(
                "The transfer letter of %(name)s was valid until %(date)s and was not accepted: return or cancel it"
            )
            % {"name": t.person_name, "date": t.valid_until.isoformat()},
            url=reverse("transfers:detail", args=[t.pk]),
            due_by=t.valid_until,
            overdue=True,
            detail=t.number,
        )
        for t in expired
    ]
    return items
