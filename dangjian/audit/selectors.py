"""Reads of the audit chain that other layers need (the scoped log pages are dangjian.auditlog's)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import AuditEvent


def count_events() -> int:
    return AuditEvent.objects.count()


def events_under(paths: list[str] | None) -> QuerySet[AuditEvent]:
    """The events about objects in these subtrees (organisation paths); None: every event."""
    qs = AuditEvent.objects.all()
    if paths is None:
        return qs
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(org_path__startswith=path)
    return qs.filter(q)


def object_history(object_type: str, object_id: int | str) -> QuerySet[AuditEvent]:
    """One object's events, newest first (`object_type` is the model's label)."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-id")


# --- For commands (added by the demo, issue 13) --------------------------------------------------


def event_count() -> int:
    """Every event in the log (the demo's summary)."""
    return AuditEvent.objects.count()
