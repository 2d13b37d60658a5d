"""The dates the regulations set, counted from the recorded steps: deadlines (the talk within a
month, approval within 3 months, 6 at most), earliest days (a target after a year as activist,
the form after the notice, the conversion application a month before probation ends), the end
of probation and the 18th birthday. Counting is the calendar's (`dangjian.calendar`): "one
month" ends on the same day of the next month or its last day, "one year" after 29 February is
28 February."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dangjian.calendar import add_months, add_years, birthday

from .record import extensions, last
from .steps import Done
from .values import as_date, as_int

__all__ = [
    "add_months",
    "add_years",
    "approval_deadlines",
    "assessments_needed",
    "coming_of_age",
    "conversion_application_from",
    "notice_end",
    "probation_end",
    "probation_running_end",
    "talk_due",
    "target_from",
]


def probation_end(history: Sequence[Done]) -> dt.date | None:
    """One year from the admitting meeting, plus the one extension if there was one."""
    meeting = last(history, 15)
    if meeting is None or last(history, 17) is None:
        return None
    end = add_years(meeting.on, 1)
    for ext in extensions(history):
        end = add_months(end, as_int(ext.data.get("months")) or 0)
    return end


def probation_running_end(history: Sequence[Done]) -> dt.date:
    """`probation_end` for a step that follows the admission (17), which is therefore recorded."""
    end = probation_end(history)
    if end is None:
        raise LookupError("the admission is not recorded")
    return end


def coming_of_age(birth: dt.date) -> dt.date:
    """The 18th birthday, from which a person may apply (29 February: 1 March of a common year)."""
    return birthday(birth, 18)


def talk_due(history: Sequence[Done]) -> dt.date | None:
    application = last(history, 1)
    return add_months(application.on, 1) if application else None


def assessments_needed(activist_on: dt.date, on: dt.date) -> int:
    """One assessment for every complete half-year as activist."""
    n = 0
    while add_months(activist_on, 6 * (n + 1)) <= on:
        n += 1
    return n


def target_from(history: Sequence[Done]) -> dt.date | None:
    activist = last(history, 3)
    return add_years(activist.on, 1) if activist else None


def notice_end(history: Sequence[Done]) -> dt.date | None:
    notice = last(history, 13)
    try:
        return as_date(notice.data.get("notice_to")) if notice else None
    except ValueError:
        return None


def approval_deadlines(meeting: dt.date) -> tuple[dt.date, dt.date]:
    """Approval within 3 months of the meeting, 6 at the very most."""
    return add_months(meeting, 3), add_months(meeting, 6)


def conversion_application_from(end: dt.date) -> dt.date:
    """The application for conversion is made at the end of probation: from one month before it."""
    return add_months(end, -1)
