"""Reads for the party tree and enterprises: scoped querysets and headline figures."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Upper

from dangjian import prepared
from dangjian.access.models import Role
from dangjian.access.scopes import NOTHING, VIEW, scope
from dangjian.choices import PARTY_MEMBER_STATUSES, PoliticalStatus
from dangjian.ids import parse_id
from dangjian.text import search_text

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

if TYPE_CHECKING:
    from dangjian.access.models import User

BRANCH_KINDS = [OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH]
APPLICANT_STATUSES = [PoliticalStatus.APPLICANT, PoliticalStatus.ACTIVIST, PoliticalStatus.TARGET]
NON_PUBLIC = "non_public"  # the enterprise list's filter for every non-public ownership at once


def nearest_settings(orgs: Iterable[Organization], model: type[Model]) -> dict[int, Any]:
    """For each organisation, the `model` row (local settings, one per organisation through its
    `organization` field) of the nearest organisation up its tree that has one, or None. One
    query for any number of organisations."""
    orgs = list({o.pk: o for o in orgs}.values())
    rows: list[Any] = list(model._default_manager.filter(organization_id__in={i for o in orgs for i in o.path_ids()}))
    own = {row.organization_id: row for row in rows}
    return {org.pk: next((own[i] for i in reversed(org.path_ids()) if i in own), None) for org in orgs}


def visible_orgs(user: User, action: str = VIEW) -> QuerySet[Organization]:
    return scope(user, Organization.objects.all(), action)


def visible_enterprises(user: User, action: str = VIEW) -> QuerySet[Enterprise]:
    return scope(user, Enterprise.objects.select_related("supervising_org", "party_org"), action)


ENTERPRISE_SORTS = {"name": "name", "ownership": "ownership", "employees": "n_employees", "members": "n_members"}


def count_of(qs: QuerySet[Any]) -> Subquery:
    """COUNT(*) of a correlated queryset, as a column: counted per row shown, through an index,
    instead of joining every related row and grouping (the enterprise list joined all of a
    prefecture's 400,000 people to count them)."""
    return Subquery(qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"), output_field=IntegerField())


def _persons() -> QuerySet[Any]:
    """Every person, reached through the relation people declares on Enterprise (employer →
    "employees"): people sits above organizations, which does not import it."""
    return Enterprise._meta.get_field("employees").related_model._default_manager.all()


def filtered_enterprises(user: User, params: Any) -> QuerySet[Enterprise]:
    """The enterprise list as filtered by ?q=, ?ownership= (or "non_public"), ?covered= and
    ?under= (an organisation's id: the enterprises its subtree supervises or covers; unknown
    values are ignored), with its employee and member counts: the list page and its Excel export."""
    employees = _persons().filter(employer=OuterRef("pk"))
    qs = visible_enterprises(user).annotate(
        n_employees=count_of(employees),
        n_members=count_of(employees.filter(political_status__in=PARTY_MEMBER_STATUSES)),
    )
    q = search_text(params.get("q"))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(uscc__iexact=q))
    if params.get("ownership", "") in Ownership.values:
        qs = qs.filter(ownership=params["ownership"])
    elif params.get("ownership", "") == NON_PUBLIC:
        qs = qs.filter(ownership__in=NON_PUBLIC_OWNERSHIP)
    if params.get("under"):  # a committee's roll-up row: what its subtree supervises or covers
        under = parse_id(params["under"])
        node = Organization.objects.filter(pk=under).only("path").first() if under is not None else None
        qs = qs.filter(pk__in=enterprises_under(node.path)) if node is not None else qs.none()
    if params.get("covered", "") in {"yes", "no"}:
        qs = qs.filter(party_org__isnull=params["covered"] == "no")
    return qs


def tree_roots(user: User) -> list[Organization]:
    """The highest visible nodes: the user's anchors (whose parents they cannot see)."""
    orgs = list(visible_orgs(user).order_by("depth", "path")[:500])
    paths = [o.path for o in orgs]
    return [o for o in orgs if not any(o.path != p and o.path.startswith(p) for p in paths)]


def children_with_counts(user: User, org: Organization) -> QuerySet[Organization]:
    return (
        visible_orgs(user)
        .filter(parent=org)
        .annotate(n_children=Count("children", distinct=True))
        .order_by("kind", "pk")
    )


def _people_under(path: str) -> QuerySet[Any]:
    return _persons().filter(party_org__in=orgs_under(path))


def subtree_statuses(org: Organization) -> dict[str, int]:
    """How many persons of each political status the organisation's subtree holds as its own
    (its members and those applying to it): one grouped count through the (party_org,
    political_status) index, shared by the figures and the status chart of a page."""
    path = org.path
    return dict(
        prepared.rows(
            ("subtree_statuses", path),
            lambda: (
                _persons()
                .filter(party_org__in_ids=orgs_under(path))
                .order_by()
                .values_list("political_status")
                .annotate(n=Count("*"))
            ),
        )
    )


def org_figures(org: Organization, statuses: dict[str, int] | None = None) -> dict[str, Any]:
    """Headline figures of a node's subtree. Committees get coverage; branches get their people.
    Each table is counted once, grouped (by status, by ownership and coverage, by kind), and the
    figures summed from the groups: one small query a table instead of a filtered count per
    figure, which cost more to build than to run (docs/benchmarks.md). `statuses`: the
    subtree's status counts when the caller already has them (subtree_statuses)."""
    path = org.path
    if statuses is None:
        statuses = subtree_statuses(org)
    full = statuses.get(PoliticalStatus.FULL, 0)
    probationary = statuses.get(PoliticalStatus.PROBATIONARY, 0)
    figures: dict[str, Any] = {
        "members": full + probationary,
        "full_members": full,
        "probationary_members": probationary,
        # Everyone applying: applicants, activists and development targets (the chart beside
        # the tile shows each; the tile says so in its sub-line, ui/_applying_figure.html).
        "applicants": sum(statuses.get(s, 0) for s in APPLICANT_STATUSES),
        "applying": {str(s): statuses.get(s, 0) for s in APPLICANT_STATUSES},
    }
    if org.is_committee:
        groups = prepared.rows(
            ("enterprise_groups", path),
            lambda: (
                Enterprise.objects.filter(supervising_org__in=orgs_under(path))
                .order_by()
                .annotate(covered=ExpressionWrapper(Q(party_org__isnull=False), output_field=BooleanField()))
                .values_list("ownership", "covered")
                .annotate(n=Count("*"))
            ),
        )
        ents: dict[tuple[str, bool], int] = {(o, bool(c)): n for o, c, n in groups}

        def ent_count(owners: Iterable[str] | None = None, covered: bool | None = None) -> int:
            return sum(
                n for (o, c), n in ents.items() if (owners is None or o in owners) and (covered is None or c == covered)
            )

        kinds = dict(
            prepared.rows(
                ("kind_groups", path),
                lambda: (
                    Organization.objects.filter(path__startswith=path)
                    .order_by()
                    .values_list("kind")
                    .annotate(n=Count("*"))
                ),
            )
        )
        instructors = prepared.rows(
            ("instructors", path),
            lambda: (
                Enterprise.objects.filter(supervising_org__in=orgs_under(path), role_assignments__role=Role.INSTRUCTOR)
                .order_by()
                .values_list("role_assignments__user")
                .distinct()
            ),
        )
        figures.update(
            enterprises=ent_count(),
            covered=ent_count(covered=True),
            state=ent_count([Ownership.STATE]),
            state_covered=ent_count([Ownership.STATE], True),
            non_public=ent_count(NON_PUBLIC_OWNERSHIP),
            non_public_covered=ent_count(NON_PUBLIC_OWNERSHIP, True),
            branches=sum(kinds.get(k, 0) for k in BRANCH_KINDS),
            party_units=sum(kinds.get(k, 0) for k in PARTY_UNIT_KINDS),
            instructors=len(instructors),
        )
    else:
        covered = Enterprise.objects.filter(party_org__in=orgs_under(path))
        figures.update(
            employees=_persons().filter(employer__in=covered).count(),
            teams=ProductionUnit.objects.filter(enterprise__in=covered, kind=UnitKind.TEAM).count(),
        )
    return figures


def statuses_by_org(org: Organization) -> list[tuple[str, str, int]]:
    """(organisation path, political status, persons) for every organisation of the subtree that
    holds anyone as its own: the committees' roll-ups spread the subtree's figures over the rows
    below them (guidance.rollups). One grouped count, as subtree_statuses."""
    path = org.path
    return [
        (p, s, int(n))
        for p, s, n in prepared.rows(
            ("statuses_by_org", path),
            lambda: (
                _persons()
                .filter(party_org__in_ids=orgs_under(path))
                .order_by()
                .values_list("party_org__path", "political_status")
                .annotate(n=Count("*"))
            ),
        )
    ]


def enterprise_rows_under(org: Organization) -> list[tuple[int, str, str, str, str, str | None]]:
    """Every enterprise a subtree supervises or covers, as (id, name, English name, ownership,
    supervising committee's path, its party organisation's path or None): the roll-ups place
    each enterprise on a row by these paths."""
    path = org.path
    return [
        (pk, name, name_en, ownership, sup, party)
        for pk, name, name_en, ownership, sup, party in prepared.rows(
            ("enterprise_rows_under", path),
            lambda: (
                Enterprise.objects.filter(pk__in=enterprises_under(path))
                .order_by("name", "pk")
                .values_list("pk", "name", "name_en", "ownership", "supervising_org__path", "party_org__path")
            ),
        )
    ]


def status_counts(org: Organization, statuses: dict[str, int] | None = None) -> list[tuple[str, int]]:
    """Persons in the organisation (members and those applying) by political status value."""
    rows = subtree_statuses(org) if statuses is None else statuses
    return [(value, rows[value]) for value in PoliticalStatus.values if value in rows]


def status_breakdown(org: Organization, statuses: dict[str, int] | None = None) -> list[tuple[str, int]]:
    """The same, labelled, for charts."""
    labels = dict(PoliticalStatus.choices)
    return [(str(labels[value]), n) for value, n in status_counts(org, statuses)]


def enterprise_figures(ent: Enterprise) -> dict[str, Any]:
    people = (
        _persons()
        .filter(employer=ent)
        .aggregate(
            employees=Count("pk"),
            members=Count("pk", filter=Q(political_status__in=PARTY_MEMBER_STATUSES)),
            applicants=Count("pk", filter=Q(political_status__in=APPLICANT_STATUSES)),
            **{f"applying_{s}": Count("pk", filter=Q(political_status=s)) for s in APPLICANT_STATUSES},
        )
    )
    units = ProductionUnit.objects.filter(enterprise=ent).aggregate(
        workshops=Count("pk", filter=Q(kind=UnitKind.WORKSHOP)), teams=Count("pk", filter=Q(kind=UnitKind.TEAM))
    )
    people["applying"] = {str(s): people.pop(f"applying_{s}") for s in APPLICANT_STATUSES}
    return {**people, **units}


def teams_with_counts(ent: Enterprise) -> QuerySet[ProductionUnit]:
    return (
        ProductionUnit.objects.filter(enterprise=ent)
        .select_related("parent")
        .annotate(
            n_people=Count("members", distinct=True),
            n_members=Count("members", filter=Q(members__political_status__in=PARTY_MEMBER_STATUSES), distinct=True),
        )
        .order_by("parent__name_key", "kind", "name_key", "name")
    )


def members_of(user: User, org: Organization, limit: int = 50) -> QuerySet[Any]:
    """The organisation's members (its subtree's), full before probationary, for the node page."""

    return (
        scope(user, _people_under(org.path), VIEW)
        .filter(political_status__in=PARTY_MEMBER_STATUSES)
        .select_related("party_org", "team")
        .order_by("political_status", "name", "pk")[:limit]
    )


def teams_covered(user: User, org: Organization) -> QuerySet[ProductionUnit]:
    """Production teams of the enterprises this organisation covers, with head counts."""
    teams: QuerySet[ProductionUnit] = scope(
        user, ProductionUnit.objects.filter(enterprise__party_org__in=orgs_under(org.path)), VIEW
    )
    return (
        teams.filter(kind=UnitKind.TEAM)
        .select_related("parent", "enterprise")
        .annotate(
            n_people=Count("members", distinct=True),
            n_members=Count("members", filter=Q(members__political_status__in=PARTY_MEMBER_STATUSES), distinct=True),
        )
        .order_by("enterprise__name", "parent__name_key", "name_key", "name")
    )


# --- for the home dashboards (dangjian.pages) and the people lookups (issue 13, ui helper) -------


def orgs_by_path(paths: Iterable[str]) -> dict[str, Organization]:
    """The organisations at these tree paths, by path (one query; none when no path is given)."""
    paths = list(paths)
    return {o.path: o for o in Organization.objects.filter(path__in=paths)} if paths else {}


def enterprises_by_id(ids: Iterable[int]) -> dict[int, Enterprise]:
    """These enterprises with their party organisation, by id (one query; none when no id is given)."""
    ids = list(ids)
    return Enterprise.objects.select_related("party_org").in_bulk(ids) if ids else {}


def root_orgs() -> list[Organization]:
    """The tops of the party tree (what a superuser without a role sees on the home page)."""
    return list(Organization.objects.filter(parent__isnull=True))


def largest_teams(ent: Enterprise, limit: int = 15) -> list[tuple[str, str, int, int]]:
    """The enterprise's production teams with the most people: (name, English name, people,
    party members), largest first."""
    teams = (
        ent.units.filter(kind=UnitKind.TEAM)
        .annotate(n=Count("members"), m=Count("members", filter=Q(members__political_status__in=PARTY_MEMBER_STATUSES)))
        .order_by("-n")[:limit]
    )
    return [(t.name, t.name_en, t.n, t.m) for t in teams]


def teams_of(enterprises: QuerySet[Enterprise]) -> QuerySet[ProductionUnit]:
    """The production teams of these enterprises, each with its enterprise."""
    return ProductionUnit.objects.filter(kind=UnitKind.TEAM, enterprise__in=enterprises).select_related("enterprise")


# --- for the apps above: choice lists built on these models ------------------------------------


def enterprises_where(q: Q | None) -> QuerySet[Enterprise]:
    """Enterprises matching `q` (None: every enterprise; access.scopes.NOTHING: none)."""
    if q is None:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(q) if q != NOTHING else Enterprise.objects.none()


def orgs_where(q: Q) -> QuerySet[Organization]:
    return Organization.objects.filter(q)


def codes_registered(codes: Iterable[str]) -> list[str]:
    """The registered codes equal to any of `codes`, case aside (as code__iexact finds them)."""
    wanted = sorted({c.upper() for c in codes if c})
    found: list[str] = []
    for i in range(0, len(wanted), 900):
        rows = (
            Organization.objects.annotate(code_upper=Upper("code"))
            .filter(code_upper__in=wanted[i : i + 900])
            .values_list("code", flat=True)
        )
        found += [code for code in rows if code]
    return found


def party_units_and_groups() -> QuerySet[Organization]:
    """The organisations a person's membership record can name: party units and party groups."""
    return Organization.objects.filter(kind__in=PARTY_UNIT_KINDS | {OrgKind.PARTY_GROUP})


# --- the tree's reach as id subqueries (from access.scopes, which knows no app's models) ---------


class PkRow(TypedDict):
    """A row of `.values("pk")`: what the id subqueries below yield."""

    pk: int


def orgs_under(path: str) -> QuerySet[Organization, PkRow]:
    """Ids of the organisation at `path` and everything below it: for `fk__in_ids=` (see
    access.lookups) or `fk__in=`."""
    return Organization.objects.filter(path__startswith=path).values("pk")


def enterprises_under(path: str) -> QuerySet[Enterprise, PkRow]:
    """Ids of the enterprises a subtree supervises or covers with a party organisation."""
    return Enterprise.objects.filter(
        Q(supervising_org__in_ids=orgs_under(path)) | Q(party_org__in_ids=orgs_under(path))
    ).values("pk")


# --- the county set-up page (onboarding) -----------------------------------------------------


def kind_counts_under(org: Organization) -> dict[str, int]:
    """How many organisations of each kind stand below `org` (not counting it)."""
    rows = (
        Organization.objects.filter(path__startswith=org.path)
        .exclude(pk=org.pk)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["kind"]: r["n"] for r in rows}


def committees_of_kinds(kinds: Iterable[str]) -> list[Organization]:
    """Every organisation of these kinds (the committees a county's set-up is about), by path."""
    return list(Organization.objects.filter(kind__in=sorted(kinds)).order_by("path"))


def own_settings(org: Organization, relations: Iterable[str]) -> set[str]:
    """Which of these one-to-one settings relations (e.g. "development_config") `org` has a row
    of its own in, in one query."""
    names = list(relations)
    row = Organization.objects.filter(pk=org.pk).values(*(f"{r}__pk" for r in names)).first() or {}
    return {r for r in names if row.get(f"{r}__pk") is not None}


def any_org() -> bool:
    """Whether the installation has any organisation at all."""
    return Organization.objects.exists()


# --- organisations by key (development's reminders) ---------------------------------------------


def orgs_with_pks(pks: Iterable[int] | QuerySet[Any]) -> QuerySet[Organization]:
    """The organisations with these primary keys (a list, or a values() subquery: one query)."""
    return Organization.objects.filter(pk__in=pks)


def orgs_of_kinds(kinds: Iterable[str]) -> QuerySet[Organization]:
    """The organisations of these kinds (e.g. the party units that keep candidacies)."""
    return Organization.objects.filter(kind__in=list(kinds))


def org_with_pk(pk: int) -> Organization | None:
    return Organization.objects.filter(pk=pk).first()


def orgs_with_own(relation: str) -> QuerySet[Organization]:
    """The organisations with a row of their own in a one-to-one `relation` (their own settings)."""
    return Organization.objects.filter(**{f"{relation}__isnull": False})


# --- for rosters: the import pipeline's targets and teams (added for issue 13) ---------------


def target_by_code(code: str) -> Enterprise | Organization | None:
    """An enterprise by its credit code, or a party organisation by its code (case folded)."""
    return Enterprise.objects.filter(uscc=code).first() or Organization.objects.filter(code__iexact=code).first()


def import_targets(enterprise_q: Q | None, org_q: Q | None) -> tuple[QuerySet[Enterprise], QuerySet[Organization]]:
    """Enterprises and party units (branches and committees) narrowed by the given scope
    conditions (None: all), in the order the import form lists them."""
    ents = Enterprise.objects.all() if enterprise_q is None else Enterprise.objects.filter(enterprise_q)
    orgs = Organization.objects.filter(kind__in=PARTY_UNIT_KINDS)
    orgs = orgs if org_q is None else orgs.filter(org_q)
    return ents.order_by("name"), orgs.order_by("path")


def enterprises_covered(org: Organization) -> list[Enterprise]:
    """The enterprises whose Party work this organisation's subtree covers, with their party org."""
    return list(Enterprise.objects.select_related("party_org").filter(pk__in=enterprises_under(org.path)))


def units_of(enterprise: Enterprise) -> QuerySet[ProductionUnit]:
    """Every workshop and team of an enterprise, with its parent."""
    return ProductionUnit.objects.filter(enterprise=enterprise).select_related("parent")


# --- for exports (added for issue 13) --------------------------------------------------------


def supervising_paths(enterprise_ids: Iterable[int]) -> list[str]:
    """The paths of the committees supervising these enterprises (where their events are filed)."""
    return list(Enterprise.objects.filter(pk__in=list(enterprise_ids)).values_list("supervising_org__path", flat=True))


def all_units() -> QuerySet[ProductionUnit]:
    """Every workshop and team, with its enterprise and parent (to be scoped by the caller)."""
    return ProductionUnit.objects.select_related("enterprise", "parent")


# --- for branchlife (added for issue 13) -----------------------------------------------------


def orgs_except_kind(kind: str) -> QuerySet[Organization]:
    return Organization.objects.exclude(kind=kind)


def all_orgs() -> QuerySet[Organization]:
    return Organization.objects.all()


def subtree_of_kinds(root: Organization, kinds: Iterable[str]) -> QuerySet[Organization]:
    """`root` and the organisations under it, of the given kinds."""
    return Organization.objects.filter(path__startswith=root.path, kind__in=list(kinds))


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
