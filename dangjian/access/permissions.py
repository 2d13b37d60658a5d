"""Every `may_*` predicate: the answers to "may this user do this?" that are not one object's
scope (for those, `scopes.can` and `scopes.scope`).

Only access decides who may see or do what: each app's predicates live here, in a block headed
by the app's name, built on `scopes` (grants, reach) and never on role names compared elsewhere.
Views, API endpoints, forms and services ask these; they do not loop over grants themselves.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Model

from .models import Role, User
from .scopes import AUDIT, CHANGE, MEMBERSHIP, ORG, REVEAL, ROLE, can, can_add_to, grants_for, has_any

# --- access: logins and roles ----------------------------------------------------------------


def may_create_logins(user: User | AnonymousUser) -> bool:
    """Whether the user may create a login (and set its first password) for a person. Whoever
    sets a new login's password could sign in as that person and reach wherever their own records
    reach, beyond the granter's subtree: only platform administrators create logins."""
    return bool(user.is_superuser)


def may_assign_roles(user: User | AnonymousUser, anchor: models.Model) -> bool:
    """Whether the user may give (and take back) roles held on `anchor`, an organisation or an
    enterprise."""
    return can_add_to(user, ROLE, anchor)


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
