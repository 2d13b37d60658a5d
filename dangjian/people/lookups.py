"""The choice lists people's forms use (lookup sources, see dangjian.ui.lookups): each a function
of the user returning the choices already narrowed by the scope rule. The forms narrow them
further, never widen them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from dangjian.access.scopes import CHANGE, ENTERPRISE, MEMBERSHIP, ORG, PERSON, container_q
from dangjian.organizations.lookups import (
    ENTERPRISE_SEARCH,
    NAME_COLUMNS,
    ORG_SEARCH,
    TEAM_COLUMNS,
    TEAM_SEARCH,
    team_label,
)
from dangjian.organizations.selectors import enterprises_where, party_units_and_groups, teams_of
from dangjian.ui import lookups

from .models import Person
from .selectors import visible_people

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.organizations.models import Enterprise, Organization, ProductionUnit

PERSON_SEARCH = ("name", "name_latin")


def enterprises_for_people(user: User, action: str = CHANGE) -> QuerySet[Enterprise]:
    """Enterprises in which the user may add or edit people."""
    return enterprises_where(container_q(user, PERSON, action, ENTERPRISE))


def employer_teams_for(user: User) -> QuerySet[ProductionUnit]:
    return teams_of(enterprises_for_people(user)).select_related("enterprise")


def membership_orgs(user: User) -> QuerySet[Organization]:
    """Organisations in which the user may keep membership records."""
    where = container_q(user, MEMBERSHIP, CHANGE, ORG)
    qs = party_units_and_groups()
    return qs if where is None else qs.filter(where)


def people_for(user: User) -> QuerySet[Person]:
    return visible_people(user)


def person_at_work(p: Person) -> str:
    return p.picker_label


def register() -> None:
    lookups.register("org.membership", membership_orgs, ORG_SEARCH, columns=NAME_COLUMNS)
    lookups.register("enterprise.employer", enterprises_for_people, ENTERPRISE_SEARCH, columns=NAME_COLUMNS)
    lookups.register("team.employer", employer_teams_for, TEAM_SEARCH, team_label, TEAM_COLUMNS)
    lookups.register("person", people_for, PERSON_SEARCH, person_at_work)
