"""The organisation, enterprise and team choice lists (lookup sources, see dangjian.ui.lookups):
each a function of the user returning the choices already narrowed by the scope rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from dangjian import versions
from dangjian.access.scopes import CHANGE, VIEW, reach_key, scope
from dangjian.ui import lookups

from .models import PARTY_UNIT_KINDS, ROOT_KINDS, Enterprise, Organization, OrgKind, ProductionUnit, UnitKind
from .selectors import visible_orgs

if TYPE_CHECKING:
    from dangjian.access.models import User

ORG_SEARCH = ("name", "name_en", "code")
ENTERPRISE_SEARCH = ("name", "name_en", "uscc")
TEAM_SEARCH = ("name", "enterprise__name", "parent__name")
# What the labels read: display_name (BilingualName), team_label.
NAME_COLUMNS = ("name", "name_en")
TEAM_COLUMNS = (*NAME_COLUMNS, "enterprise", "enterprise__name", "enterprise__name_en")


def orgs_for(user: User, action: str = VIEW) -> QuerySet[Organization]:
    """Organisations the user may act on, party groups aside (they are chosen on their own)."""
    return visible_orgs(user, action).exclude(kind=OrgKind.PARTY_GROUP)


def committees_for(user: User) -> QuerySet[Organization]:
    return orgs_for(user, CHANGE).filter(kind__in=[*ROOT_KINDS, OrgKind.PARK_COMMITTEE])


def party_units_for(user: User) -> QuerySet[Organization]:
    return orgs_for(user).filter(kind__in=PARTY_UNIT_KINDS)


def enterprises_for(user: User) -> QuerySet[Enterprise]:
    return scope(user, Enterprise.objects.all())


def teams_for(user: User) -> QuerySet[ProductionUnit]:
    return scope(user, ProductionUnit.objects.filter(kind=UnitKind.TEAM)).select_related("enterprise")


def team_label(team: ProductionUnit) -> str:
    return f"{team.enterprise.display_name} · {team.display_name}"


# The tables these lists read (organisations, enterprises, teams and other units): any write to
# them changes the version their kept lists are keyed by (dangjian.versions).
TABLES = "organizations"


def tables() -> list[str]:
    return [Organization._meta.db_table, Enterprise._meta.db_table, ProductionUnit._meta.db_table]


def tables_version() -> str | None:
    return versions.current(TABLES)


def _kept(key: str, choices: Any, search: tuple[str, ...], label: Any = None, columns: tuple[str, ...] = ()) -> None:
    """A source that is a function of the user's reach alone (access.scopes.reach_key) reading
    only the tables above: its lists are kept (ui.lookups, "Kept lists")."""
    lookups.register(key, choices, search, label, columns, reach=reach_key, version=tables_version)


def register() -> None:
    versions.track(TABLES, tables())
    _kept("org", orgs_for, ORG_SEARCH, columns=NAME_COLUMNS)
    _kept("org.change", lambda user: orgs_for(user, CHANGE), ORG_SEARCH, columns=NAME_COLUMNS)
    _kept("org.committee", committees_for, ORG_SEARCH, columns=NAME_COLUMNS)
    _kept("org.party_unit", party_units_for, ORG_SEARCH, columns=NAME_COLUMNS)
    _kept("enterprise", enterprises_for, ENTERPRISE_SEARCH, columns=NAME_COLUMNS)
    _kept("team", teams_for, TEAM_SEARCH, team_label, TEAM_COLUMNS)
