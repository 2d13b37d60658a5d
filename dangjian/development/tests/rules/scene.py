"""One candidate's walk through the 25 steps, and the helpers the rules' tests share: the
branch (persons 1–4 full members, 5 probationary, 100 the candidate), a realistic history, and
`chk`, `codes`, `blocking` over `rules.check`."""

from __future__ import annotations

import datetime as dt

from dangjian.development.rules import (
    Candidate,
    Config,
    Done,
    check,
)

D = dt.date
ONE_DAY = dt.timedelta(days=1)

# The branch: persons 1–4 are full members, 5 is a probationary member, 100 is the candidate.
FULL = frozenset({1, 2, 3, 4})
PROBATIONARY = 5
ME = 100
CANDIDATE = Candidate(birth_date=D(1998, 6, 15), full_members=FULL, person_id=ME)

VOTE = {"entitled": 20, "full_entitled": 20, "present": 15, "yes": 14, "written_yes": 3}

# One candidate's realistic path, in the order the steps are taken (21 is counted, not recorded).
WALK: list[tuple[int, dt.date, dict]] = [
    (1, D(2024, 3, 4), {}),
    (2, D(2024, 3, 20), {}),
    (3, D(2024, 4, 10), {}),
    (4, D(2024, 4, 15), {}),
    (5, D(2024, 4, 15), {"contacts": [1, 2]}),
    (6, D(2024, 10, 9), {}),
    (6, D(2025, 4, 8), {}),
    (7, D(2025, 4, 10), {}),  # exactly one year after step 3
    (8, D(2025, 4, 14), {}),
    (9, D(2025, 4, 14), {"sponsors": [3, 4]}),
    (10, D(2025, 5, 6), {"conclusion": "政治可靠，历史清白，同意列为发展对象。"}),
    (11, D(2025, 5, 12), {"days": 3}),
    (12, D(2025, 6, 3), {}),
    (13, D(2025, 6, 10), {"notice_from": "2025-06-11", "notice_to": "2025-06-17"}),
    (14, D(2025, 6, 18), {}),
    (15, D(2025, 6, 25), VOTE),
    (16, D(2025, 7, 2), {}),
    (17, D(2025, 8, 20), {}),
    (18, D(2025, 8, 28), {}),
    (19, D(2025, 8, 28), {}),
    (20, D(2025, 9, 1), {}),
    (22, D(2026, 5, 27), {}),
    (23, D(2026, 6, 25), VOTE),
    (24, D(2026, 7, 15), {"decision": "on_time"}),
    (25, D(2026, 7, 20), {}),
]
MEETING = D(2025, 6, 25)
PROBATION_END = D(2026, 6, 25)


def history(before: int | None = None, *, through: int | None = None) -> list[Done]:
    """The walk's steps recorded before the first occurrence of step `before` (or up to and
    including the last occurrence of step `through`)."""
    out: list[Done] = []
    for i, (number, on, data) in enumerate(WALK):
        if before is not None and number == before:
            break
        out.append(Done(number, on, dict(data)))
        if through is not None and number == through and all(n != through for n, _, _ in WALK[i + 1 :]):
            break
    return out


DEFAULT = Config()


def chk(hist, number, on, data=None, candidate=CANDIDATE, today=None, config=DEFAULT):
    return check(hist, number, on, data or {}, candidate, today or on, config)


def codes(refusals) -> list[str]:
    return [r.rule for r in refusals]


def blocking(refusals) -> list[str]:
    return [r.rule for r in refusals if r.blocking]


def activist_history(designated: dt.date, assessments: list[dt.date]) -> list[Done]:
    """Steps 1–6 for an activist designated on `designated`, contacts assigned the same day."""
    return [
        Done(1, designated - dt.timedelta(days=40)),
        Done(2, designated - dt.timedelta(days=20)),
        Done(3, designated),
        Done(4, designated),
        Done(5, designated, {"contacts": [1]}),
        *[Done(6, a) for a in assessments],
    ]
