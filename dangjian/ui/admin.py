"""Admin bases that belong to no app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.http import HttpRequest


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """An admin that only shows: nothing is added, changed or deleted through it, so there is no
    write to audit. For records the system keeps (the audit log, the workers' heartbeat)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LabelledAutocompleteView(AutocompleteJsonView):
    """The admin's search-as-you-type pickers label each result by the model's `picker_label`
    when it has one (a person: name, employer, birth year and masked ID number, so namesakes are
    told apart without revealing the number), else by its name as before."""

    def serialize_result(self, obj: Any, to_field_name: str) -> dict[str, Any]:
        result = super().serialize_result(obj, to_field_name)
        label = getattr(obj, "picker_label", None)
        if label:
            result["text"] = str(label)
        return result


class DangjianAdminSite(admin.AdminSite):
    def autocomplete_view(self, request: HttpRequest) -> Any:
        return LabelledAutocompleteView.as_view(admin_site=self)(request)


class DangjianAdminConfig(AdminConfig):
    default_site = "dangjian.ui.admin.DangjianAdminSite"
