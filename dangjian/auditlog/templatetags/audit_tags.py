"""Show an audit event's changes with the fields' names and choices in the reader's language."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.apps import apps
from django.utils.text import capfirst

register = template.Library()


@lru_cache(maxsize=64)
def _fields(object_type: str) -> dict[str, Any]:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    return {f.attname: f for f in model._meta.concrete_fields}


def _show(field: Any, value: Any) -> Any:
    if value is None or value == "":
        return "∅"
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


@register.filter
def changes_shown(event) -> list[tuple[str, Any, Any]]:
    fields = _fields(event.object_type)
    rows = []
    for name, value in (event.changes or {}).items():
        field = fields.get(name)
        label = capfirst(field.verbose_name) if field is not None else name
        if isinstance(value, list) and len(value) == 2:
            rows.append((label, _show(field, value[0]), _show(field, value[1])))
        else:
            rows.append((label, None, value))
    return rows
