"""Permission predicates (`may_*`): every "may this user …?" that is not a plain scope question,
answered in one place, in blocks headed by the app they serve."""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models

from .models import User
from .scopes import CANDIDACY, CHANGE, MEMBERSHIP, NOTHING, ORG, REVEAL, VIEW, can, container_q, grants_for

AnyUser = User | AnonymousUser
_M = TypeVar("_M", bound=models.Model)

# --- development --------------------------------------------------------------------------------

# A person whose application is in progress (development.models.OPEN_STAGES, which a candidacy's
# stage writes into the person's political status) may not apply again.
APPLYING_STATUSES = frozenset({"applicant", "activist", "target"})


def may_see_development(user: AnyUser) -> bool:
    """Whether the user holds a role that shows candidacies beyond their own application (menus,
    boards): everyone may read their own, which is no reason for a menu."""
    if getattr(user, "is_superuser", False):
        return True
    return any(g.allows(CANDIDACY, VIEW) and g.role != "self" for g in grants_for(user))


def acts_above(user: AnyUser | None, org_path: str) -> bool:
    """Whether `user` may record the higher committee's and the department's steps on a candidacy
    of the organisation at `org_path`: a role that changes candidacies, anchored on an organisation
    strictly above it. The system (None: the demo, commands) and a superuser may too."""
    if user is None:
        return True
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return any(
        g.org_path
        and g.allows(CANDIDACY, CHANGE)
        and org_path.startswith(g.org_path)
        and len(g.org_path) < len(org_path)
        for g in grants_for(user)
    )


def may_record(user: AnyUser | None, org_path: str, *, higher_step: bool) -> bool:
    """Whether the step is one the user's place allows them to record on a candidacy of the
    organisation at `org_path` (the scope is checked by the caller: CHANGE on the candidacy): the
    higher committee's and the department's steps (`higher_step`) only from above."""
    return not higher_step or acts_above(user, org_path)


def may_see_conclusion(user: AnyUser | None, candidacy: models.Model, person: models.Model) -> bool:
    """The political review's conclusion (政审) of `candidacy`, `person`'s, is for those who keep
    the dossier: a user who may change the candidacy and see the person's sensitive data. Not
    the candidate, not an instructor, whatever else they may see."""
    return can(user, CHANGE, candidacy) and can(user, REVEAL, person)


def application_units(user: AnyUser, units: models.QuerySet[_M]) -> models.QuerySet[_M]:
    """Those of `units` (party organisations) where the user may record applications: where they
    keep candidacies."""
    where = container_q(user, CANDIDACY, CHANGE, ORG)
    if where is None:
        return units
    return units.filter(where) if where != NOTHING else units.none()


def may_record_applications(user: AnyUser, units: models.QuerySet[_M]) -> bool:
    return application_units(user, units).exists()


def may_apply_online(person: models.Model | None) -> bool:
    """An employee of a covered enterprise (one with a party organisation) with no membership and
    no application in progress."""
    if person is None or not getattr(person, "employer_id", None) or getattr(person, "is_party_member", False):
        return False
    if getattr(person, "political_status", None) in APPLYING_STATUSES:
        return False
    return type(person)._default_manager.filter(pk=person.pk, employer__party_org__isnull=False).exists()


# --- birthdays ----------------------------------------------------------------------------------


def may_see_birthdays(user: AnyUser) -> bool:
    """Whether the user holds a party role that shows members' records (menus, the cohort page):
    the organisation department, secretaries, committee members, instructors and members
    themselves; not an employer's HR, not a non-member."""
    if getattr(user, "is_superuser", False):
        return True
    return any(g.allows(MEMBERSHIP, VIEW) and g.role != "self" for g in grants_for(user))
