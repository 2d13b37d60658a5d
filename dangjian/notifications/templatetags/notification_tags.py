"""The unread count for the navigation bar (notifications/_bell.html)."""

from __future__ import annotations

from django import template

from dangjian.notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if request is None:
        return selectors.unread_count(user)
    return selectors.unread_in_request(request)
