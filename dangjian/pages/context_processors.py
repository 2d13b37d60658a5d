from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from dangjian.access import permissions
from dangjian.access.scopes import ENTERPRISE, ORG, PERSON, VIEW, has_any
from dangjian.development import selectors as development


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
            "production": lambda: permissions.production_in_menu(user),
            "guidance": permissions.may_see_guidance(user),
            "selections": permissions.may_see_selections(user),
            "indicators": permissions.may_see_indicators(user),
            "transfers": permissions.may_see_transfers(user),
            "dues": permissions.may_see_dues(user),
            "appraisal": permissions.may_see_member_appraisals(user),
            "logins": permissions.may_give_logins(user),
            "setup": permissions.may_set_up_any(user),
            # Asked only when the menu is drawn, and only a non-member employee costs a query.
            "apply": lambda: permissions.may_apply_online(getattr(user, "person", None)),
            # The applicant's own application (to its conversion), one tap away: a query only for
            # someone whose status says they have one.
            "my_application": lambda: (
                development.own_open_candidacy(user.person)
                if getattr(getattr(user, "person", None), "political_status", None) in permissions.CANDIDATE_STATUSES
                else None
            ),
        },
    }
