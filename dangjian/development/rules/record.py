"""Where a candidacy stands, read from its recorded steps: the stage, the conversion decision,
the extensions, and whether a round of conversion steps (22–24) is open."""

from __future__ import annotations

from collections.abc import Sequence

from .steps import ACTIVIST, ADMITTED, APPLICANT, CANCEL, CLOSED, EXTEND, ON_TIME, TARGET, Done


def last(history: Sequence[Done], number: int) -> Done | None:
    found = [d for d in history if d.number == number]
    return max(found, key=lambda d: d.on) if found else None


def recorded(history: Sequence[Done], number: int) -> Done:
    """The latest record of step `number`, which the caller's step follows (so it is there: `check`
    refuses a step whose prerequisites are missing before any step's own rule runs)."""
    found = last(history, number)
    if found is None:
        raise LookupError(f"step {number} is not recorded")
    return found


def all_of(history: Sequence[Done], number: int) -> list[Done]:
    return sorted((d for d in history if d.number == number), key=lambda d: d.on)


def extensions(history: Sequence[Done]) -> list[Done]:
    return [d for d in all_of(history, 24) if d.data.get("decision") == EXTEND]


def decision(history: Sequence[Done]) -> str | None:
    latest = last(history, 24)
    return latest.data.get("decision") if latest else None


def stage_of(history: Sequence[Done]) -> str:
    numbers = {d.number for d in history}
    if decision(history) in {ON_TIME, CANCEL}:
        return CLOSED
    if 17 in numbers:
        return ADMITTED
    if 7 in numbers:
        return TARGET
    if 3 in numbers:
        return ACTIVIST
    return APPLICANT


def round_open(history: Sequence[Done]) -> bool:
    """Steps 22–24 run once, and once more after an extension."""
    return len(all_of(history, 24)) <= len(extensions(history))
