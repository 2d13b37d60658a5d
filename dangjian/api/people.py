"""/people: persons and their membership records.

Identity and phone numbers never leave in clear here except through POST /people/{id}/reveal,
which needs the REVEAL action and leaves an audit event (PIPL art. 28).
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access.scopes import CHANGE, REVEAL, VIEW, scope
from dangjian.access.shortcuts import create_in_scope, get_in_scope, resolve_ref
from dangjian.choices import PoliticalStatus
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit
from dangjian.organizations.selectors import visible_orgs
from dangjian.people import services
from dangjian.people.choices import Education, Ethnicity, Gender
from dangjian.people.models import Membership, Person
from dangjian.people.selectors import all_people, by_id_number, memberships_of, under_org_q
from dangjian.text import search_text

from .auth import actor
from .common import ModelOut, Page, changed_only
from .errors import ERRORS
from .values import Blankable, Id, Omittable, Patch

router = Router(tags=["people"])

Language = Literal["zh-hans", "en", ""]
Ordering = Literal["name", "-name", "birth_date", "-birth_date", "hire_date", "-hire_date", "created_at", "-created_at"]


class PersonOut(ModelOut):
    id: int
    name: str
    name_latin: str
    gender: Gender
    ethnicity: Ethnicity
    birth_date: dt.date
    id_number_masked: str
    phone_masked: str
    education: str
    post: str
    employer_id: int | None
    employer_name: str | None
    team_id: int | None
    team_name: str | None
    hire_date: dt.date | None
    is_league_member: bool
    preferred_language: str
    political_status: PoliticalStatus = Field(
        description="Derived from the membership and development records; read-only."
    )
    party_org_id: int | None = Field(description="Derived: the organisation of the open membership; read-only.")
    party_org_name: str | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_employer_name(obj: Person) -> str | None:
        return obj.employer.display_name if obj.employer else None

    @staticmethod
    def resolve_team_name(obj: Person) -> str | None:
        return obj.team.display_name if obj.team else None

    @staticmethod
    def resolve_party_org_name(obj: Person) -> str | None:
        return obj.party_org.display_name if obj.party_org else None


class PersonIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    name_latin: Blankable[str] = Field("", max_length=100)
    gender: Gender | None = Field(None, description="Taken from the ID number when left out or null.")
    ethnicity: Ethnicity
    birth_date: dt.date | None = Field(None, description="Taken from the ID number when left out or null.")
    id_number: Blankable[str] = Field("", max_length=40)
    phone: Blankable[str] = Field("", max_length=40)
    education: Blankable[Education | Literal[""]] = ""
    post: Blankable[str] = Field("", max_length=100)
    employer_id: Id | None = None
    team_id: Id | None = None
    hire_date: dt.date | None = None
    is_league_member: bool = False
    preferred_language: Blankable[Language] = ""


class PersonPatch(Patch):
    name: Omittable[str] = Field(None, min_length=1, max_length=100)
    name_latin: Omittable[Blankable[str]] = Field(None, max_length=100)
    gender: Gender | None = Field(None, description="null: taken from the ID number.")
    ethnicity: Omittable[Ethnicity] = None
    birth_date: dt.date | None = Field(None, description="null: taken from the ID number.")
    id_number: Omittable[Blankable[str]] = Field(None, max_length=40)
    phone: Omittable[Blankable[str]] = Field(None, max_length=40)
    education: Omittable[Blankable[Education | Literal[""]]] = None
    post: Omittable[Blankable[str]] = Field(None, max_length=100)
    employer_id: Id | None = None
    team_id: Id | None = None
    hire_date: dt.date | None = None
    is_league_member: Omittable[bool] = None
    preferred_language: Omittable[Blankable[Language]] = None


class PersonFilters(FilterSchema):
    organization: Id | None = Field(
        None, description="An organisation id: its members and the employees of enterprises under it, at any depth."
    )
    enterprise_id: Id | None = None
    team_id: Id | None = None
    political_status: PoliticalStatus | None = None
    ethnicity: Ethnicity | None = None
    gender: Gender | None = None
    q: str | None = Field(None, description="Name (or Latin-letter name) contains.")
    id_number: str | None = Field(None, description="Exact ID number; matched without storing or logging it in clear.")
    ordering: Ordering = "name"


class RevealIn(Schema):
    field: Literal["id_number", "phone"]


class RevealOut(Schema):
    field: str
    value: str


class MembershipOut(ModelOut):
    id: int
    person_id: int
    organization_id: int
    organization_name: str
    admitted_on: dt.date
    converted_on: dt.date | None
    joined_org_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str
    is_open: bool

    @staticmethod
    def resolve_organization_name(obj: Membership) -> str:
        return obj.organization.display_name


class MembershipIn(Schema):
    organization_id: Id
    admitted_on: dt.date
    converted_on: dt.date | None = None
    joined_org_on: dt.date | None = None
    ended_on: dt.date | None = None
    end_reason: Blankable[Membership.EndReason | Literal[""]] = ""


PERSON_RELATED = ("employer", "team", "party_org")
PERSON_QS = all_people().select_related(*PERSON_RELATED)
# What PersonOut reads: the person's columns and only the names of its employer, team and
# organisation (a list page instantiated 150 whole related rows to print their names).
PERSON_OUT_COLUMNS = (
    *(f.name for f in Person._meta.concrete_fields if f.name not in {"created_at", "id_number_index"}),
    *(f"{rel}__{name}" for rel in PERSON_RELATED for name in ("name", "name_en")),
)


def _resolve_refs(user, data: dict) -> dict:
    if "employer_id" in data:
        data["employer"] = resolve_ref(user, Enterprise, data.pop("employer_id"), "employer_id")
    if "team_id" in data:
        data["team"] = resolve_ref(user, ProductionUnit, data.pop("team_id"), "team_id")
    if "gender" in data and data["gender"] is None:
        data["gender"] = ""  # the service takes it from the ID number
    return data


@router.get("/people", response={200: list[PersonOut], **ERRORS})
@paginate(Page)
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> QuerySet:
    user = actor(request)
    if filters.id_number:
        # Only roles that may see ID numbers may look people up by one (people.selectors).
        qs = by_id_number(user, filters.id_number)
    else:
        qs = scope(user, PERSON_QS.all(), VIEW)
    qs = qs.select_related(*PERSON_RELATED).only(*PERSON_OUT_COLUMNS)
    if filters.organization is not None:
        # An organisation the caller cannot see filters like one that does not exist.
        org = visible_orgs(user).filter(pk=filters.organization).first()
        qs = qs.filter(under_org_q(org)) if org else qs.none()
    if filters.enterprise_id is not None:
        qs = qs.filter(employer_id=filters.enterprise_id)
    if filters.team_id is not None:
        qs = qs.filter(team_id=filters.team_id)
    if filters.political_status:
        qs = qs.filter(political_status=filters.political_status)
    if filters.ethnicity:
        qs = qs.filter(ethnicity=filters.ethnicity)
    if filters.gender:
        qs = qs.filter(gender=filters.gender)
    if filters.q:
        text = search_text(filters.q)
        qs = qs.filter(Q(name__icontains=text) | Q(name_latin__icontains=text))
    return qs.order_by(filters.ordering, "id")


@router.get("/people/{id}", response={200: PersonOut, **ERRORS})
def get_person(request: HttpRequest, id: Id) -> Person:
    return get_in_scope(actor(request), PERSON_QS, id)


def _ask_id_number(user, fields: dict, person: Person | None = None) -> None:
    """Whether a new or changed ID number is taken, asked before the write's transaction so the
    audit event of an answer about someone outside the caller's scope stands (services.ask_id_number)."""
    if not fields.get("id_number"):
        return
    answer = services.ask_id_number(actor=user, value=fields["id_number"], person=person)
    if answer.kind == services.YOURS and answer.person is not None:  # YOURS comes with the person
        raise ValidationError({"id_number": [answer.message], "existing_person_id": [str(answer.person.pk)]})
    if answer.message:
        raise ValidationError({"id_number": [answer.message]})


@router.post("/people", response={201: PersonOut, **ERRORS})
def create_person(request: HttpRequest, payload: PersonIn) -> Status:
    user = actor(request)
    fields = _resolve_refs(user, payload.dict())
    _ask_id_number(user, fields)
    person = create_in_scope(user, lambda: services.create_person(actor=user, **fields))
    return Status(201, PERSON_QS.get(pk=person.pk))


@router.patch("/people/{id}", response={200: PersonOut, **ERRORS})
def update_person(request: HttpRequest, id: Id, payload: PersonPatch) -> Person:
    user = actor(request)
    person = get_in_scope(user, PERSON_QS, id, CHANGE)
    data = changed_only(person, payload.dict(exclude_unset=True), "employer_id", "team_id")
    fields = _resolve_refs(user, data)
    _ask_id_number(user, fields, person)
    create_in_scope(user, lambda: services.update_person(actor=user, person=person, **fields))
    return PERSON_QS.get(pk=person.pk)


@router.post("/people/{id}/reveal", response={200: RevealOut, **ERRORS})
def reveal(request: HttpRequest, id: Id, payload: RevealIn, response: HttpResponse) -> dict:
    user = actor(request)
    person = get_in_scope(user, Person, id, REVEAL)
    value = services.reveal(actor=user, person=person, field=payload.field)
    response["Cache-Control"] = "no-store"
    return {"field": payload.field, "value": value}


@router.get("/people/{id}/memberships", response={200: list[MembershipOut], **ERRORS})
@paginate(Page)
def list_memberships(request: HttpRequest, id: Id) -> QuerySet:
    user = actor(request)
    person = get_in_scope(user, Person, id)
    qs = scope(user, memberships_of(person), VIEW)
    return qs.order_by("-admitted_on", "-id")


@router.post("/people/{id}/memberships", response={201: MembershipOut, **ERRORS})
def add_membership(request: HttpRequest, id: Id, payload: MembershipIn) -> Status:
    user = actor(request)
    person = get_in_scope(user, Person, id)
    fields = payload.dict(exclude={"organization_id"})
    fields["organization"] = resolve_ref(user, Organization, payload.organization_id, "organization_id")
    membership = create_in_scope(user, lambda: services.add_membership(actor=user, person=person, **fields))
    return Status(201, membership)
