"""Reads of the audit log, scoped: a role with AUDIT on a subtree reads that subtree's events."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from dangjian.access.scopes import AUDIT, ORG, grants_for

from .models import AuditEvent


def visible_events(user: Any) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    for g in grants_for(user):
        if g.allows(ORG, AUDIT) and g.org_path and g.role == "org_department":
            q |= Q(org_path__startswith=g.org_path)
    return qs.filter(q)


def may_read_global_log(user: Any) -> bool:
    return user.is_superuser or any(g.role == "org_department" for g in grants_for(user))


def object_history(object_type: str, object_id: Any) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-id")


# --- For commands (added by the demo, issue 13) --------------------------------------------------


def event_count() -> int:
    """Every event in the log (the demo's summary)."""
    return AuditEvent.objects.count()
