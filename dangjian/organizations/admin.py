from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.access.audited_admin import AuditedModelAdmin

from . import services
from .models import Enterprise, Organization, ProductionUnit


@admin.register(Organization)
class OrganizationAdmin(AuditedModelAdmin):
    list_display = ("indented_name", "kind", "code", "founded_on")
    list_filter = ("kind",)
    search_fields = ("name", "name_en", "code")
    fields = ("kind", "name", "name_en", "parent", "code", "founded_on", "path", "depth")
    readonly_fields = ("path", "depth")
    autocomplete_fields = ("parent",)

    @admin.display(description=gettext_lazy("name"), ordering="path")
    def indented_name(self, org: Organization) -> str:
        return "\u3000" * org.depth + org.name

    def create(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Organization:
        return services.create_organization(actor=self.staff(request), **data)

    def update(self, request: HttpRequest, current: Any, obj: Any, data: dict[str, Any]) -> Organization:
        parent = data.pop("parent", current.parent)
        if parent != current.parent:
            if parent is None:
                raise ValidationError(
                    {"parent": _("An organisation cannot be made a root here: move it under another organisation.")}
                )
            current = services.move_organization(actor=self.staff(request), org=current, new_parent=parent)
        return services.update_organization(actor=self.staff(request), org=current, **data)

    def delete(self, request: HttpRequest, obj: Any) -> None:
        services.delete_organization(actor=self.staff(request), org=obj)


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedModelAdmin):
    list_display = ("name", "uscc", "ownership", "supervising_org", "party_org", "settled_on")
    list_filter = ("ownership",)
    list_select_related = ("supervising_org", "party_org")
    search_fields = ("name", "name_en", "uscc")
    autocomplete_fields = ("supervising_org", "party_org")

    def create(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Enterprise:
        return services.create_enterprise(actor=self.staff(request), **data)

    def update(self, request: HttpRequest, current: Any, obj: Any, data: dict[str, Any]) -> Enterprise:
        return services.update_enterprise(actor=self.staff(request), enterprise=current, **data)


@admin.register(ProductionUnit)
class ProductionUnitAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "enterprise", "parent")
    list_filter = ("kind",)
    list_select_related = ("enterprise", "parent")
    search_fields = ("name", "name_en", "enterprise__name")
    fields = ("enterprise", "kind", "name", "name_en", "parent")
    autocomplete_fields = ("enterprise",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A unit stays in its enterprise and keeps its kind (the services do not move units).
        return ("enterprise", "kind") if obj is not None else ()

    def create(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> ProductionUnit:
        return services.create_unit(actor=self.staff(request), **data)

    def update(self, request: HttpRequest, current: Any, obj: Any, data: dict[str, Any]) -> ProductionUnit:
        return services.update_unit(actor=self.staff(request), unit=current, **data)

    def delete(self, request: HttpRequest, obj: Any) -> None:
        services.delete_unit(actor=self.staff(request), unit=obj)
