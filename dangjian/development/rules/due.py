"""What is due next and by when: the steps that can be recorded now, each with its earliest day
and deadline where the rules set one — what the board and the daily reminders show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .dates import (
    add_months,
    approval_deadlines,
    conversion_application_from,
    notice_end,
    probation_end,
    probation_running_end,
    talk_due,
    target_from,
)
from .record import all_of, decision, last, recorded, round_open, stage_of
from .steps import CANCEL, CLOSED, DEFAULT_CONFIG, ON_TIME, STEPS, Candidate, Config, Done, Due


def due(history: Sequence[Done], candidate: Candidate, today: dt.date, config: Config = DEFAULT_CONFIG) -> list[Due]:
    """The steps that can be recorded next, with the earliest day and the deadline where the
    rules set one, and whether that deadline has passed. Ordered by deadline."""
    if stage_of(history) == CLOSED:
        return [] if 25 in {d.number for d in history} else [Due(25, None, None, False)]
    items: list[Due] = []
    done = {d.number for d in history}
    for number, step in STEPS.items():
        if step.automatic or number == 1:
            continue
        if number in done and not step.repeatable:
            continue
        if any(n not in done for n in step.after):
            continue
        if number == 25 and decision(history) not in {ON_TIME, CANCEL}:
            continue
        if number in {22, 23, 24}:
            if not round_open(history):
                continue
            current_round = len(all_of(history, 24))
            if len(all_of(history, number)) > current_round:
                continue  # already recorded in this round
            if number > 22 and len(all_of(history, number - 1)) <= current_round:
                continue  # the step before it in this round comes first
        earliest, due_by = _window(history, number, config)
        if number == 6:
            activist = recorded(history, 3).on
            assessed = last(history, 6)
            due_by = add_months(assessed.on if assessed else activist, 6)
            if 7 in done:
                continue  # assessments are an activist's
        items.append(Due(number, earliest, due_by, bool(due_by and today > due_by)))
    items.sort(key=lambda d: (d.due_by or dt.date.max, d.number))
    return items


def _window(history: Sequence[Done], number: int, config: Config) -> tuple[dt.date | None, dt.date | None]:
    if number == 2:
        return None, talk_due(history)
    if number == 7:
        return target_from(history), None
    if number == 14:
        end = notice_end(history)
        return (end + dt.timedelta(days=1) if end else None), None
    if number == 17:
        meeting = recorded(history, 15)
        return None, approval_deadlines(meeting.on)[0]
    if number == 22:
        end = probation_running_end(history)
        return conversion_application_from(end), end
    if number == 23:
        return probation_end(history), None
    if number == 24:
        meeting = recorded(history, 23)
        return None, approval_deadlines(meeting.on)[0]
    return None, None
