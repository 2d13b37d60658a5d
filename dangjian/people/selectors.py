"""Reads for persons: the scoped, filtered list and exact ID-number lookup."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from dangjian import prepared
from dangjian.access.scopes import REVEAL, VIEW, scope
from dangjian.choices import PARTY_MEMBER_STATUSES, PoliticalStatus
from dangjian.labels import choice_label
from dangjian.organizations.models import display_name
from dangjian.organizations.selectors import APPLICANT_STATUSES, enterprises_under, orgs_under
from dangjian.text import search_text

from .models import Membership, Person
from .services import id_number_lookup
from .validators import mask_id_number, normalize_id_number

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.organizations.models import Enterprise, Organization, ProductionUnit

PERSON_SORTS = {
    "name": "name",
    "birth_date": "birth_date",
    "status": "political_status",
    "employer": "employer__name",
    "team": "team__name_key",
    "hire_date": "hire_date",
}


def looks_like_id_number(text: str) -> bool:
    n = normalize_id_number(text)
    return len(n) == 18 and n[:17].isdigit()


_LIST_RELATED = ("employer", "team", "party_org")


# What the person list shows of each row (people/_person_rows.html): its own columns, the ID number
# it masks, and the names of the employer and team. Loading only these spares each row the
# decryption of its phone and the conversion of a dozen columns no one sees (docs/benchmarks.md).
PERSON_LIST_COLUMNS = (
    "name",
    "gender",
    "post",
    "political_status",
    "ethnicity",
    "birth_date",
    "id_number",
    "employer__name",
    "employer__name_en",
    "team__name",
    "team__name_en",
)


def as_list_rows(qs: QuerySet[Person]) -> QuerySet[Person]:
    """The person list's rows: only PERSON_LIST_COLUMNS, with the employer and team joined."""
    return qs.select_related(None).select_related("employer", "team").only(*PERSON_LIST_COLUMNS)


def list_rows(ids: Iterable[int]) -> list[dict[str, Any]]:
    """The person list's rows for these ids, in their order, as the values its template reads
    (people/_person_rows.html: the same names a Person has, each computed once): no model
    instances, and each of the template's look-ups a dict key rather than attribute searches on a
    record (50 rows 4.9 → 2.5 ms, docs/benchmarks.md). test_person_list_rows holds them to what
    whole records render. The ids came through the list's scope."""
    ids = list(ids)
    fields = {name: Person._meta.get_field(name) for name in ("gender", "political_status", "ethnicity")}
    by_id = {}
    for pk, *values in Person.objects.filter(pk__in=ids).values_list("pk", *PERSON_LIST_COLUMNS):
        name, gender, post, status, ethnicity, birth_date, id_number, emp, emp_en, team, team_en = values
        by_id[pk] = {
            "pk": pk,
            "name": name,
            "post": post,
            "political_status": status,
            "get_gender_display": choice_label(fields["gender"], gender),
            "get_political_status_display": choice_label(fields["political_status"], status),
            "get_ethnicity_display": choice_label(fields["ethnicity"], ethnicity),
            "birth_date": birth_date,
            "id_number_masked": mask_id_number(id_number),
            "employer": None if emp is None else {"display_name": display_name(emp, emp_en)},
            "team": None if team is None else {"display_name": display_name(team, team_en)},
        }
    return [by_id[pk] for pk in ids if pk in by_id]


def visible_people(user: User, action: str = VIEW) -> QuerySet[Person]:
    return scope(user, Person.objects.select_related(*_LIST_RELATED), action)


def by_id_number(user: User, number: str) -> QuerySet[Person]:
    """The person with this ID number, if the user may see their ID number.

    Looking people up by ID number is for roles that may see ID numbers: otherwise the mask plus
    the birth date leave so few candidates that look-ups would reveal it. The unique index finds
    the row first; the scope is then checked on that row (joins=True) instead of building the
    user's whole reach. REVEAL never reaches further than VIEW (test_scopes pins it), so the
    reveal scope alone is the list's scope here."""
    return scope(user, Person.objects.select_related(*_LIST_RELATED), REVEAL, joins=True).filter(
        id_number_index=id_number_lookup(number)
    )


def under_org_q(org: Any) -> Q:
    """People of an organisation: its members and the employees of the enterprises it covers or supervises."""
    return Q(party_org__in=orgs_under(org.path)) | Q(employer__in=enterprises_under(org.path))


def count_under(org: Any) -> int:
    """How many people an organisation has (`under_org_q`): its members and the employees of the
    enterprises its subtree supervises or covers."""
    return Person.objects.filter(under_org_q(org)).count()


def login_groups_under(org: Any) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The people of an organisation by where their login sheets go: (employer id, person id)
    of the employees of the enterprises under it, and (party organisation id, person id) of its
    members employed elsewhere or nowhere — each ordered by the group, then the person."""
    enterprises = enterprises_under(org.path)
    employees = Person.objects.filter(employer__in=enterprises).order_by("employer_id", "pk")
    members = (
        Person.objects.filter(party_org__in=orgs_under(org.path))
        .exclude(employer__in=enterprises)
        .order_by("party_org_id", "pk")
    )
    return (
        [(e, p) for e, p in employees.values_list("employer_id", "pk") if e is not None],
        [(o, p) for o, p in members.values_list("party_org_id", "pk") if o is not None],
    )


def filter_people(qs: QuerySet[Person], data: dict[str, Any], user: User) -> QuerySet[Person]:
    q = search_text(data.get("q"))
    if q:
        if looks_like_id_number(q):
            # Replaces the list's reach (callers pass visible_people): see by_id_number.
            qs = by_id_number(user, q)
        else:
            qs = qs.filter(Q(name__icontains=q) | Q(name_latin__icontains=q) | Q(post__icontains=q))
    org = data.get("organization")
    if org:
        qs = qs.filter(under_org_q(org))
    if data.get("enterprise"):
        qs = qs.filter(employer=data["enterprise"])
    if data.get("team"):
        qs = qs.filter(team=data["team"])
    status = data.get("status")
    if status == "members":
        qs = qs.filter(political_status__in=PARTY_MEMBER_STATUSES)
    elif status == "applying":  # applicants, activists and development targets (the roll-ups' figure)
        qs = qs.filter(political_status__in=APPLICANT_STATUSES)
    elif status:
        qs = qs.filter(political_status=status)
    if data.get("ethnicity"):
        qs = qs.filter(ethnicity=data["ethnicity"])
    if data.get("gender"):
        qs = qs.filter(gender=data["gender"])
    return qs


# --- for the home dashboards (dangjian.pages; issue 13, ui helper) -------------------------------


def ethnicity_counts(org: Any) -> dict[str, int]:
    """Party members of the organisation and its subtree, by ethnicity code, most first. Read from
    the (party_org, political_status, ethnicity) index alone: COUNT(*), not of a column the index
    lacks, and the subtree's ids as `in_ids` (PostgreSQL otherwise merge-joins the whole
    party_org index: 9.5 ms against 0.7 ms for a county, docs/benchmarks.md)."""
    path = org.path
    return dict(
        prepared.rows(
            ("ethnicity_counts", path),
            lambda: (
                Person.objects.filter(party_org__in_ids=orgs_under(path), political_status__in=PARTY_MEMBER_STATUSES)
                .values_list("ethnicity")
                .annotate(n=Count("*"))
                .order_by("-n", "ethnicity")
            ),
        )
    )


# --- people and membership records by key (development, birthdays) ------------------------------


def party_members() -> QuerySet[Person]:
    """Probationary and full members, unscoped (the caller scopes or narrows them)."""
    return Person.objects.filter(political_status__in=PARTY_MEMBER_STATUSES)


def people_with_pks(pks: Iterable[int] | QuerySet[Any]) -> QuerySet[Person]:
    return Person.objects.filter(pk__in=pks)


def person_with_pk(pk: int) -> Person | None:
    return Person.objects.filter(pk=pk).first()


def full_member_ids_under(path: str, on: dt.date | None = None, *, there_by_then: bool = False) -> frozenset[int]:
    """The full members of the organisation at `path` and its subtree (its party groups): now,
    or with `on`, those whose membership record there shows them full party members on that day
    (admitted and converted by then, not left by then); with `there_by_then`, only those already
    in the organisation that day (not transferred in since). A record with no conversion date (an
    older import) counts its member as full from a year after admission, the probation the
    Constitution sets, if they are full members now."""
    if on is None:
        return frozenset(
            Person.objects.filter(party_org__path__startswith=path, political_status=PoliticalStatus.FULL).values_list(
                "pk", flat=True
            )
        )
    there = Membership.objects.filter(organization__path__startswith=path, admitted_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    )
    if there_by_then:
        there = there.filter(Q(joined_org_on__isnull=True) | Q(joined_org_on__lte=on))
    converted = Q(converted_on__lte=on) | Q(
        converted_on__isnull=True,
        admitted_on__lte=on - dt.timedelta(days=365),
        person__political_status=PoliticalStatus.FULL,
    )
    return frozenset(there.filter(converted).values_list("person_id", flat=True))


def open_memberships() -> QuerySet[Membership]:
    """The membership records still open (a member's current one), unscoped."""
    return Membership.objects.filter(ended_on__isnull=True)


def open_membership_of(person: Person) -> Membership | None:
    return Membership.objects.select_related("organization").filter(person=person, ended_on__isnull=True).first()


def last_ended_membership_of(person: Person) -> Membership | None:
    return Membership.objects.filter(person=person).order_by("-ended_on", "-pk").first()


# --- for rosters: matching an import's rows to the people registered (added for issue 13) ----


def people_by_id_index(indexes: Iterable[str]) -> QuerySet[Person]:
    """The people whose ID numbers' blind indexes are given, with what an import compares."""
    return Person.objects.filter(id_number_index__in=list(indexes)).select_related(
        "employer", "team", "team__parent", "party_org"
    )


def open_memberships_of(person_ids: Iterable[int]) -> dict[int, Membership]:
    """Each person's open membership record (not ended), with its organisation."""
    return {
        m.person_id: m
        for m in Membership.objects.filter(person_id__in=list(person_ids), ended_on__isnull=True).select_related(
            "organization"
        )
    }


# --- for exports (added for issue 13) --------------------------------------------------------


def memberships_where(q: Q) -> QuerySet[Membership]:
    return Membership.objects.filter(q)


def members_in_subtree(path: Any) -> QuerySet[Person]:
    """Party members whose organisation lies under `path` (a value or an OuterRef)."""
    return Person.objects.filter(party_org__path__startswith=path, political_status__in=PARTY_MEMBER_STATUSES)


def people_in_team(team: Any) -> QuerySet[Person]:
    return Person.objects.filter(team=team)


def people_in_workshop(workshop: Any) -> QuerySet[Person]:
    return Person.objects.filter(team__parent=workshop)


# --- for branchlife: who a meeting expects or may invite (added for issue 13) ---------------


def members_in_orgs(org_ids: Any, on: dt.date | None = None) -> QuerySet[Person]:
    """The party members (probationary and full) of the organisations `org_ids` (a subquery);
    with `on`, only those who were already members there that day."""
    qs = Person.objects.filter(party_org__in_ids=org_ids, political_status__in=PARTY_MEMBER_STATUSES)
    if on is not None:
        since = Membership.objects.filter(ended_on__isnull=True, admitted_on__lte=on).filter(
            Q(joined_org_on__isnull=True) | Q(joined_org_on__lte=on)
        )
        qs = qs.filter(pk__in=since.values("person_id"))
    return qs


def non_members_employed_in(org_ids: Any) -> QuerySet[Person]:
    """People who are not Party members, employed by enterprises covered by `org_ids` (a subquery)."""
    return Person.objects.filter(employer__party_org__in_ids=org_ids).exclude(
        political_status__in=PARTY_MEMBER_STATUSES
    )


# --- for the API (added for issue 13) ---------------------------------------------------------


def all_people() -> QuerySet[Person]:
    """Every person (to be scoped by the caller)."""
    return Person.objects.all()


def memberships_of(person: Person) -> QuerySet[Membership]:
    """The person's membership records with their organisations (to be scoped by the caller)."""
    return Membership.objects.filter(person=person).select_related("organization")


# --- Unscoped counts for commands and seed data (added by the demo, issue 13) --------------------


def count_people(
    statuses: Iterable[str] | None = None,
    *,
    party_org_under: Organization | None = None,
    employer: Enterprise | None = None,
) -> int:
    """How many persons (with one of `statuses`; whose party organisation is `party_org_under` or
    below it; employed by `employer`), unscoped: for commands, not for pages."""
    qs = Person.objects.all()
    if statuses is not None:
        qs = qs.filter(political_status__in=list(statuses))
    if party_org_under is not None:
        qs = qs.filter(party_org__path__startswith=party_org_under.path)
    if employer is not None:
        qs = qs.filter(employer=employer)
    return qs.count()


def masses_in_team(team: ProductionUnit) -> QuerySet[Person]:
    """The team's people who are not in the party and have not applied (群众)."""
    return Person.objects.filter(team=team, political_status=PoliticalStatus.MASSES)


def open_membership(person: Person) -> Membership | None:
    """The person's current membership record (at most one is open)."""
    return Membership.objects.filter(person=person, ended_on__isnull=True).first()
