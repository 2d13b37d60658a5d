"""Permission predicates (`may_*`): every "may this user …?" that is not a plain scope question,
answered in one place, in blocks headed by the app they serve."""

from __future__ import annotations

from .models import Role, User
from .scopes import AUDIT, ORG, grants_for

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
