"""The democratic appraisal's choice sources (ui.lookups): the branches where a user may open a
round, and the workers a round's officers may invite as representatives (people who are not
party members, employed by the enterprises the officer's branches cover, as far as the person
list lets the officer read them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from dangjian.access import permissions
from dangjian.access.scopes import CHANGE, VIEW, scope
from dangjian.organizations import selectors as org_selectors
from dangjian.organizations.lookups import NAME_COLUMNS, ORG_SEARCH
from dangjian.organizations.models import Organization
from dangjian.people import selectors as people_selectors
from dangjian.people.models import Person
from dangjian.ui.lookups import register

from .models import Round
from .services import BRANCH_KINDS

if TYPE_CHECKING:
    from dangjian.access.models import User

PERSON_SEARCH = ("name", "name_latin")


def branches_for(user: User) -> QuerySet[Organization]:
    """Branches where the user may open a round."""
    return permissions.member_appraisal_orgs(user, org_selectors.orgs_of_kinds(BRANCH_KINDS)).order_by("path")


def representatives_for(user: User) -> QuerySet[Person]:
    """Workers (not party members) of the enterprises covered by the branches whose rounds the
    user runs, whom the user may read."""
    rounds = scope(user, Round.objects.all(), CHANGE).values("organization_id")
    workers = people_selectors.non_members_employed_in(rounds)
    return scope(user, workers, VIEW).select_related("team").order_by("name", "pk")


def representative_label(p: Person) -> str:
    return f"{p.name} · {p.team.display_name}" if p.team is not None else p.name


register("org.appraisal", branches_for, ORG_SEARCH, columns=NAME_COLUMNS)
register("person.representative", representatives_for, PERSON_SEARCH, representative_label)
