"""Reads of users, role assignments and API tokens, for the pages and the API above access
(accounts, api)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet

from dangjian.ids import parse_id

from .models import ApiToken, Role, RoleAssignment, User
from .scopes import ORG, VIEW, resource_of, scope

if TYPE_CHECKING:
    from dangjian.organizations.models import Organization


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


# --- the county set-up page (onboarding) -----------------------------------------------------


def _held_under(path: str) -> QuerySet[RoleAssignment]:
    """Roles held on an organisation at or under `path`, or on an enterprise its subtree
    supervises or covers."""
    return RoleAssignment.objects.filter(
        Q(organization__path__startswith=path)
        | Q(enterprise__supervising_org__path__startswith=path)
        | Q(enterprise__party_org__path__startswith=path)
    )


def role_holder_person_ids_under(path: str) -> list[int]:
    """The people (by id) who hold a role under `path` (see `_held_under`), once each."""
    return sorted(set(_held_under(path).filter(user__person__isnull=False).values_list("user__person_id", flat=True)))


def role_holder_counts_under(path: str) -> tuple[int, int]:
    """(how many hold a role under `path`, how many of them have never chosen a password); the
    organisation department of the organisation at `path` itself, who sets it up, not counted."""
    users = _held_under(path).exclude(role=Role.ORG_DEPARTMENT, organization__path=path).values("user_id")
    holders = User.objects.filter(pk__in=users)
    # A login made without a password holds an unusable one (Django marks it with "!").
    return holders.count(), holders.filter(password__startswith="!").count()


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


# --- branchlife -----------------------------------------------------------------------------

# The branch committee (支委会): its secretary and its committee members.
COMMITTEE_ROLES = (Role.SECRETARY, Role.COMMITTEE_MEMBER)


def committee_person_ids(org: Organization) -> QuerySet[RoleAssignment, Any]:
    """The ids of the people holding the secretary's or a committee member's role at `org`."""
    return RoleAssignment.objects.filter(organization=org, role__in=COMMITTEE_ROLES, user__person__isnull=False).values(
        "user__person_id"
    )


def has_committee(org: Organization) -> bool:
    """Whether `org` has a committee (a committee member's role is held there)."""
    return RoleAssignment.objects.filter(organization=org, role=Role.COMMITTEE_MEMBER).exists()


def orgs_with_committee(org_ids: Any) -> set[int]:
    """Of the organisations `org_ids` (a subquery or ids), those with a committee."""
    return set(
        RoleAssignment.objects.filter(organization__in_ids=org_ids, role=Role.COMMITTEE_MEMBER).values_list(
            "organization_id", flat=True
        )
    )


def secretary_pairs(person_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(person id, organisation id) for each of these people who is secretary of that organisation.

    Asked with the people first, so that callers never join meetings to people, users and role
    assignments in one statement: PostgreSQL without fresh statistics planned that four-way join
    as nested loops that ran for minutes."""
    ids = sorted(set(person_ids))
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(ids), 900):  # under SQLite's limit of parameters in a statement
        pairs |= set(
            RoleAssignment.objects.filter(
                role=Role.SECRETARY, user__person_id__in=ids[start : start + 900], organization__isnull=False
            )
            .values_list("user__person_id", "organization_id")
            .distinct()
        )
    return pairs


def users_of_people(person_ids: Iterable[int]) -> list[User]:
    """The active logins of these people (those without a login are not told in the app)."""
    return list(User.objects.filter(person_id__in=list(person_ids), is_active=True))


def user_exists(username: str) -> bool:
    return User.objects.filter(username=username).exists()


def taken_usernames(usernames: Iterable[str]) -> list[str]:
    """Those of `usernames` that already belong to a user, sorted."""
    return sorted(User.objects.filter(username__in=list(usernames)).values_list("username", flat=True))


def user_count() -> int:
    return User.objects.count()


def users_holding_roles(user_ids: Iterable[int], *, since: dt.datetime | None = None) -> set[int]:
    """Those of these users who hold an assigned role (their password is an officer's); with
    `since`, only a role given after that moment counts."""
    ids = sorted(set(user_ids))
    if not ids:
        return set()
    held = RoleAssignment.objects.filter(user_id__in=ids)
    if since is not None:
        held = held.filter(created_at__gt=since)
    return set(held.values_list("user_id", flat=True).distinct())


def role_anchors(user_ids: Iterable[int]) -> dict[int, list[Any]]:
    """Where each of these users holds their roles: the organisations and enterprises (with what
    a scope check reads of them), by user."""
    anchors: dict[int, list[Any]] = {}
    held = RoleAssignment.objects.filter(user_id__in=sorted(set(user_ids))).select_related(
        "organization", "enterprise__supervising_org", "enterprise__party_org"
    )
    for ra in held:
        anchors.setdefault(ra.user_id, []).append(ra.organization or ra.enterprise)
    return anchors


def user_for_reset(login: str) -> User | None:
    """The active login, named by its login name or its e-mail address, that signs in with a
    password and has an e-mail address to send a reset link to; None otherwise (or if the
    address is shared by several logins)."""
    login = login.strip()
    if not login:
        return None
    found = list(User.objects.filter(Q(username=login) | Q(email__iexact=login), is_active=True).exclude(email="")[:2])
    if len(found) != 1 or not found[0].has_usable_password():
        return None
    return found[0]


def user_by_pk(pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_active=True).first()


def client_address(request: Any) -> str:
    """The client's address as the login lockout sees it (django-axes, with its AXES_IPWARE_*
    settings for a trusted proxy), so that codes and passwords are limited alike."""
    from axes.helpers import get_client_ip_address  # axes reads its settings on import

    return get_client_ip_address(request) or ""
