"""Reads for access: who holds which role where."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Role, RoleAssignment, User

# --- who is reminded (development's reminders) ---------------------------------------------------

BRANCH_OFFICER_ROLES = (Role.SECRETARY, Role.COMMITTEE_MEMBER)
DEPARTMENT_ROLES = (Role.ORG_DEPARTMENT,)


def nearest_role_holders(org_ids: Iterable[int], roles: Iterable[str]) -> list[User]:
    """The active users holding one of `roles` on the first organisation of `org_ids` that has
    any such holder (one query)."""
    org_ids = list(org_ids)
    by_org: dict[int, list[User]] = {}
    assignments = (
        RoleAssignment.objects.filter(organization_id__in=org_ids, role__in=list(roles), user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    for ra in assignments:
        if ra.organization_id is None:  # for the type: the query asks for organisations' roles only
            continue
        users = by_org.setdefault(ra.organization_id, [])
        if all(u.pk != ra.user_id for u in users):
            users.append(ra.user)
    for org_id in org_ids:
        if by_org.get(org_id):
            return by_org[org_id]
    return []
