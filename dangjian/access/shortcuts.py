"""The one scoped fetch and the one scoped write, for pages and the API alike (over the one
scope check, access.scopes).

- `get_in_scope`: an object by id. Outside the user's scope it does not exist (404); visible but
  not allowed is 403, so nobody learns of objects outside their part of the tree.
- `resolve_ref`: an object named by id in a submitted body: the field's error when the user
  cannot see it, worded the same whether it is missing or out of scope.
- `create_in_scope`: a service write kept only if its result lands where the user may act.

Pages let Django answer Http404/PermissionDenied; the API maps them to its error shape
(dangjian/api/errors.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.ids import parse_id

from .models import User
from .permissions import refused
from .scopes import CHANGE, VIEW, can, resource_of, scope

M = TypeVar("M", bound=models.Model)


def _queryset(queryset: models.QuerySet[M] | type[M]) -> models.QuerySet[M]:
    return queryset._default_manager.all() if isinstance(queryset, type) else queryset


def get_in_scope(user: User | AnonymousUser, queryset: models.QuerySet[M] | type[M], pk: Any, action: str = VIEW) -> M:
    """The object if the user may see it (else 404, as if it did not exist), and may `action` it
    (else 403: it is visible, so saying so leaks nothing)."""
    qs = _queryset(queryset)
    number = parse_id(pk)
    if number is None:
        raise Http404
    try:
        obj = scope(user, qs, VIEW).get(pk=number)
    except ObjectDoesNotExist:  # the model's DoesNotExist
        raise Http404 from None
    if action != VIEW and not can(user, action, obj):
        raise refused((resource_of(type(obj)), action))
    return obj


# For the type checker only: a required id gives the object, an optional one the object or None.
@overload
def resolve_ref(
    user: User | AnonymousUser, queryset: models.QuerySet[M] | type[M], pk: int, field: str, action: str = VIEW
) -> M: ...
@overload
def resolve_ref(
    user: User | AnonymousUser, queryset: models.QuerySet[M] | type[M], pk: Any, field: str, action: str = VIEW
) -> M | None: ...
def resolve_ref(
    user: User | AnonymousUser, queryset: models.QuerySet[M] | type[M], pk: Any, field: str, action: str = VIEW
) -> M | None:
    """An object named by id in a request body (None for no id): a ValidationError on `field`
    when the user cannot see it, worded the same whether it is missing or out of scope."""
    if pk is None:
        return None
    try:
        return get_in_scope(user, queryset, pk, action)
    except Http404:
        raise ValidationError(
            {
                field: [
                    _("There is no %(thing)s with id %(id)s that you have access to.")
                    % {"thing": _queryset(queryset).model._meta.verbose_name, "id": pk}
                ]
            }
        ) from None


def require(user: User | AnonymousUser, action: str, obj: models.Model) -> None:
    if not can(user, action, obj):
        raise refused((resource_of(type(obj)), action))


def create_in_scope(user: User | AnonymousUser, write: Callable[[], M], action: str = CHANGE) -> M:
    """Run a service write and keep it only if the user may `action` the result; otherwise roll
    back and refuse. One rule for every "new" page and endpoint and every API write: checking the
    object as it will be stored covers creation (the container decides) and changes that would
    move an object out of the user's reach, with the same rule the lists use. Nobody can put an
    object in a part of the tree they could not then edit."""
    with transaction.atomic():
        obj = write()
        if not can(user, action, obj):
            raise refused(
                (resource_of(type(obj)), action),
                message=_("You may not put a record where you would not be allowed to change it."),
            )
    return obj


class _Unset:
    """No value given (None is a value here: no organisation)."""


UNSET: Any = _Unset()


def require_party_links(
    user: User | AnonymousUser, enterprise: models.Model, supervising_org: Any = UNSET, party_org: Any = UNSET
) -> None:
    """Which committee supervises an enterprise and which party organisation covers it are the
    party's decisions, not the enterprise's: changing either needs CHANGE on the organisations on
    both sides of the change (an HR manager may edit the enterprise, not detach its branch)."""
    org_model = enterprise._meta.get_field("party_org").related_model
    assert isinstance(org_model, type)
    pairs = (
        (enterprise.serializable_value("supervising_org"), supervising_org),
        (enterprise.serializable_value("party_org"), party_org),
    )
    for old_id, new in pairs:
        if new is UNSET:
            continue
        new_id = new.pk if new is not None else None
        if new_id == old_id:
            continue
        for org in org_model._default_manager.filter(pk__in={old_id, new_id} - {None}):
            if not can(user, "change", org):
                raise PermissionDenied
