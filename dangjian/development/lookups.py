"""Party development's choice sources for searchable choice lists (ui.lookups): who may apply,
and the organisations an application may be filed with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from dangjian.organizations.lookups import ORG_SEARCH
from dangjian.people.lookups import PERSON_SEARCH, person_at_work
from dangjian.ui.lookups import register

from .selectors import applicable_people, application_orgs

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.people.models import Person


def applicants(user: User) -> QuerySet[Person]:
    return applicable_people(user).select_related("employer")


register("org.application", application_orgs, ORG_SEARCH)
register("person.applicant", applicants, PERSON_SEARCH, person_at_work)
