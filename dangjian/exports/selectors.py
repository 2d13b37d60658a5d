"""Reads for exports: the rows of each list page, scoped and filtered exactly as on the page.

Every selection starts from the page's own scoped queryset (access.scopes.scope through the
apps' selectors) and its own filter form, so a download can never hold a row its page would not
show. Whether a person's ID number and phone go out in clear is decided in the same query
(`may_reveal`), never one query per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict

from dangjian.access.permissions import visible_reach
from dangjian.access.scopes import MEMBERSHIP, NOTHING, PERSON, REVEAL, VIEW, scope, scope_q
from dangjian.choices import PARTY_MEMBER_STATUSES
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit
from dangjian.organizations.selectors import (
    ENTERPRISE_SORTS,
    all_units,
    count_of,
    filtered_enterprises,
    supervising_paths,
    visible_orgs,
)
from dangjian.people.forms import PersonFilterForm
from dangjian.people.models import Person
from dangjian.people.selectors import (
    PERSON_SORTS,
    filter_people,
    members_in_subtree,
    memberships_where,
    people_in_team,
    people_in_workshop,
    visible_people,
)
from dangjian.ui.paging import sort

from .forms import UnitFilterForm

if TYPE_CHECKING:
    from dangjian.access.models import User


class InvalidFilter(Exception):
    """A filter names something outside the user's scope, or is malformed: nothing is exported
    (the page would quietly drop the filter; a file of personal data must be what was asked)."""


def _sorted(qs: QuerySet[Any], params: QueryDict, allowed: dict[str, str], default: str) -> QuerySet[Any]:
    sorted_qs: QuerySet[Any] = sort(params, qs, allowed, default)[0]
    return sorted_qs


def reveal_flag(user: User) -> Expression:
    """True on the rows whose sensitive values the user may see in clear."""
    q = scope_q(user, PERSON, REVEAL)
    if q is None:
        return Value(True, output_field=BooleanField())
    if q == NOTHING:
        return Value(False, output_field=BooleanField())
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def people(user: User, params: QueryDict) -> QuerySet[Person]:
    form = PersonFilterForm(params, user=user)  # type: ignore[no-untyped-call]  # people's form, untyped
    if not form.is_valid():
        raise InvalidFilter(form.errors.as_text())
    qs = filter_people(visible_people(user), form.cleaned_data, user).select_related("team__parent")
    result: QuerySet[Person] = _sorted(qs, params, PERSON_SORTS, "name").annotate(may_reveal=reveal_flag(user))
    return result


def _visible_membership(user: User, pk: OuterRef) -> Value | Exists:
    q = scope_q(user, MEMBERSHIP, VIEW)
    if q is None:
        return Value(True, output_field=BooleanField())
    if q == NOTHING:
        return Value(False, output_field=BooleanField())
    return Exists(memberships_where(q).filter(pk=pk))


def members(user: User, params: QueryDict) -> QuerySet[Person]:
    """Party members with their open membership record (one per person, a database constraint)
    joined in; its dates go out only where the user may see that record (`membership_visible`)."""
    return (
        people(user, params)
        .filter(political_status__in=PARTY_MEMBER_STATUSES)
        .annotate(open_membership=FilteredRelation("memberships", condition=Q(memberships__ended_on__isnull=True)))
        .annotate(
            membership_visible=_visible_membership(user, OuterRef("open_membership__pk")),
            open_admitted_on=F("open_membership__admitted_on"),
            open_converted_on=F("open_membership__converted_on"),
            open_joined_org_on=F("open_membership__joined_org_on"),
        )
    )


def organizations(user: User, params: QueryDict) -> QuerySet[Organization]:
    # Members of the whole subtree, as the organisation's page counts them.
    subtree_members = members_in_subtree(OuterRef("path"))
    return visible_orgs(user).select_related("parent").annotate(n_members=count_of(subtree_members)).order_by("path")


def enterprises(user: User, params: QueryDict) -> QuerySet[Enterprise]:
    return _sorted(filtered_enterprises(user, params), params, ENTERPRISE_SORTS, "name")


def units(user: User, params: QueryDict) -> QuerySet[ProductionUnit]:
    form = UnitFilterForm(params, user=user)
    if not form.is_valid():
        raise InvalidFilter(form.errors.as_text())
    qs: QuerySet[ProductionUnit] = scope(user, all_units(), VIEW)
    if form.cleaned_data["enterprise"]:
        qs = qs.filter(enterprise=form.cleaned_data["enterprise"])
    # A team counts its people; a workshop the people of its teams.
    people_count = count_of(people_in_team(OuterRef("pk"))) + count_of(people_in_workshop(OuterRef("pk")))
    return qs.annotate(n_people=people_count).order_by(
        "enterprise__name",
        "enterprise_id",
        Coalesce("parent__name", "name"),
        Coalesce("parent_id", "pk"),
        "-kind",  # the workshop before its teams
        "name",
        "pk",
    )


def covering_org_path(user: User, resource: str) -> str:
    """The narrowest organisation path under which everything of `resource` the user can see
    lies: where the audit log files their export, so the committees above it read it."""
    reach = visible_reach(user, resource)
    if reach is None:
        return ""
    paths, enterprise_ids = reach
    if enterprise_ids:
        # An enterprise's events are filed under its supervising committee (its audit_org_path).
        paths += supervising_paths(enterprise_ids)
    return common_path(paths)


def common_path(paths: list[str]) -> str:
    """`/1/7/42/` and `/1/7/50/` → `/1/7/`; nothing in common (or no paths) → ""."""
    if not paths:
        return ""
    split = [[part for part in p.split("/") if part] for p in paths]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if any(part != parts[0] for part in parts):
            break
        common.append(parts[0])
    return f"/{'/'.join(common)}/" if common else ""
