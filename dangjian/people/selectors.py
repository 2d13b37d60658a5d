"""Reads for persons: the scoped, filtered list and exact ID-number lookup."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from dangjian.access.scopes import REVEAL, VIEW, enterprises_under, orgs_under, scope

from .choices import PARTY_MEMBER_STATUSES, PoliticalStatus
from .models import Membership, Person
from .services import id_number_lookup
from .validators import normalize_id_number

if TYPE_CHECKING:
    from dangjian.organizations.models import Enterprise, Organization, ProductionUnit

PERSON_SORTS = {
    "name": "name",
    "birth_date": "birth_date",
    "status": "political_status",
    "employer": "employer__name",
    "team": "team__name",
    "hire_date": "hire_date",
}


def looks_like_id_number(text: str) -> bool:
    n = normalize_id_number(text)
    return len(n) == 18 and n[:17].isdigit()


_LIST_RELATED = ("employer", "team", "party_org")


def visible_people(user: Any, action: str = VIEW) -> QuerySet[Person]:
    return scope(user, Person.objects.select_related(*_LIST_RELATED), action)


def by_id_number(user: Any, number: str) -> QuerySet[Person]:
    """The person with this ID number, if the user may see their ID number.

    Looking people up by ID number is for roles that may see ID numbers: otherwise the mask plus
    the birth date leave so few candidates that look-ups would reveal it. The unique index finds
    the row first; the scope is then checked on that row (joins=True) instead of building the
    user's whole reach. REVEAL never reaches further than VIEW (test_scopes pins it), so the
    reveal scope alone is the list's scope here."""
    return scope(user, Person.objects.select_related(*_LIST_RELATED), REVEAL, joins=True).filter(
        id_number_index=id_number_lookup(number)
    )


def under_org_q(org: Any) -> Q:
    """People of an organisation: its members and the employees of the enterprises it covers or supervises."""
    return Q(party_org__in=orgs_under(org.path)) | Q(employer__in=enterprises_under(org.path))


def filter_people(qs: QuerySet[Person], data: dict[str, Any], user: Any) -> QuerySet[Person]:
    q = (data.get("q") or "").replace("\x00", "").strip()
    if q:
        if looks_like_id_number(q):
            # Replaces the list's reach (callers pass visible_people): see by_id_number.
            qs = by_id_number(user, q)
        else:
            qs = qs.filter(Q(name__icontains=q) | Q(name_latin__icontains=q) | Q(post__icontains=q))
    org = data.get("organization")
    if org:
        qs = qs.filter(under_org_q(org))
    if data.get("enterprise"):
        qs = qs.filter(employer=data["enterprise"])
    if data.get("team"):
        qs = qs.filter(team=data["team"])
    status = data.get("status")
    if status == "members":
        qs = qs.filter(political_status__in=PARTY_MEMBER_STATUSES)
    elif status:
        qs = qs.filter(political_status=status)
    if data.get("ethnicity"):
        qs = qs.filter(ethnicity=data["ethnicity"])
    if data.get("gender"):
        qs = qs.filter(gender=data["gender"])
    return qs


# --- Unscoped counts for commands and seed data (added by the demo, issue 13) --------------------


def count_people(
    statuses: Iterable[str] | None = None,
    *,
    party_org_under: Organization | None = None,
    employer: Enterprise | None = None,
) -> int:
    """How many persons (with one of `statuses`; whose party organisation is `party_org_under` or
    below it; employed by `employer`), unscoped: for commands, not for pages."""
    qs = Person.objects.all()
    if statuses is not None:
        qs = qs.filter(political_status__in=list(statuses))
    if party_org_under is not None:
        qs = qs.filter(party_org__path__startswith=party_org_under.path)
    if employer is not None:
        qs = qs.filter(employer=employer)
    return qs.count()


def masses_in_team(team: ProductionUnit) -> QuerySet[Person]:
    """The team's people who are not in the party and have not applied (群众)."""
    return Person.objects.filter(team=team, political_status=PoliticalStatus.MASSES)


def open_membership(person: Person) -> Membership | None:
    """The person's current membership record (at most one is open)."""
    return Membership.objects.filter(person=person, ended_on__isnull=True).first()
