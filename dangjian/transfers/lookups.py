"""Transfers' choice source (ui.lookups): the branches for which the user registers incoming
letters. (The receiving branch of a letter is typed by its full name, as on paper: no list
offers other counties' or enterprises' branches, transfers.selectors.receiving_named.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from dangjian.access import permissions
from dangjian.organizations.lookups import NAME_COLUMNS, ORG_SEARCH
from dangjian.organizations.models import Organization
from dangjian.ui.lookups import register

from . import selectors

if TYPE_CHECKING:
    from dangjian.access.models import User


def own_units_for(user: User) -> QuerySet[Organization]:
    """The party units for which the user registers letters from outside."""
    return permissions.transfer_orgs(user, selectors.receiving_units())


def receiver_label(org: Organization) -> str:
    return org.display_name


register("org.transfer_own", own_units_for, ORG_SEARCH, receiver_label, columns=NAME_COLUMNS)
