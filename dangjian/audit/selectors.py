"""Reads of the audit chain that other layers need (the scoped log pages are dangjian.auditlog's)."""

from __future__ import annotations

from .models import AuditEvent


def count_events() -> int:
    return AuditEvent.objects.count()
