"""Helpers every resource router uses to stay inside the caller's scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.pagination import PageNumberPagination

from dangjian.access.scopes import CHANGE, VIEW, can, scope
from dangjian.ui.paging import page_rows

M = TypeVar("M", bound=models.Model)


class Page(PageNumberPagination):
    """?page=1&page_size=50 → {"items": [...], "count": N}. A page's rows are fetched ids first
    (ui.paging.page_rows), as on the list pages. A page past the last is empty, however far: it is
    not asked of the database, whose OFFSET is a 64-bit number (PostgreSQL "bigint out of range",
    SQLite "datatype mismatch" beyond it)."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any) -> Any:
        if not isinstance(queryset, models.QuerySet):
            return super().paginate_queryset(queryset, pagination, request, **params)
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        count = self._items_count(queryset)
        return {
            self.items_attribute: page_rows(queryset, offset, offset + page_size) if offset < count else [],
            "count": count,
        }


def _queryset(model_or_qs: type[M] | models.QuerySet) -> models.QuerySet:
    if isinstance(model_or_qs, models.QuerySet):
        return model_or_qs
    return model_or_qs._default_manager.all()


def get_scoped(user: Any, model_or_qs: type[M] | models.QuerySet, pk: Any, action: str = VIEW) -> M:
    """The object if the user may see it (else 404, as if it did not exist), and may `action` it
    (else 403: it is visible, so saying so leaks nothing)."""
    obj = scope(user, _queryset(model_or_qs), VIEW).filter(pk=pk).first()
    if obj is None:
        raise Http404
    if action != VIEW and not can(user, action, obj):
        raise PermissionDenied
    return obj


def resolve_ref(user: Any, model_or_qs: type[M] | models.QuerySet, pk: Any, field: str, action: str = VIEW) -> M | None:
    """An object named by id in a request body: a 422 on that field when the user cannot see it,
    worded the same whether it is missing or out of scope."""
    if pk is None:
        return None
    try:
        return get_scoped(user, model_or_qs, pk, action)
    except Http404:
        model = _queryset(model_or_qs).model
        raise ValidationError(
            {
                field: [
                    _("There is no %(thing)s with id %(id)s that you have access to.")
                    % {"thing": model._meta.verbose_name, "id": pk}
                ]
            }
        ) from None


def write_checked(user: Any, write: Callable[[], M], action: str = CHANGE) -> M:
    """Run a service write and keep it only if the user may `action` the result.

    Checking the object as it will be stored covers creation (the container decides) and changes
    that would move an object out of the user's reach, with the same rule the lists use."""
    with transaction.atomic():
        obj = write()
        if not can(user, action, obj):
            raise PermissionDenied(_("You may not put a record where you would not be allowed to change it."))
    return obj


def changed_only(obj: models.Model, data: dict[str, Any], *fields: str) -> dict[str, Any]:
    """Drop reference ids a PATCH repeats unchanged, so that sending back a record one has read
    does not require rights over what it already points to."""
    return {k: v for k, v in data.items() if not (k in fields and getattr(obj, k) == v)}
