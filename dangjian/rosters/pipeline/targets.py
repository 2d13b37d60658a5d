"""Where a roster goes: the enterprise (employee roster, indicator sheet) or party organisation
(member roster) named by a code, and the places a user may import into."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from dangjian.access import permissions
from dangjian.access.scopes import CHANGE, ENTERPRISE, MEMBERSHIP, ORG, PERSON, container_q
from dangjian.indicators import selectors as indicators
from dangjian.organizations import selectors as orgs
from dangjian.organizations.models import Enterprise, Organization, OrgKind

from ..columns import EMPLOYEES, MEMBERS

if TYPE_CHECKING:
    from dangjian.access.models import User

# The committees a county's set-up files go into (Organization.is_committee).
COMMITTEE_KINDS = (OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE, OrgKind.PARK_COMMITTEE)


def kind_for(target: Enterprise | Organization) -> str:
    return EMPLOYEES if isinstance(target, Enterprise) else MEMBERS


def find_target(code: str) -> Enterprise | Organization | None:
    """An enterprise by its credit code, or a party organisation by its code."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return orgs.target_by_code(code)


def targets_for(user: User) -> tuple[QuerySet[Enterprise], QuerySet[Organization]]:
    """Where this user may import: (enterprises, party organisations)."""
    return orgs.import_targets(
        container_q(user, PERSON, CHANGE, ENTERPRISE), container_q(user, MEMBERSHIP, CHANGE, ORG)
    )


def figure_targets(user: User) -> QuerySet[Enterprise]:
    """The enterprises whose production figures this user may import: those they enter figures of."""
    return indicators.visible_enterprises(user, CHANGE).order_by("name")


def dues_targets(user: User) -> QuerySet[Organization]:
    """The party organisations whose dues bases this user may import: those whose dues they keep."""
    return permissions.dues_orgs(user, orgs.party_units_and_groups(), CHANGE).order_by("path")


def county_targets(user: User) -> list[int]:
    """The committees (by id) whose set-up files this user may import: those they set up."""
    committees = orgs.committees_of_kinds(COMMITTEE_KINDS)
    return [o.pk for o in committees if permissions.may_set_up(user, o)]


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
