"""The party tree's and the enterprises' choice sources for searchable choice lists (ui.lookups)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from dangjian.access.scopes import VIEW, scope
from dangjian.ui.lookups import register

from .models import PARTY_UNIT_KINDS, ROOT_KINDS, Enterprise, Organization, OrgKind, ProductionUnit, UnitKind
from .selectors import visible_orgs

if TYPE_CHECKING:
    from dangjian.access.models import User

ORG_SEARCH = ("name", "name_en", "code")
ENTERPRISE_SEARCH = ("name", "name_en", "uscc")
TEAM_SEARCH = ("name", "enterprise__name", "parent__name")


def orgs(user: User, action: str = VIEW) -> QuerySet[Organization]:
    """Party organisations the user may act on (party groups are never chosen from a list)."""
    return visible_orgs(user, action).exclude(kind=OrgKind.PARTY_GROUP)


def committees(user: User) -> QuerySet[Organization]:
    return orgs(user, "change").filter(kind__in=[*ROOT_KINDS, OrgKind.PARK_COMMITTEE])


def party_units(user: User) -> QuerySet[Organization]:
    return orgs(user).filter(kind__in=PARTY_UNIT_KINDS)


def enterprises(user: User) -> QuerySet[Enterprise]:
    return scope(user, Enterprise.objects.all())


def teams(user: User) -> QuerySet[ProductionUnit]:
    return scope(user, ProductionUnit.objects.filter(kind=UnitKind.TEAM)).select_related("enterprise")


def team_label(team: ProductionUnit) -> str:
    return f"{team.enterprise.display_name} · {team.display_name}"


register("org", orgs, ORG_SEARCH)
register("org.change", lambda user: orgs(user, "change"), ORG_SEARCH)
register("org.committee", committees, ORG_SEARCH)
register("org.party_unit", party_units, ORG_SEARCH)
register("enterprise", enterprises, ENTERPRISE_SEARCH)
register("team", teams, TEAM_SEARCH, team_label)
