from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.http import HttpRequest

from dangjian.access.audited_admin import AuditedModelAdmin

from . import services
from .models import FrequencyRule, Meeting

if TYPE_CHECKING:
    from dangjian.access.models import User


def _staff(request: HttpRequest) -> User:
    """The admin site is served to signed-in staff only."""
    return cast("User", request.user)


@admin.register(Meeting)
class MeetingAdmin(AuditedModelAdmin):
    """Meetings through the same services as the pages: expected attendees drawn, rules applied.
    Attendance is marked on the meeting's page."""

    list_display = ("held_on", "kind", "status", "topic", "organization", "quorate")
    list_filter = ("kind", "status")
    list_select_related = ("organization",)
    search_fields = ("topic", "organization__name")
    autocomplete_fields = ("organization", "host", "recorder")
    date_hierarchy = "held_on"
    fields = (
        "organization", "kind", "status", "held_on", "starts_at", "place", "topic",
        "host", "recorder", "minutes", "materials", "hours", "note",
    )  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("organization",) if obj is not None else ()

    def create(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Meeting:
        return services.plan_meeting(actor=_staff(request), **data)

    def update(self, request: HttpRequest, current: Any, obj: Any, data: dict[str, Any]) -> Meeting:
        data.pop("organization", None)
        return services.update_meeting(actor=_staff(request), meeting=current, **data)


@admin.register(FrequencyRule)
class FrequencyRuleAdmin(AuditedModelAdmin):
    """The regulations' defaults (no organisation) and committees' own rules; a regulated kind
    cannot be loosened here either."""

    list_display = ("kind", "organization", "period", "times", "day_of_month")
    list_filter = ("kind", "period")
    list_select_related = ("organization",)
    search_fields = ("organization__name",)
    autocomplete_fields = ("organization",)

    def create(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> FrequencyRule:
        return services.save_rule(actor=_staff(request), **data)

    def update(self, request: HttpRequest, current: Any, obj: Any, data: dict[str, Any]) -> FrequencyRule:
        data["organization"] = current.organization
        data["kind"] = current.kind
        return services.save_rule(actor=_staff(request), **data)
