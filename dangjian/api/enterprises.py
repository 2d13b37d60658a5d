"""/enterprises: enterprises and their party coverage."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access.scopes import CHANGE
from dangjian.access.shortcuts import UNSET, create_in_scope, get_in_scope, require_party_links, resolve_ref
from dangjian.choices import PARTY_MEMBER_STATUSES
from dangjian.organizations import services
from dangjian.organizations.models import Enterprise, Organization, Ownership
from dangjian.organizations.selectors import visible_enterprises
from dangjian.text import search_text

from .auth import actor
from .common import Page, changed_only
from .errors import ERRORS
from .values import Blankable, Id, Omittable, Patch

router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    id: int
    name: str
    name_en: str
    display_name: str
    uscc: str
    ownership: Ownership
    is_non_public: bool
    industry: str
    address: str
    supervising_org_id: int
    party_org_id: int | None
    covered: bool = Field(description="Whether a party organisation covers the enterprise (两个覆盖).")
    settled_on: dt.date | None

    @staticmethod
    def resolve_covered(obj: Enterprise) -> bool:
        return obj.party_org_id is not None


class EnterpriseDetailOut(EnterpriseOut):
    employee_count: int
    member_count: int = Field(description="Employees who are party members (probationary or full).")

    @staticmethod
    def resolve_employee_count(obj: Enterprise) -> int:
        return obj.employees.count()

    @staticmethod
    def resolve_member_count(obj: Enterprise) -> int:
        return obj.employees.filter(political_status__in=PARTY_MEMBER_STATUSES).count()


class EnterpriseIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    name_en: Blankable[str] = Field("", max_length=200)
    uscc: str = Field(max_length=40, description="统一社会信用代码, 18 characters with its check character.")
    ownership: Ownership
    industry: Blankable[str] = Field("", max_length=100)
    address: Blankable[str] = Field("", max_length=300)
    supervising_org_id: Id
    party_org_id: Id | None = None
    settled_on: dt.date | None = None


class EnterprisePatch(Patch):
    name: Omittable[str] = Field(None, min_length=1, max_length=200)
    name_en: Omittable[Blankable[str]] = Field(None, max_length=200)
    uscc: Omittable[str] = Field(None, max_length=40)
    ownership: Omittable[Ownership] = None
    industry: Omittable[Blankable[str]] = Field(None, max_length=100)
    address: Omittable[Blankable[str]] = Field(None, max_length=300)
    supervising_org_id: Omittable[Id] = None
    party_org_id: Id | None = None
    settled_on: dt.date | None = None


class EnterpriseFilters(FilterSchema):
    ownership: Ownership | None = None
    supervising_org_id: Id | None = None
    covered: bool | None = Field(None, description="true: has a party organisation; false: not yet.")
    q: str | None = Field(None, description="Name contains.")


def _resolve_orgs(user, data: dict) -> dict:
    if "supervising_org_id" in data:
        data["supervising_org"] = resolve_ref(user, Organization, data.pop("supervising_org_id"), "supervising_org_id")
    if "party_org_id" in data:
        data["party_org"] = resolve_ref(user, Organization, data.pop("party_org_id"), "party_org_id")
    return data


@router.get("/enterprises", response={200: list[EnterpriseOut], **ERRORS})
@paginate(Page)
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilters]) -> QuerySet:
    qs = visible_enterprises(actor(request))
    if filters.ownership:
        qs = qs.filter(ownership=filters.ownership)
    if filters.supervising_org_id is not None:
        qs = qs.filter(supervising_org_id=filters.supervising_org_id)
    if filters.covered is not None:
        qs = qs.filter(party_org__isnull=not filters.covered)
    if filters.q:
        text = search_text(filters.q)
        qs = qs.filter(Q(name__icontains=text) | Q(name_en__icontains=text))
    return qs.order_by("name", "id")


@router.get("/enterprises/{id}", response={200: EnterpriseDetailOut, **ERRORS})
def get_enterprise(request: HttpRequest, id: Id) -> Enterprise:
    return get_in_scope(actor(request), Enterprise, id)


@router.post("/enterprises", response={201: EnterpriseDetailOut, **ERRORS})
def create_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status:
    user = actor(request)
    fields = _resolve_orgs(user, payload.dict())
    require_party_links(user, Enterprise(), fields.get("supervising_org", UNSET), fields.get("party_org", UNSET))
    ent = create_in_scope(user, lambda: services.create_enterprise(actor=user, **fields))
    return Status(201, ent)


@router.patch("/enterprises/{id}", response={200: EnterpriseDetailOut, **ERRORS})
def update_enterprise(request: HttpRequest, id: Id, payload: EnterprisePatch) -> Enterprise:
    user = actor(request)
    ent = get_in_scope(user, Enterprise, id, CHANGE)
    data = changed_only(ent, payload.dict(exclude_unset=True), "supervising_org_id", "party_org_id")
    fields = _resolve_orgs(user, data)
    require_party_links(user, ent, fields.get("supervising_org", UNSET), fields.get("party_org", UNSET))
    return create_in_scope(user, lambda: services.update_enterprise(actor=user, enterprise=ent, **fields))
