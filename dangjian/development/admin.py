from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dangjian.access.audited_admin import AuditedModelAdmin
from dangjian.people import services as people_services
from dangjian.people.selectors import person_with_pk

from .models import Candidacy


@admin.register(Candidacy)
class CandidacyAdmin(AuditedModelAdmin):
    """Until the development capability brings its step-by-step services, the admin edits the
    attempt directly (audited by the base class) and keeps the person's derived status in step."""

    list_display = ("person", "organization", "stage", "applied_on", "activist_on", "target_on", "closed_on")
    list_filter = ("stage",)
    list_select_related = ("person", "organization")
    search_fields = ("person__name", "organization__name")
    autocomplete_fields = ("person", "organization")
    date_hierarchy = "applied_on"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("person",) if obj is not None else ()

    def after_write(self, request: HttpRequest, obj: Any, deleted: bool = False) -> None:
        person = person_with_pk(obj.person_id)
        if person is not None:
            people_services.refresh_derived(person)
