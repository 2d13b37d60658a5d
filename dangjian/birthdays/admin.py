from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dangjian.access.audited_admin import AuditedModelAdmin

from . import services
from .models import BirthdayConfig


@admin.register(BirthdayConfig)
class BirthdayConfigAdmin(AuditedModelAdmin):
    list_display = ("organization", "period", "issuer_name")
    list_select_related = ("organization",)
    search_fields = ("organization__name",)
    autocomplete_fields = ("organization",)

    def create(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> BirthdayConfig:
        return services.save_config(actor=self.staff(request), **data)

    def update(self, request: HttpRequest, current: Any, obj: Any, data: dict[str, Any]) -> BirthdayConfig:
        data.pop("organization", None)
        return services.save_config(actor=self.staff(request), organization=current.organization, **data)
