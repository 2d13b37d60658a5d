"""Reads of users, role assignments and API tokens, for the pages and the API above access
(accounts, api)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet

from dangjian.ids import parse_id

from .models import ApiToken, RoleAssignment, User
from .scopes import ORG, VIEW, resource_of, scope


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


def role_assignments() -> QuerySet[RoleAssignment]:
    """Role assignments with their anchors, for `get_in_scope`."""
    return RoleAssignment.objects.select_related("organization", "enterprise")


def roles_on(user: User | AnonymousUser, anchor: Model) -> QuerySet[RoleAssignment]:
    """The roles held on `anchor` (an organisation or an enterprise) that the user may see, by
    role and username."""
    anchor_field = "organization" if resource_of(type(anchor)) == ORG else "enterprise"
    return (
        scope(user, RoleAssignment.objects.select_related("user", "user__person"), VIEW)
        .filter(**{anchor_field: anchor})
        .order_by("role", "user__username")
    )
