"""One figure of the roll-up's table: the number as a link to the list behind it, and its whole
("3/5") when it is a share. A tag, not an included template: a county's table has a few hundred
rows of eleven figures, and an include per figure was most of the page's time."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def figure(key: str, value: Any, url: str | None = None, whole: Any = None) -> SafeString:
    shown = "–" if value is None else value
    if url:
        out = format_html('<a href="{}" data-figure="{}">{}</a>', url, key, shown)
    else:
        out = format_html('<span data-figure="{}">{}</span>', key, shown)
    if whole is not None:
        out = format_html('{}<span class="text-secondary">/{}</span>', out, whole)
    return out
