"""Reads of who holds which role where, for the capabilities that need it, so that no capability
compares role names itself. Each app's reads are in a block headed by its name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet

from .models import Role, RoleAssignment

if TYPE_CHECKING:
    from dangjian.organizations.models import Organization

# --- branchlife -----------------------------------------------------------------------------

# The branch committee (支委会): its secretary and its committee members.
COMMITTEE_ROLES = (Role.SECRETARY, Role.COMMITTEE_MEMBER)


def committee_person_ids(org: Organization) -> QuerySet[RoleAssignment, Any]:
    """The ids of the people holding the secretary's or a committee member's role at `org`."""
    return RoleAssignment.objects.filter(organization=org, role__in=COMMITTEE_ROLES, user__person__isnull=False).values(
        "user__person_id"
    )


def has_committee(org: Organization) -> bool:
    """Whether `org` has a committee (a committee member's role is held there)."""
    return RoleAssignment.objects.filter(organization=org, role=Role.COMMITTEE_MEMBER).exists()


def orgs_with_committee(org_ids: Any) -> set[int]:
    """Of the organisations `org_ids` (a subquery or ids), those with a committee."""
    return set(
        RoleAssignment.objects.filter(organization__in_ids=org_ids, role=Role.COMMITTEE_MEMBER).values_list(
            "organization_id", flat=True
        )
    )


def hosted_by_secretary_q(host: str, organization: str) -> Q:
    """Rows whose `host` (a person field) is the secretary of the row's `organization`."""
    return Q(
        **{
            f"{host}__user__role_assignments__role": Role.SECRETARY,
            f"{host}__user__role_assignments__organization": F(organization),
        }
    )
