"""Choice labels without the per-call cost of Django's `get_FOO_display`.

Django rebuilds a dict of the field's choices on every call, turning each lazy translation into a
string: about 0.2 ms for the 56 ethnic groups, so three such columns on a 50-row list cost more
than its queries. `FastLabels` keeps one dict per field and language instead.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.hashable import make_hashable

_CACHE: dict[tuple[Any, str], dict[Any, str]] = {}


def choice_label(field: Any, value: Any) -> Any:
    key = (field, translation.get_language() or "")
    labels = _CACHE.get(key)
    if labels is None:
        labels = _CACHE[key] = {make_hashable(k): str(v) for k, v in field.flatchoices}
    return labels.get(make_hashable(value), value)


class FastLabels:
    """Mix into a model: its get_FOO_display() methods read the cached labels."""

    def _get_FIELD_display(self, field: Any) -> Any:
        return choice_label(field, getattr(self, field.attname))
