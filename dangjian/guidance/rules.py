"""The rules of instructors' visits, pure (no database): how often an instructor must visit each
enterprise (a county's setting, once a quarter by default) and whether they kept to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dangjian.calendar import Period, period_of

MAX_VISIT_MINUTES = 24 * 60


@dataclass(frozen=True)
class Cadence:
    """An assignment's visits against the required frequency, in `today`'s year."""

    periods: tuple[tuple[Period, int], ...]  # each period counted, with the visits in it
    missed: tuple[Period, ...]  # ended periods without a visit
    due_by: dt.date | None  # the current period's last day, when it has no visit yet

    @property
    def behind(self) -> bool:
        return bool(self.missed)


def cadence(started_on: dt.date, visits: Iterable[dt.date], today: dt.date, kind: str) -> Cadence:
    """The periods of `kind` of today's year from the assignment's start up to today's, each with
    its visits. A period the assignment began after the first day of (a part period) is counted
    only if it had a visit: an instructor is never behind for days before they were assigned."""
    current = period_of(today, kind)
    start = max(started_on, dt.date(today.year, 1, 1))
    if start > today:
        return Cadence((), (), None)
    counts: dict[Period, int] = {}
    for day in visits:
        if start <= day <= today:
            p = period_of(day, kind)
            counts[p] = counts.get(p, 0) + 1
    rows: list[tuple[Period, int]] = []
    p = period_of(start, kind)
    while p <= current:
        n = counts.get(p, 0)
        if n or p == current or p.first_day >= started_on:
            rows.append((p, n))
        p = p.next()
    missed = tuple(q for q, n in rows if n == 0 and q.last_day < today)
    due_by = current.last_day if counts.get(current, 0) == 0 else None
    return Cadence(tuple(rows), missed, due_by)


# --- the yearly appraisal ------------------------------------------------------------------------


def excellent_limit(instructors: int, cap_percent: int | None) -> int | None:
    """How many of `instructors` may be rated Excellent under a cap of `cap_percent` % (None: no
    cap). Rounded down, so the share is never passed: 20 % of 68 is 13 (13.6), of 4 is 0. Whole
    numbers only, so no float rounding can move the edge (20 % of 10 is exactly 2)."""
    if cap_percent is None:
        return None
    return instructors * cap_percent // 100


def appraisal_year_ok(year: int, today: dt.date) -> bool:
    """A year is appraised once it has begun (a county may appraise in December); never ahead."""
    return 2000 <= year <= today.year
