"""How many "registered outside your organisation" answers a user has had this hour.

Telling someone that an ID number is registered where they cannot see is an answer about a person
outside their scope; enough answers would make the platform an oracle for who is registered
anywhere in the installation. So each user gets ID_NUMBER_ELSEWHERE_PER_HOUR such answers per
clock hour (a fixed window: simple, and its end can be told to the user); once they are used up,
every ID-number check of theirs that would need an answer pauses until the hour ends. Asking again
about a number already answered this hour costs nothing: it tells nothing new.

The counts live in the cache (shared by the web processes and the worker, settings.CACHES): they
are a brake, not a record. The record is the audit event each answer writes
(people.services.answer_id_number).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

if TYPE_CHECKING:
    from dangjian.access.models import User

WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class Quota:
    left: int
    resets_at: dt.datetime


def _limit() -> int:
    return settings.ID_NUMBER_ELSEWHERE_PER_HOUR


def _window(now: dt.datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp()) // WINDOW_SECONDS


def _key(user: User, window: int, what: str) -> str:
    return f"people:id-elsewhere:{user.pk}:{window}:{what}"


def quota(user: User) -> Quota:
    window = _window()
    used = cache.get(_key(user, window, "count"), 0)
    return Quota(
        left=max(0, _limit() - used),
        resets_at=dt.datetime.fromtimestamp((window + 1) * WINDOW_SECONDS, tz=dt.UTC),
    )


def already_answered(user: User, index: str) -> bool:
    return cache.get(_key(user, _window(), index[:32])) is not None


def note_answer(user: User, index: str) -> None:
    """Count one answer about `index` (once per number and window)."""
    window = _window()
    if cache.add(_key(user, window, index[:32]), 1, timeout=WINDOW_SECONDS + 60):
        count_key = _key(user, window, "count")
        cache.add(count_key, 0, timeout=WINDOW_SECONDS + 60)
        try:
            cache.incr(count_key)
        except ValueError:  # expired between add and incr: start again
            cache.set(count_key, 1, timeout=WINDOW_SECONDS + 60)
