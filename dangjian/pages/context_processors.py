from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from dangjian.access import permissions
from dangjian.access.scopes import ENTERPRISE, ORG, PERSON, VIEW, has_any


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu: which capabilities the signed-in user may open (access's predicates)."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"LANGUAGES": settings.LANGUAGES}
    return {
        "LANGUAGES": settings.LANGUAGES,
        "nav": {
            "orgs": has_any(user, ORG, VIEW),
            "enterprises": has_any(user, ENTERPRISE, VIEW),
            "people": has_any(user, PERSON, VIEW),
            "audit": permissions.may_read_global_log(user),
            "imports": permissions.may_import(user),
            "development": permissions.may_see_development(user),
            # A query only for someone with no role on meetings (whether they were invited to one).
            "meetings": lambda: permissions.meetings_in_menu(user),
            "birthdays": permissions.may_see_birthdays(user),
            # Asked only when the menu is drawn, and only a non-member employee costs a query.
            "apply": lambda: permissions.may_apply_online(getattr(user, "person", None)),
        },
    }
