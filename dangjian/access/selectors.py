"""Reads of users (added by the demo, issue 13): unscoped, for commands that load the demo."""

from __future__ import annotations

from collections.abc import Iterable

from .models import User


def user_exists(username: str) -> bool:
    return User.objects.filter(username=username).exists()


def taken_usernames(usernames: Iterable[str]) -> list[str]:
    """Those of `usernames` that already belong to a user, sorted."""
    return sorted(User.objects.filter(username__in=list(usernames)).values_list("username", flat=True))


def user_count() -> int:
    return User.objects.count()
