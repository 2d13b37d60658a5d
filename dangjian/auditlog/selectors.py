"""Reads of the audit log, scoped: the organisation department reads its subtree's events
(who may read what is decided in access.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from dangjian.access.permissions import audit_log_reach
from dangjian.audit.models import AuditEvent

if TYPE_CHECKING:
    from dangjian.access.models import User


def visible_events(user: User) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    paths = audit_log_reach(user)
    if paths is None:
        return qs
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(org_path__startswith=path)
    return qs.filter(q)


def object_history(object_type: str, object_id: int | str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-id")
