"""Helpers every resource router shares: paging, output rows and PATCH bodies. The scoped fetch
and write are access.shortcuts' (get_in_scope, resolve_ref, create_in_scope), the same as the pages'."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from django.db import models
from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import ValidationInfo, model_validator
from pydantic.functional_validators import ModelWrapValidatorHandler

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


class ModelOut(Schema):
    """An output schema that turns each record into a plain dict first, reading every field once
    (an attribute of that name, or the schema's static `resolve_<field>(obj)`), and has pydantic
    validate the dict. Ninja's own path wraps each record in a getter that looks every field up
    through its resolver table and then tests what it got (a manager? a callable? a file?): for a
    page of 50 persons of 21 fields, 1,050 such look-ups (docs/benchmarks.md). The JSON is the same
    (api/tests/test_model_out.py holds it to ninja's path); fields must therefore be plain values,
    not managers, methods or files. The OpenAPI schema is the Schema's own."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo) -> Any:
        # Replaces ninja's validator of the same name (pydantic keeps one validator per name).
        return handler(values if isinstance(values, dict) else cls.row(values))

    @classmethod
    def row(cls, obj: Any) -> dict[str, Any]:
        """The record as the dict this schema validates."""
        getters = _ROW_GETTERS.get(cls)
        if getters is None:
            getters = _ROW_GETTERS[cls] = tuple(
                (name, getattr(cls, f"resolve_{name}", None) or operator.attrgetter(name)) for name in cls.model_fields
            )
        return {name: get(obj) for name, get in getters}


_ROW_GETTERS: dict[type[ModelOut], tuple[tuple[str, Callable[[Any], Any]], ...]] = {}


def changed_only(obj: models.Model, data: dict[str, Any], *fields: str) -> dict[str, Any]:
    """Drop reference ids a PATCH repeats unchanged, so that sending back a record one has read
    does not require rights over what it already points to."""
    return {k: v for k, v in data.items() if not (k in fields and getattr(obj, k) == v)}
