"""Production indicators on the to-do list (pages.todo): for an enterprise's HR (its managers and
statisticians), last month's figures while some team still lacks one, with how many teams, one
tap from the month's completeness page. Three queries for someone who enters figures, none for
anyone else (completeness.missing_figures)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.ui.todo import Todo

from . import completeness, selectors

if TYPE_CHECKING:
    from dangjian.access.models import User

KIND = "indicators"


def todo(user: User, today: dt.date | None = None) -> list[Todo]:
    if not getattr(user, "is_authenticated", False):
        return []
    today = today or timezone.localdate()
    month = selectors.add_months(today.replace(day=1), -1)
    return [
        Todo(
            kind=KIND,
            title=_("Enter the figures of %(month)s: %(missing)d of %(teams)d teams missing")
            % {"month": f"{month:%Y-%m}", "missing": m.missing, "teams": m.teams},
            url=f"{reverse('indicators:month', args=[m.enterprise.pk])}?month={month:%Y-%m}&missing=1",
            detail=m.enterprise.display_name,
        )
        for m in completeness.missing_figures(user, month)
    ]
