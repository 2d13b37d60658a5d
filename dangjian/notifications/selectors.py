"""Reads for notifications: a user's inbox, and who is reminded of a candidacy's deadlines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from dangjian.access.models import Role, RoleAssignment
from dangjian.development.models import LIVE_STAGES, Candidacy
from dangjian.organizations.models import Organization

from .models import Notification

# Candidacies with deadlines still ahead: closed ones have none (step 25 has no deadline).
REMINDED_STAGES = LIVE_STAGES
BRANCH_ROLES = (Role.SECRETARY, Role.COMMITTEE_MEMBER)


def inbox(user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first; nobody reads anyone else's."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def open_candidacies() -> QuerySet[Candidacy]:
    return (
        Candidacy.objects.filter(stage__in=REMINDED_STAGES)
        .select_related("person", "person__user", "organization")
        .prefetch_related("steps")
        .order_by("pk")
    )


def organizations_of(candidacies: QuerySet[Candidacy]) -> QuerySet[Organization]:
    """The organisations the candidacies belong to, in one query."""
    return Organization.objects.filter(pk__in=candidacies.order_by().values("organization_id"))


def _nearest_holders(org_ids: Iterable[int], roles: Iterable[str]) -> list[Any]:
    """The active users holding one of `roles` on the first organisation of `org_ids` that has
    any such holder."""
    org_ids = list(org_ids)
    by_org: dict[int, list[Any]] = {}
    assignments = (
        RoleAssignment.objects.filter(organization_id__in=org_ids, role__in=list(roles), user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    for ra in assignments:
        users = by_org.setdefault(ra.organization_id, [])
        if all(u.pk != ra.user_id for u in users):
            users.append(ra.user)
    for org_id in org_ids:
        if by_org.get(org_id):
            return by_org[org_id]
    return []


def branch_officers(org: Organization) -> list[Any]:
    """The secretary and committee members of the organisation, or of its nearest ancestor that
    has any (a branch without its own committee is looked after by the one above it)."""
    return _nearest_holders(reversed(org.path_ids()), BRANCH_ROLES)


def department_officers(org: Organization) -> list[Any]:
    """The organisation department of the nearest committee above the organisation, for the
    steps the higher committee takes."""
    return _nearest_holders(reversed(org.ancestor_ids()), (Role.ORG_DEPARTMENT,))


def unread_in_request(request: Any) -> int:
    """The unread count, counted once per request however many places show it (the bell, the
    notifications page)."""
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = unread_count(request.user)
    return request._unread_notifications
