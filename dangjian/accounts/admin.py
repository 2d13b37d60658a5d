from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dangjian.access import selectors, services
from dangjian.access.audited_admin import AuditedModelAdmin
from dangjian.access.models import ENTERPRISE_ROLES, ORG_ROLES, ApiToken, RoleAssignment, User
from dangjian.audit import services as audit


def _admin(request: HttpRequest) -> User:
    """The user on an admin page: the admin site lets in signed-in staff only."""
    return cast(User, request.user)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """Accounts. Who may manage accounts is not a question of the organisation tree, so this page
    is for superusers only; secretaries give roles on the roles pages."""

    superuser_only = True
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (gettext_lazy("Dangjian"), {"fields": ("person", "language")}),
    )
    list_display = ("username", "person", "is_active", "is_staff", "is_superuser", "last_login")
    list_select_related = ("person",)
    autocomplete_fields = ("person",)

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "person" and field is not None:
            # The chosen person as the picker names them: namesakes told apart (people.Person).
            field.label_from_instance = lambda p: p.picker_label
        return field

    actions = ("unlock",)

    @admin.action(description=gettext_lazy("Unlock after failed logins (password and API tokens)"))
    def unlock(self, request: HttpRequest, queryset: Any) -> None:
        # django-axes' own admin is off (AXES_ENABLE_ADMIN): unlocking goes through a service, audited.
        users = list(queryset)
        for user in users:
            services.unlock_login(actor=_admin(request), user=user)
        self.message_user(
            request,
            ngettext("%(n)d account unlocked.", "%(n)d accounts unlocked.", len(users)) % {"n": len(users)},
            messages.SUCCESS,
        )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Django's password page saves the user itself, without save_model: audit it here.
        user = selectors.user_by_id(id)
        before = audit.snapshot(user) if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None and before is not None and request.method == "POST":
            user.refresh_from_db()
            audit.record_update(_admin(request), user, before)
        return response


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ("user", "role", "organization", "enterprise")

    def clean(self) -> dict[str, Any]:
        # A role is held on an organisation or on an enterprise, never both: drop the other anchor
        # before the model's check constraint sees it.
        super().clean()
        data = self.cleaned_data
        role = data.get("role")
        if role in ORG_ROLES:
            data["enterprise"] = None
            if not data.get("organization"):
                self.add_error("organization", _("This role is held on a party organisation."))
        elif role in ENTERPRISE_ROLES:
            data["organization"] = None
            if not data.get("enterprise"):
                self.add_error("enterprise", _("This role is held on an enterprise."))
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):
    """Roles are given and taken back, not edited: add a new one and delete the old."""

    form = RoleAssignmentForm
    list_display = ("user", "role", "organization", "enterprise", "created_at")
    list_filter = ("role",)
    list_select_related = ("user", "organization", "enterprise")
    search_fields = ("user__username", "organization__name", "enterprise__name")
    autocomplete_fields = ("user", "organization", "enterprise")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def create(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> RoleAssignment:
        return services.assign_role(actor=_admin(request), **data)

    def delete(self, request: HttpRequest, obj: Any) -> None:
        services.revoke_role(actor=_admin(request), assignment=obj)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    """Tokens are made by their owners, who see the secret once; here they can be renamed,
    given an expiry or revoked."""

    superuser_only = True
    list_display = ("name", "user", "hint", "created_at", "last_used_at", "expires_at", "revoked_at", "active")
    list_select_related = ("user",)
    search_fields = ("name", "user__username", "hint")
    fields = ("user", "name", "hint", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = ("user", "hint", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    @admin.display(description=gettext_lazy("active"), boolean=True)
    def active(self, token: ApiToken) -> bool:
        return token.is_active

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=gettext_lazy("Revoke selected tokens"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        tokens = [t for t in queryset if t.revoked_at is None]
        for token in tokens:
            services.revoke_token(actor=_admin(request), token=token)
        self.message_user(
            request,
            ngettext("%(n)d token revoked.", "%(n)d tokens revoked.", len(tokens)) % {"n": len(tokens)},
            messages.SUCCESS,
        )
