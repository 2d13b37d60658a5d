"""View helpers over the one scope check (access.scopes)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from dangjian.ids import parse_id

from .scopes import VIEW, can, scope


def get_in_scope(user: Any, queryset: models.QuerySet | type[models.Model], pk: Any, action: str = VIEW) -> Any:
    """The object if the user may `action` it. Outside the user's scope it does not exist (404);
    visible but not allowed is 403, so nobody learns of objects outside their part of the tree."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    pk = parse_id(pk)
    if pk is None:
        raise Http404
    try:
        obj = scope(user, qs, VIEW).get(pk=pk)
    except qs.model.DoesNotExist:
        raise Http404 from None
    if action != VIEW and not can(user, action, obj):
        raise PermissionDenied
    return obj


def require(user: Any, action: str, obj: models.Model) -> None:
    if not can(user, action, obj):
        raise PermissionDenied


def create_in_scope(user: Any, create: Any, action: str = "change") -> Any:
    """Run a service that creates an object and keep it only if it lands inside the user's scope
    for `action`; otherwise roll back and refuse. One rule for every "new" page and endpoint:
    nobody can create objects in a part of the tree they could not then edit."""
    from django.db import transaction

    with transaction.atomic():
        obj = create()
        if not can(user, action, obj):
            transaction.set_rollback(True)
            raise PermissionDenied
    return obj


UNSET = object()


def require_party_links(user: Any, enterprise: Any, supervising_org: Any = UNSET, party_org: Any = UNSET) -> None:
    """Which committee supervises an enterprise and which party organisation covers it are the
    party's decisions, not the enterprise's: changing either needs CHANGE on the organisations on
    both sides of the change (an HR manager may edit the enterprise, not detach its branch)."""
    pairs = ((enterprise.supervising_org_id, supervising_org), (enterprise.party_org_id, party_org))
    for old_id, new in pairs:
        if new is UNSET:
            continue
        new_id = new.pk if new is not None else None
        if new_id == old_id:
            continue
        for org in (
            type(enterprise)._meta.get_field("party_org").related_model.objects.filter(pk__in={old_id, new_id} - {None})
        ):
            if not can(user, "change", org):
                raise PermissionDenied
