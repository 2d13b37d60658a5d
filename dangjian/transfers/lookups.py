"""Transfers' choice sources (ui.lookups): every branch of the platform a letter may go to (any
county: a receiving branch is chosen by name, nothing else of it is shown), and the branches for
which the user registers incoming letters."""

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


def receivers_for(user: User) -> QuerySet[Organization]:
    """Every party unit of the platform: a letter goes to any branch, in any county."""
    return selectors.receiving_units()


def own_units_for(user: User) -> QuerySet[Organization]:
    """The party units for which the user registers letters from outside."""
    return permissions.transfer_orgs(user, receivers_for(user))


def receiver_label(org: Organization) -> str:
    return org.display_name


register("org.transfer_to", receivers_for, ORG_SEARCH, receiver_label, columns=NAME_COLUMNS)
register("org.transfer_own", own_units_for, ORG_SEARCH, receiver_label, columns=NAME_COLUMNS)
