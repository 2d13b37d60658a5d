"""Reads of users and API tokens, for the pages and the API above access (accounts, api)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dangjian.ids import parse_id

from .models import ApiToken, User


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def user_by_id(pk: Any) -> User | None:
    """The user with id `pk` (as a URL or a form gives it), or None."""
    number = parse_id(pk)
    return User.objects.filter(pk=number).first() if number is not None else None


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_of(user: User, pk: Any) -> ApiToken | None:
    """One of the user's own API tokens; None for anyone else's, as for one that does not exist."""
    number = parse_id(pk)
    return ApiToken.objects.filter(user=user, pk=number).first() if number is not None else None
