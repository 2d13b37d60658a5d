"""Pacesetter selections' choice sources (ui.lookups): the enterprises where a user may open a
round, and the people a user may nominate.

Who may be nominated is the round's rule (its nominee eligibility), not the person list's
scope: an ordinary employee reads no colleague's record, yet nominates a colleague. So the
nominee source offers the people eligible in the rounds the user reads that take nominations
now, labelled by name and team only (no year of birth, no masked ID number: a colleague is
told apart by their team); the nomination form narrows it to its round."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from dangjian.access import permissions
from dangjian.access.scopes import VIEW, scope
from dangjian.organizations.lookups import ENTERPRISE_SEARCH, NAME_COLUMNS
from dangjian.organizations.models import Enterprise
from dangjian.people.models import Person
from dangjian.ui.lookups import register

from . import selectors
from .models import Phase, Round

if TYPE_CHECKING:
    from dangjian.access.models import User

NOMINEE_SEARCH = ("name", "name_latin")
# A user reads few rounds taking nominations at once; past this many the list offers the newest.
MAX_OPEN_ROUNDS = 20


def round_enterprises(user: User) -> QuerySet[Enterprise]:
    """Enterprises with a party organisation where the user may open a round."""
    return permissions.round_enterprises(user, Enterprise.objects.filter(party_org__isnull=False))


def nominees_for(user: User) -> QuerySet[Person]:
    """The people eligible for nomination in the rounds the user reads that are taking
    nominations."""
    rounds = scope(user, Round.objects.filter(phase=Phase.NOMINATION), VIEW).select_related("organization")
    q = Q(pk__in=[])
    for r in rounds.order_by("-opens_on", "-pk")[:MAX_OPEN_ROUNDS]:
        q |= Q(pk__in=selectors.eligible(r, r.nominees).values("pk"))
    return Person.objects.filter(q).select_related("team").order_by("name", "pk")


def nominee_label(p: Person) -> str:
    return f"{p.name} · {p.team.display_name}" if p.team is not None else p.name


register("enterprise.selection", round_enterprises, ENTERPRISE_SEARCH, columns=NAME_COLUMNS)
register("person.nominee", nominees_for, NOMINEE_SEARCH, nominee_label)
