"""Reads for exports: the rows of each list page, scoped and filtered exactly as on the page.

Every selection starts from the page's own scoped queryset (access.scopes.scope through the
apps' selectors) and its own filter form, so a download can never hold a row its page would not
show. Whether a person's ID number and phone go out in clear is decided in the same query
(`may_reveal`), never one query per row.
"""

from __future__ import annotations

from typing import Any

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

from dangjian.access.scopes import MEMBERSHIP, NOTHING, PERSON, REVEAL, VIEW, grants_for, scope, scope_q
from dangjian.choices import PARTY_MEMBER_STATUSES
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit
from dangjian.organizations.selectors import ENTERPRISE_SORTS, count_of, filtered_enterprises, visible_orgs
from dangjian.people.forms import PersonFilterForm
from dangjian.people.models import Membership, Person
from dangjian.people.selectors import PERSON_SORTS, filter_people, visible_people
from dangjian.ui.paging import sort

from .forms import UnitFilterForm


class InvalidFilter(Exception):
    """A filter names something outside the user's scope, or is malformed: nothing is exported
    (the page would quietly drop the filter; a file of personal data must be what was asked)."""


def _sorted(qs: QuerySet, params: QueryDict, allowed: dict[str, str], default: str) -> QuerySet:
    return sort(params, qs, allowed, default)[0]


def reveal_flag(user: Any) -> Expression:
    """True on the rows whose sensitive values the user may see in clear."""
    q = scope_q(user, PERSON, REVEAL)
    if q is None:
        return Value(True, output_field=BooleanField())
    if q == NOTHING:
        return Value(False, output_field=BooleanField())
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def people(user: Any, params: QueryDict) -> QuerySet[Person]:
    form = PersonFilterForm(params, user=user)
    if not form.is_valid():
        raise InvalidFilter(form.errors.as_text())
    qs = filter_people(visible_people(user), form.cleaned_data, user).select_related("team__parent")
    return _sorted(qs, params, PERSON_SORTS, "name").annotate(may_reveal=reveal_flag(user))


def _visible_membership(user: Any, pk: Expression) -> Expression:
    q = scope_q(user, MEMBERSHIP, VIEW)
    if q is None:
        return Value(True, output_field=BooleanField())
    if q == NOTHING:
        return Value(False, output_field=BooleanField())
    return Exists(Membership.objects.filter(q, pk=pk))


def members(user: Any, params: QueryDict) -> QuerySet[Person]:
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


def organizations(user: Any, params: QueryDict) -> QuerySet[Organization]:
    # Members of the whole subtree, as the organisation's page counts them.
    subtree_members = Person.objects.filter(
        party_org__path__startswith=OuterRef("path"), political_status__in=PARTY_MEMBER_STATUSES
    )
    return visible_orgs(user).select_related("parent").annotate(n_members=count_of(subtree_members)).order_by("path")


def enterprises(user: Any, params: QueryDict) -> QuerySet[Enterprise]:
    return _sorted(filtered_enterprises(user, params), params, ENTERPRISE_SORTS, "name")


def units(user: Any, params: QueryDict) -> QuerySet[ProductionUnit]:
    form = UnitFilterForm(params, user=user)
    if not form.is_valid():
        raise InvalidFilter(form.errors.as_text())
    qs = scope(user, ProductionUnit.objects.select_related("enterprise", "parent"), VIEW)
    if form.cleaned_data["enterprise"]:
        qs = qs.filter(enterprise=form.cleaned_data["enterprise"])
    # A team counts its people; a workshop the people of its teams.
    people_count = count_of(Person.objects.filter(team=OuterRef("pk"))) + count_of(
        Person.objects.filter(team__parent=OuterRef("pk"))
    )
    return qs.annotate(n_people=people_count).order_by(
        "enterprise__name",
        "enterprise_id",
        Coalesce("parent__name", "name"),
        Coalesce("parent_id", "pk"),
        "-kind",  # the workshop before its teams
        "name",
        "pk",
    )


def covering_org_path(user: Any, resource: str) -> str:
    """The narrowest organisation path under which everything of `resource` the user can see
    lies: where the audit log files their export, so the committees above it read it."""
    if getattr(user, "is_superuser", False):
        return ""
    paths: list[str] = []
    enterprise_ids: set[int] = set()
    for g in grants_for(user):
        if not g.allows(resource, VIEW):
            continue
        if g.org_path:
            paths.append(g.org_path)
        elif g.enterprise_id:
            enterprise_ids.add(g.enterprise_id)
        elif g.person_id:
            person = getattr(user, "person", None)
            if person is not None and person.party_org_id:
                paths.append(person.party_org.path)
            elif person is not None and person.employer_id:
                enterprise_ids.add(person.employer_id)
            else:
                return ""
    if enterprise_ids:
        # An enterprise's events are filed under its supervising committee (its audit_org_path).
        paths += Enterprise.objects.filter(pk__in=enterprise_ids).values_list("supervising_org__path", flat=True)
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
