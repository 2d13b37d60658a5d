"""/organizations: the party tree."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access.scopes import CHANGE, ORG, can, scope_q
from dangjian.access.shortcuts import create_in_scope, get_in_scope, resolve_ref
from dangjian.organizations import services
from dangjian.organizations.models import Organization, OrgKind
from dangjian.organizations.selectors import orgs_under, visible_orgs
from dangjian.people.selectors import members_in_orgs
from dangjian.text import search_text

from .auth import actor
from .common import Page, changed_only
from .errors import ERRORS
from .values import Blankable, Id, Omittable, Patch

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    id: int
    kind: OrgKind
    name: str
    name_en: str
    display_name: str
    parent_id: int | None
    depth: int
    code: str | None
    founded_on: dt.date | None


class OrganizationDetailOut(OrganizationOut):
    children_count: int
    member_count: int = Field(description="Party members (probationary and full) in the organisation and below it.")

    @staticmethod
    def resolve_children_count(obj: Organization) -> int:
        return obj.children.count()

    @staticmethod
    def resolve_member_count(obj: Organization) -> int:
        return members_in_orgs(orgs_under(obj.path)).count()


class OrganizationIn(Schema):
    kind: OrgKind
    name: str = Field(min_length=1, max_length=200)
    name_en: Blankable[str] = Field("", max_length=200)
    parent_id: Id | None = Field(None, description="Only an unrestricted administrator may create a root.")
    code: str | None = Field(None, max_length=32)
    founded_on: dt.date | None = None


class OrganizationPatch(Patch):
    kind: Omittable[OrgKind] = None
    name: Omittable[str] = Field(None, min_length=1, max_length=200)
    name_en: Omittable[Blankable[str]] = Field(None, max_length=200)
    code: str | None = Field(None, max_length=32)
    founded_on: dt.date | None = None


class MoveIn(Schema):
    parent_id: Id


class OrganizationFilters(FilterSchema):
    kind: OrgKind | None = None
    parent_id: Id | None = None
    under: Id | None = Field(None, description="An organisation id: it and everything below it.")
    q: str | None = Field(None, description="Name contains.")


@router.get("/organizations", response={200: list[OrganizationOut], **ERRORS})
@paginate(Page)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilters]) -> QuerySet:
    user = actor(request)
    qs = visible_orgs(user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.parent_id is not None:
        qs = qs.filter(parent_id=filters.parent_id)
    if filters.under is not None:
        root = visible_orgs(user).filter(pk=filters.under).first()
        qs = qs.filter(path__startswith=root.path) if root else qs.none()
    if filters.q:
        text = search_text(filters.q)
        qs = qs.filter(Q(name__icontains=text) | Q(name_en__icontains=text))
    return qs.order_by("path")


@router.get("/organizations/{id}", response={200: OrganizationDetailOut, **ERRORS})
def get_organization(request: HttpRequest, id: Id) -> Organization:
    return get_in_scope(actor(request), Organization, id)


@router.post("/organizations", response={201: OrganizationDetailOut, **ERRORS})
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Status:
    user = actor(request)
    if payload.parent_id is None:
        if scope_q(user, ORG, CHANGE) is not None:
            raise PermissionDenied(_("Only a platform administrator may create a top-level organisation."))
        parent = None
    else:
        parent = resolve_ref(user, Organization, payload.parent_id, "parent_id")
        if not can(user, CHANGE, parent):
            raise PermissionDenied(_("You may not add organisations under %(org)s.") % {"org": parent})
    fields = payload.dict(exclude={"parent_id", "kind", "name"})
    org = create_in_scope(
        user,
        lambda: services.create_organization(actor=user, kind=payload.kind, name=payload.name, parent=parent, **fields),
    )
    return Status(201, org)


@router.patch("/organizations/{id}", response={200: OrganizationDetailOut, **ERRORS})
def update_organization(request: HttpRequest, id: Id, payload: OrganizationPatch) -> Organization:
    user = actor(request)
    org = get_in_scope(user, Organization, id, CHANGE)
    fields = payload.dict(exclude_unset=True)
    org = create_in_scope(user, lambda: services.update_organization(actor=user, org=org, **fields))
    return org


@router.post("/organizations/{id}/move", response={200: OrganizationDetailOut, **ERRORS})
def move_organization(request: HttpRequest, id: Id, payload: MoveIn) -> Organization:
    user = actor(request)
    org = get_in_scope(user, Organization, id, CHANGE)
    payload_data = changed_only(org, payload.dict(), "parent_id")
    if not payload_data:
        return org
    new_parent = resolve_ref(user, Organization, payload.parent_id, "parent_id")
    if not can(user, CHANGE, new_parent):
        raise PermissionDenied(_("You may not move organisations under %(org)s.") % {"org": new_parent})
    org = create_in_scope(user, lambda: services.move_organization(actor=user, org=org, new_parent=new_parent))
    return org
