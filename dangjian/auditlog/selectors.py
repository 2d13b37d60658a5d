"""Reads of the audit log, scoped: the organisation department reads its subtree's events
(who may read what is decided in access.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from dangjian.access.permissions import audit_log_reach
from dangjian.audit.models import AuditEvent
from dangjian.audit.selectors import events_under

if TYPE_CHECKING:
    from dangjian.access.models import User


def visible_events(user: User) -> QuerySet[AuditEvent]:
    return events_under(audit_log_reach(user))
