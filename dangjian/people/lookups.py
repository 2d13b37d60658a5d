"""People's choice sources for searchable choice lists (ui.lookups): persons, and the employers,
teams and organisations a user may file people and memberships under."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from dangjian.organizations.lookups import ENTERPRISE_SEARCH, ORG_SEARCH, TEAM_SEARCH, team_label
from dangjian.organizations.selectors import teams_of
from dangjian.ui.lookups import register

from .forms import enterprises_for_people, membership_orgs
from .models import Person
from .selectors import visible_people

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.organizations.models import ProductionUnit

PERSON_SEARCH = ("name", "name_latin")


def employer_teams(user: User) -> QuerySet[ProductionUnit]:
    return teams_of(enterprises_for_people(user))


def person_at_work(p: Person) -> str:
    return f"{p.name} · {p.employer.display_name}" if p.employer is not None else p.name


register("org.membership", membership_orgs, ORG_SEARCH)
register("enterprise.employer", enterprises_for_people, ENTERPRISE_SEARCH)
register("team.employer", employer_teams, TEAM_SEARCH, team_label)
register("person", visible_people, PERSON_SEARCH, person_at_work)
