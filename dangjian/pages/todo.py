"""The to-do list on every home page (本月待办): what this person must do now and soon, across
every capability, each item one tap from the page where it is done. Each capability's own
`todo` selector decides its items, from the same rules that feed its reminders and calendars;
this module only gathers them and puts the overdue first, then by deadline."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.appraisal import todo as appraisal
from dangjian.birthdays import selectors as birthdays
from dangjian.branchlife import selectors as branchlife
from dangjian.development import reminders as development
from dangjian.dues import todo as dues
from dangjian.guidance import selectors as guidance
from dangjian.indicators import todo as indicators
from dangjian.production import selectors as production
from dangjian.rosters import selectors as rosters
from dangjian.selections import todo as selections
from dangjian.transfers import todo as transfers
from dangjian.ui.todo import Todo

if TYPE_CHECKING:
    from dangjian.access.models import User

LIMIT = 30  # the most a home page lists; the rest are behind their capabilities' pages


def todos(user: User, today: dt.date | None = None) -> tuple[list[Todo], int]:
    """The user's items, most urgent first (at most LIMIT), and how many there are in all."""
    today = today or timezone.localdate()
    items = [
        *branchlife.todo(user, today),
        *development.todo(user, today),
        *birthdays.todo(user, today),
        *production.todo(user, today),
        *guidance.todo(user, today),
        *selections.todo(user, today),
        *indicators.todo(user, today),
        *transfers.todo(user, today),
        *dues.todo(user, today),
        *appraisal.todo(user, today),
        *rosters.todo(user),
    ]
    items.sort(key=lambda t: t.order)
    return items[:LIMIT], len(items)
