"""One to-do item (本月待办), the shape every capability's `todo` selector returns and the home
page lists: what to do, by when, and the page where it is done (one tap away)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Todo:
    kind: str  # the capability: "meetings", "development", "birthdays", "imports"
    title: str
    url: str
    due_by: dt.date | None = None
    overdue: bool = False
    detail: str = ""

    @property
    def order(self) -> tuple[int, dt.date, str]:
        """Overdue first, then by deadline (none last), then by title."""
        return (0 if self.overdue else 1, self.due_by or dt.date.max, self.title)
