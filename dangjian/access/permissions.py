"""Permission predicates (`may_*`): every "may this user …?" that is not a plain scope question,
answered in one place, in blocks headed by the app they serve."""

from __future__ import annotations

from django.db.models import Model

from .models import Role, User
from .scopes import AUDIT, CHANGE, MEMBERSHIP, ORG, REVEAL, can, grants_for, has_any

# --- audit log ----------------------------------------------------------------------------------


def may_read_global_log(user: User) -> bool:
    """The audit log pages (the log, the chain check) are for superusers and the organisation
    department; everyone else reads an object's history through that object's scope."""
    return user.is_superuser or any(g.role == Role.ORG_DEPARTMENT for g in grants_for(user))


def audit_log_reach(user: User) -> list[str] | None:
    """The subtrees (organisation paths) whose audit events the user reads in the global log;
    None for every event (superusers)."""
    if user.is_superuser:
        return None
    return [
        g.org_path for g in grants_for(user) if g.allows(ORG, AUDIT) and g.org_path and g.role == Role.ORG_DEPARTMENT
    ]


# --- people -------------------------------------------------------------------------------------


def may_change_memberships(user: User, person: Model) -> bool:
    """Membership records are the branch's to keep, not HR's: a role that keeps them, on a person
    the user may change."""
    return has_any(user, MEMBERSHIP, CHANGE) and can(user, CHANGE, person)


def may_see_sensitive_in_admin(user: User, person: Model | None) -> bool:
    """A new person's numbers are typed in by the user; a stored person's are shown only to roles
    with REVEAL (and superusers)."""
    return person is None or user.is_superuser or can(user, REVEAL, person)
