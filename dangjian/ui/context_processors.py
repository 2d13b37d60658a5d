from __future__ import annotations

from django.conf import settings


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"LANGUAGES": settings.LANGUAGES}
    from dangjian.access.permissions import may_import, may_see_meetings
    from dangjian.access.scopes import ENTERPRISE, ORG, PERSON, VIEW, has_any
    from dangjian.audit.selectors import may_read_global_log
    from dangjian.birthdays.selectors import may_see_birthdays
    from dangjian.development import selectors as development

    return {
        "LANGUAGES": settings.LANGUAGES,
        "nav": {
            "orgs": has_any(user, ORG, VIEW),
            "enterprises": has_any(user, ENTERPRISE, VIEW),
            "people": has_any(user, PERSON, VIEW),
            "audit": may_read_global_log(user),
            "imports": may_import(user),
            "development": development.may_see_development(user),
            "meetings": may_see_meetings(user),
            "birthdays": may_see_birthdays(user),
            # Asked only when the menu is drawn, and only a non-member employee costs a query.
            "apply": lambda: development.may_apply_online(getattr(user, "person", None)),
        },
    }
