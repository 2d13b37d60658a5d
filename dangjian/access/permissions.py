"""Every `may_*` predicate: the answers to "may this user do this?" that are not one object's
scope (for those, `scopes.can` and `scopes.scope`).

Only access decides who may see or do what: each app's predicates live here, in a block headed
by the app's name, built on `scopes` (grants, reach) and never on role names compared elsewhere.
Views, API endpoints, forms and services ask these; they do not loop over grants themselves.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import models

from .models import User
from .scopes import ROLE, can_add_to

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
