"""Helpers every resource router shares: paging and PATCH bodies. The scoped fetch and write are
access.shortcuts' (get_in_scope, resolve_ref, create_in_scope), the same as the pages'."""

from __future__ import annotations

from typing import Any

from django.db import models
from ninja.pagination import PageNumberPagination

from dangjian.ui.paging import page_rows


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


def changed_only(obj: models.Model, data: dict[str, Any], *fields: str) -> dict[str, Any]:
    """Drop reference ids a PATCH repeats unchanged, so that sending back a record one has read
    does not require rights over what it already points to."""
    return {k: v for k, v in data.items() if not (k in fields and getattr(obj, k) == v)}
