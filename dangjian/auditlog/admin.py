"""The audit log in the Django admin (read-only), and the admin pages the chain cannot see
withdrawn."""

from __future__ import annotations

import json

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from dangjian.access.models import User
from dangjian.audit.models import AuditEvent
from dangjian.audit.selectors import events_under
from dangjian.ui.admin import ReadOnlyModelAdmin

from .selectors import visible_events


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    """The audit log, read-only: events are written by the services and never changed."""

    list_display = ("id", "at", "actor_name", "source", "action", "object_type", "object_id", "object_repr", "org_path")
    list_filter = ("source", "action", "object_type")
    search_fields = ("object_repr", "actor_name", "object_id", "=org_path")
    date_hierarchy = "at"
    show_full_result_count = False
    fields = (
        "id",
        "at",
        "actor_name",
        "actor_id",
        "source",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "pretty_changes",
        "org_path",
        "ip",
        "prev_hash",
        "hash",
        "mac",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        # The same reach as the audit pages: superusers everything, an organisation department its subtree.
        user = request.user
        if not isinstance(user, User):  # the admin lets in staff users only
            return events_under([])
        return visible_events(user).order_by("-id")

    @admin.display(description=gettext_lazy("changes"))
    def pretty_changes(self, event: AuditEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(event.changes, ensure_ascii=False, indent=2, sort_keys=True))


def withdraw_unaudited_admin_pages() -> None:
    """Admin pages whose writes the audit chain cannot see are not offered: groups and
    permissions are not how Dangjian grants access (roles are), and task results belong to
    their job pages."""
    for model in (Group, DBTaskResult):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
