"""Helpers of the selection pages' templates."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def optional_url(name: str, *args: Any) -> str:
    """The URL of `name`, or "" where no such page is mounted (a page of the vote that this
    installation does not serve): the link is then left out."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
