"""Every `may_*` permission predicate, in one place: who may see or do what, beyond the one
object-level check (`scopes.can`). Each app's predicates are in a block headed by its name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model

from .scopes import CHANGE, MEETING, MEMBERSHIP, PERSON, VIEW, can, can_add_to, grants_for, has_any

if TYPE_CHECKING:
    from .models import User


# --- branchlife -----------------------------------------------------------------------------


def may_see_meetings(user: User) -> bool:
    return has_any(user, MEETING, VIEW)


def may_keep(user: User, meeting: Model) -> bool:
    """Whether the user keeps the meeting's record (marks attendance, reads the reasons)."""
    return can(user, CHANGE, meeting)


def may_export(user: User) -> bool:
    """The meeting register holds everyone's attendance and leave reasons: for those who keep
    meetings."""
    return has_any(user, MEETING, CHANGE)


# --- rosters --------------------------------------------------------------------------------


def may_import(user: User) -> bool:
    """Whether the user may import a roster anywhere (menus, upload page, templates)."""
    return has_any(user, PERSON, CHANGE) or has_any(user, MEMBERSHIP, CHANGE)


def may_import_into(user: User | None, target: Model) -> bool:
    """An employee roster goes into an enterprise (adding people to it), a member roster into a
    party unit (adding memberships). `user` None is the system itself (`manage.py import_roster`
    without --user)."""
    if target._meta.label == "organizations.Enterprise":
        return user is None or can_add_to(user, PERSON, target)
    return bool(getattr(target, "is_party_unit", False)) and (user is None or can_add_to(user, MEMBERSHIP, target))


# --- exports --------------------------------------------------------------------------------


def visible_reach(user: User, resource: str) -> tuple[list[str], set[int]] | None:
    """Where everything of `resource` the user can see lies: (organisation paths, enterprise
    ids), or None when it has no bound (a superuser, or a personal grant with no organisation
    or employer to pin it to)."""
    if getattr(user, "is_superuser", False):
        return None
    paths: list[str] = []
    enterprise_ids: set[int] = set()
    for g in grants_for(user):
        if not g.allows(resource, VIEW):
            continue
        if g.org_path:
            paths.append(g.org_path)
        elif g.enterprise_id:
            enterprise_ids.add(g.enterprise_id)
        elif g.person_id:
            person: Any = getattr(user, "person", None)
            if person is not None and person.party_org_id:
                paths.append(person.party_org.path)
            elif person is not None and person.employer_id:
                enterprise_ids.add(person.employer_id)
            else:
                return None
    return paths, enterprise_ids
