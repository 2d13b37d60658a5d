"""Reads for the party tree and enterprises: scoped querysets and headline figures."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Func, IntegerField, Model, OuterRef, Q, QuerySet, Subquery

from dangjian.access.scopes import VIEW, orgs_under, scope
from dangjian.people.choices import PARTY_MEMBER_STATUSES, PoliticalStatus

from .models import (
    NON_PUBLIC_OWNERSHIP,
    PARTY_UNIT_KINDS,
    Enterprise,
    Organization,
    OrgKind,
    Ownership,
    ProductionUnit,
    UnitKind,
)

BRANCH_KINDS = [OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH]
APPLICANT_STATUSES = [PoliticalStatus.APPLICANT, PoliticalStatus.ACTIVIST, PoliticalStatus.TARGET]


def nearest_settings(orgs: Iterable[Organization], model: type[Model]) -> dict[int, Any]:
    """For each organisation, the `model` row (local settings, one per organisation through its
    `organization` field) of the nearest organisation up its tree that has one, or None. One
    query for any number of organisations."""
    orgs = list({o.pk: o for o in orgs}.values())
    own = {row.organization_id: row for row in model._default_manager.filter(
        organization_id__in={i for o in orgs for i in o.path_ids()}
    )}  # fmt: skip
    return {org.pk: next((own[i] for i in reversed(org.path_ids()) if i in own), None) for org in orgs}


def visible_orgs(user: Any, action: str = VIEW) -> QuerySet[Organization]:
    return scope(user, Organization.objects.all(), action)


def visible_enterprises(user: Any, action: str = VIEW) -> QuerySet[Enterprise]:
    return scope(user, Enterprise.objects.select_related("supervising_org", "party_org"), action)


ENTERPRISE_SORTS = {"name": "name", "ownership": "ownership", "employees": "n_employees", "members": "n_members"}


def count_of(qs: QuerySet) -> Subquery:
    """COUNT(*) of a correlated queryset, as a column: counted per row shown, through an index,
    instead of joining every related row and grouping (the enterprise list joined all of a
    prefecture's 400,000 people to count them)."""
    return Subquery(qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"), output_field=IntegerField())


def filtered_enterprises(user: Any, params: Any) -> QuerySet[Enterprise]:
    """The enterprise list as filtered by ?q=, ?ownership= and ?covered= (unknown values are
    ignored), with its employee and member counts: the list page and its Excel export."""
    from dangjian.people.models import Person

    employees = Person.objects.filter(employer=OuterRef("pk"))
    qs = visible_enterprises(user).annotate(
        n_employees=count_of(employees),
        n_members=count_of(employees.filter(political_status__in=PARTY_MEMBER_STATUSES)),
    )
    q = (params.get("q") or "").replace("\x00", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(uscc__iexact=q))
    if params.get("ownership", "") in Ownership.values:
        qs = qs.filter(ownership=params["ownership"])
    if params.get("covered", "") in {"yes", "no"}:
        qs = qs.filter(party_org__isnull=params["covered"] == "no")
    return qs


def tree_roots(user: Any) -> list[Organization]:
    """The highest visible nodes: the user's anchors (whose parents they cannot see)."""
    orgs = list(visible_orgs(user).order_by("depth", "path")[:500])
    paths = [o.path for o in orgs]
    return [o for o in orgs if not any(o.path != p and o.path.startswith(p) for p in paths)]


def children_with_counts(user: Any, org: Organization) -> QuerySet[Organization]:
    return (
        visible_orgs(user)
        .filter(parent=org)
        .annotate(n_children=Count("children", distinct=True))
        .order_by("kind", "pk")
    )


def _people_under(path: str):
    from dangjian.people.models import Person

    return Person.objects.filter(party_org__in=orgs_under(path))


def org_figures(org: Organization) -> dict[str, Any]:
    """Headline figures of a node's subtree. Committees get coverage; branches get their people."""
    from dangjian.access.models import Role, RoleAssignment
    from dangjian.people.models import Person

    path = org.path
    members = _people_under(path).aggregate(
        full=Count("pk", filter=Q(political_status=PoliticalStatus.FULL)),
        probationary=Count("pk", filter=Q(political_status=PoliticalStatus.PROBATIONARY)),
        applicants=Count("pk", filter=Q(political_status__in=APPLICANT_STATUSES)),
    )
    figures: dict[str, Any] = {
        "members": members["full"] + members["probationary"],
        "full_members": members["full"],
        "probationary_members": members["probationary"],
        "applicants": members["applicants"],
    }
    if org.is_committee:
        ents = Enterprise.objects.filter(supervising_org__in=orgs_under(path)).aggregate(
            total=Count("pk"),
            covered=Count("pk", filter=Q(party_org__isnull=False)),
            state=Count("pk", filter=Q(ownership=Ownership.STATE)),
            state_covered=Count("pk", filter=Q(ownership=Ownership.STATE, party_org__isnull=False)),
            non_public=Count("pk", filter=Q(ownership__in=NON_PUBLIC_OWNERSHIP)),
            non_public_covered=Count("pk", filter=Q(ownership__in=NON_PUBLIC_OWNERSHIP, party_org__isnull=False)),
        )
        orgs = Organization.objects.filter(path__startswith=path).aggregate(
            branches=Count("pk", filter=Q(kind__in=BRANCH_KINDS)),
            party_units=Count("pk", filter=Q(kind__in=PARTY_UNIT_KINDS)),
        )
        figures.update(
            enterprises=ents["total"],
            covered=ents["covered"],
            state=ents["state"],
            state_covered=ents["state_covered"],
            non_public=ents["non_public"],
            non_public_covered=ents["non_public_covered"],
            branches=orgs["branches"],
            party_units=orgs["party_units"],
            instructors=RoleAssignment.objects.filter(
                role=Role.INSTRUCTOR, enterprise__supervising_org__in=orgs_under(path)
            )
            .values("user")
            .distinct()
            .count(),
        )
    else:
        covered = Enterprise.objects.filter(party_org__in=orgs_under(path))
        figures.update(
            employees=Person.objects.filter(employer__in=covered).count(),
            teams=ProductionUnit.objects.filter(enterprise__in=covered, kind=UnitKind.TEAM).count(),
        )
    return figures


def status_counts(org: Organization) -> list[tuple[str, int]]:
    """Persons in the organisation (members and those applying) by political status value."""
    rows = dict(
        _people_under(org.path)
        .values_list("political_status")
        .annotate(n=Count("pk"))
        .values_list("political_status", "n")
    )
    return [(value, rows[value]) for value in PoliticalStatus.values if value in rows]


def status_breakdown(org: Organization) -> list[tuple[str, int]]:
    """The same, labelled, for charts."""
    labels = dict(PoliticalStatus.choices)
    return [(str(labels[value]), n) for value, n in status_counts(org)]


def enterprise_figures(ent: Enterprise) -> dict[str, Any]:
    from dangjian.people.models import Person

    people = Person.objects.filter(employer=ent).aggregate(
        employees=Count("pk"),
        members=Count("pk", filter=Q(political_status__in=PARTY_MEMBER_STATUSES)),
        applicants=Count("pk", filter=Q(political_status__in=APPLICANT_STATUSES)),
    )
    units = ProductionUnit.objects.filter(enterprise=ent).aggregate(
        workshops=Count("pk", filter=Q(kind=UnitKind.WORKSHOP)), teams=Count("pk", filter=Q(kind=UnitKind.TEAM))
    )
    return {**people, **units}


def teams_with_counts(ent: Enterprise) -> QuerySet[ProductionUnit]:
    return (
        ProductionUnit.objects.filter(enterprise=ent)
        .select_related("parent")
        .annotate(
            n_people=Count("members", distinct=True),
            n_members=Count("members", filter=Q(members__political_status__in=PARTY_MEMBER_STATUSES), distinct=True),
        )
        .order_by("parent__name", "kind", "name")
    )


def members_of(user: Any, org: Organization, limit: int = 50):
    """The organisation's members (its subtree's), full before probationary, for the node page."""

    return (
        scope(user, _people_under(org.path), VIEW)
        .filter(political_status__in=PARTY_MEMBER_STATUSES)
        .select_related("party_org", "team")
        .order_by("political_status", "name", "pk")[:limit]
    )


def teams_covered(user: Any, org: Organization) -> QuerySet[ProductionUnit]:
    """Production teams of the enterprises this organisation covers, with head counts."""
    return (
        scope(user, ProductionUnit.objects.filter(enterprise__party_org__in=orgs_under(org.path)), VIEW)
        .filter(kind=UnitKind.TEAM)
        .select_related("parent", "enterprise")
        .annotate(
            n_people=Count("members", distinct=True),
            n_members=Count("members", filter=Q(members__political_status__in=PARTY_MEMBER_STATUSES), distinct=True),
        )
        .order_by("enterprise__name", "parent__name", "name")
    )


# --- Unscoped lookups for commands and seed data (added by the demo, issue 13) -------------------
# The demo and the benchmark commands find what they built by its code or name; no user is
# involved, so nothing here is scoped.


def org_with_code(code: str) -> Organization | None:
    return Organization.objects.filter(code=code).first()


def org_named(name: str) -> Organization | None:
    return Organization.objects.filter(name=name).first()


def enterprise_named(name: str) -> Enterprise | None:
    return Enterprise.objects.filter(name=name).first()


def subtree(org: Organization, kinds: Iterable[str] | None = None) -> QuerySet[Organization]:
    """The organisation and everything below it (only `kinds`, when given)."""
    qs = Organization.objects.filter(path__startswith=org.path)
    if kinds is not None:
        qs = qs.filter(kind__in=sorted(kinds))
    return qs


def enterprises_supervised_under(org: Organization) -> QuerySet[Enterprise]:
    """The enterprises whose supervising organisation is `org` or below it."""
    return Enterprise.objects.filter(supervising_org__path__startswith=org.path)
