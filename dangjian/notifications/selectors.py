"""Reads for notifications: a user's inbox, and what was already sent (so nothing is sent twice)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from dangjian.access.models import User

from .models import Notification, Preference, Robot


def inbox(user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first; nobody reads anyone else's."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user: User | AnonymousUser | None) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def sent_keys(user_ids: Iterable[int], keys: Iterable[str]) -> set[tuple[int, str]]:
    """The (user id, key) pairs among these users and keys already notified."""
    return set(
        Notification.objects.filter(user_id__in=list(user_ids), key__in=list(keys)).values_list("user_id", "key")
    )


def sent_since(user_ids: Iterable[int], kind: str, after: dt.date) -> list[tuple[int, str]]:
    """The (user id, key) of the notifications of `kind` these users were sent after `after`."""
    return list(
        Notification.objects.filter(user_id__in=list(user_ids), kind=kind, sent_on__gt=after).values_list(
            "user_id", "key"
        )
    )


def unread_in_request(request: Any) -> int:
    """The unread count, counted once per request however many places show it (the bell, the
    notifications page)."""
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = unread_count(request.user)
    count: int = request._unread_notifications
    return count


def preferences_of(user_ids: Iterable[int]) -> dict[tuple[int, str], tuple[bool, bool]]:
    """(user id, kind) → (by e-mail, to robots), for the kinds a user changed from the default."""
    return {(p.user_id, p.kind): (p.email, p.robot) for p in Preference.objects.filter(user_id__in=list(user_ids))}


def robots_of(user_ids: Iterable[int]) -> dict[int, list[Robot]]:
    out: dict[int, list[Robot]] = {}
    for robot in Robot.objects.filter(user_id__in=list(user_ids)):
        out.setdefault(robot.user_id, []).append(robot)
    return out


def own_robots(user: User) -> list[Robot]:
    return list(Robot.objects.filter(user=user))


def own_robot(user: User, pk: int) -> Robot | None:
    return Robot.objects.filter(user=user, pk=pk).first()
