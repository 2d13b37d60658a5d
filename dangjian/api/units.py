"""/units: workshops (车间/厂房) and production teams (班组) of an enterprise."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access.scopes import CHANGE, VIEW, scope
from dangjian.access.shortcuts import create_in_scope, get_in_scope, resolve_ref
from dangjian.organizations import services
from dangjian.organizations.models import Enterprise, ProductionUnit, UnitKind
from dangjian.organizations.selectors import all_units

from .auth import actor
from .common import Page, changed_only
from .errors import ERRORS
from .values import Blankable, Id, Omittable, Patch

router = Router(tags=["production units"])


class UnitOut(Schema):
    id: int
    enterprise_id: int
    kind: UnitKind
    name: str
    name_en: str
    display_name: str
    parent_id: int | None = Field(description="The workshop a team sits under.")


class UnitIn(Schema):
    enterprise_id: Id
    kind: UnitKind
    name: str = Field(min_length=1, max_length=200)
    name_en: Blankable[str] = Field("", max_length=200)
    parent_id: Id | None = None


class UnitPatch(Patch):
    name: Omittable[str] = Field(None, min_length=1, max_length=200)
    name_en: Omittable[Blankable[str]] = Field(None, max_length=200)
    parent_id: Id | None = None


class UnitFilters(FilterSchema):
    enterprise_id: Id | None = None
    kind: UnitKind | None = None


@router.get("/units", response={200: list[UnitOut], **ERRORS})
@paginate(Page)
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> QuerySet:
    qs = scope(actor(request), all_units(), VIEW)
    if filters.enterprise_id is not None:
        qs = qs.filter(enterprise_id=filters.enterprise_id)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("enterprise_id", "kind", "name_key", "name", "id")


@router.get("/units/{id}", response={200: UnitOut, **ERRORS})
def get_unit(request: HttpRequest, id: Id) -> ProductionUnit:
    return get_in_scope(actor(request), ProductionUnit, id)


@router.post("/units", response={201: UnitOut, **ERRORS})
def create_unit(request: HttpRequest, payload: UnitIn) -> Status:
    user = actor(request)
    enterprise = resolve_ref(user, Enterprise, payload.enterprise_id, "enterprise_id")
    parent = resolve_ref(user, ProductionUnit, payload.parent_id, "parent_id")
    unit = create_in_scope(
        user,
        lambda: services.create_unit(
            actor=user,
            enterprise=enterprise,
            kind=payload.kind,
            name=payload.name,
            name_en=payload.name_en,
            parent=parent,
        ),
    )
    return Status(201, unit)


@router.patch("/units/{id}", response={200: UnitOut, **ERRORS})
def update_unit(request: HttpRequest, id: Id, payload: UnitPatch) -> ProductionUnit:
    user = actor(request)
    unit = get_in_scope(user, ProductionUnit, id, CHANGE)
    fields = changed_only(unit, payload.dict(exclude_unset=True), "parent_id")
    if "parent_id" in fields:
        fields["parent"] = resolve_ref(user, ProductionUnit, fields.pop("parent_id"), "parent_id")
    return create_in_scope(user, lambda: services.update_unit(actor=user, unit=unit, **fields))
