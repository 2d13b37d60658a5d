"""Template helpers: Tabler classes on form widgets, a select's options, sort links."""

from __future__ import annotations

import functools
from html import escape
from typing import Any

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from dangjian.ids import MAX_ID

register = template.Library()


@register.filter
def styled(field):
    css = (
        "form-select"
        if field.widget_type in {"select", "memoselect", "selectmultiple", "nullbooleanselect"}
        else "form-control"
    )
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.simple_tag
def select_options(optgroups: list) -> SafeString:
    """A select's <option>s (and <optgroup>s) as Django's templates write them, built in Python
    with the standard library's escape: through the template language a list of 70 enterprises
    took 3 ms (docs/benchmarks.md). `optgroups` is what ChoiceWidget.optgroups() gives the template."""
    parts = []
    for group_name, options, _index in optgroups:
        html = "".join(
            f'<option value="{_text(o["value"])}"{" selected" if o["selected"] else ""}>{_text(o["label"])}</option>'
            for o in options
        )
        parts.append(f'<optgroup label="{_text(group_name)}">{html}</optgroup>' if group_name else html)
    return SafeString("".join(parts))


def _text(value: Any) -> str:
    """As the template language writes a value: HTML-safe text as it is, anything else escaped."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


# A record id no page ever links to (the largest the database holds), reversed once in its place.
_PLACEHOLDER = str(MAX_ID)


@functools.lru_cache(maxsize=256)
def _around_id(name: str, prefix: str, urlconf: str | None) -> tuple[str, str]:
    head, _id, tail = reverse(name, args=[_PLACEHOLDER], urlconf=urlconf).partition(_PLACEHOLDER)
    return head, tail


@register.simple_tag
def id_url(name: str, pk: int) -> str:
    """`{% url name pk %}` for a URL whose one argument is a record id, for the rows of a list:
    the route is reversed once and the id put in its place (reversing it per row was a quarter of
    the person list's rows, docs/benchmarks.md)."""
    head, tail = _around_id(name, get_script_prefix(), get_urlconf())
    return f"{head}{int(pk)}{tail}"


@register.simple_tag
def sort_link(label, key, current, querystring):
    """A column header that sorts by `key`, toggling direction when it is the current sort."""
    active = current.lstrip("-") == key
    new = key if (not active or current.startswith("-")) else f"-{key}"
    arrow = "" if not active else (" ↓" if current.startswith("-") else " ↑")
    qs = f"{querystring}&" if querystring else ""
    return format_html('<a href="?{}sort={}" class="text-reset">{}{}</a>', qs, new, label, arrow)


@register.filter
def minutes(delta):
    """A timedelta in whole minutes, rounded up (a lockout of 90 s is "2 minutes", not 1)."""
    if delta is None:
        return 0
    return max(1, -(-int(delta.total_seconds()) // 60))
