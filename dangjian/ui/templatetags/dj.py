"""Template helpers: Tabler classes on form widgets, sort links."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def styled(field):
    css = "form-select" if field.widget_type in {"select", "selectmultiple", "nullbooleanselect"} else "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


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
