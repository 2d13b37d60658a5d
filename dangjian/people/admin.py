from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dangjian.access.audited_admin import AuditedModelAdmin
from dangjian.access.permissions import may_see_sensitive_in_admin

from . import services
from .crypto import EncryptedTextField
from .forms import AsksIdNumberFirst, kept_unless_typed
from .models import Membership, Person
from .selectors import by_id_number
from .services import PERSON_FIELDS
from .validators import parse_id_number


class PersonAdminForm(AsksIdNumberFirst, forms.ModelForm):
    """A stored person's ID number and phone are never put on the form in clear (opening a page
    must not count as viewing them): the fields start empty, empty keeps the stored value, a new
    value replaces it. The person's page shows a value on an explicit, audited "Show". The ID
    number is asked about first (`AsksIdNumberFirst`; `asker` is set by PersonAdmin.get_form)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name in Person.SENSITIVE_FIELDS:
            if name not in self.fields:
                continue
            masked = getattr(self.instance, f"{name}_masked") or ""
            self.initial[name] = ""
            self.fields[name].required = False
            self.fields[name].widget.attrs["placeholder"] = masked
            self.fields[name].help_text = _(
                "Stored value hidden (%(masked)s). Leave it empty to keep it or type a new value to replace it; "
                "the person's page shows it on request (viewing is recorded)."
            ) % {"masked": masked or "—"}


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin):
    form = PersonAdminForm
    list_display = (
        "name",
        "gender",
        "birth_date",
        "id_number_masked",
        "phone_masked",
        "political_status",
        "employer",
        "party_org",
    )
    list_filter = ("political_status", "gender", "ethnicity")
    list_select_related = ("employer", "party_org")
    search_fields = ("name", "name_latin")
    autocomplete_fields = ("employer", "team")
    fields = (*PERSON_FIELDS, "political_status", "party_org")
    readonly_fields = ("political_status", "party_org")

    @admin.display(description=_("ID number"))
    def id_number_masked(self, person: Person) -> str:
        return person.id_number_masked

    @admin.display(description=_("phone"))
    def phone_masked(self, person: Person) -> str:
        return person.phone_masked

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # The encrypted columns are text in the database, but one short line in the form.
        if isinstance(db_field, EncryptedTextField):
            return forms.CharField(label=db_field.verbose_name, required=not db_field.blank, max_length=40)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.asker = request.user
        return form

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if may_see_sensitive_in_admin(self.staff(request), obj):
            return tuple(self.fields)
        masked = {"id_number": "id_number_masked", "phone": "phone_masked"}
        return tuple(masked.get(f, f) for f in self.fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if may_see_sensitive_in_admin(self.staff(request), obj):
            return self.readonly_fields
        return (*self.readonly_fields, "id_number_masked", "phone_masked")

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            try:
                parse_id_number(term)
            except ValidationError:
                return results, may_have_duplicates
            # An exact ID number finds its person through the blind index (the column is encrypted).
            # Only where the user may see ID numbers (see people.selectors.filter_people).
            results |= queryset.filter(pk__in=by_id_number(self.staff(request), term).values("pk"))
        return results, may_have_duplicates

    def create(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Person:
        return services.create_person(actor=self.staff(request), **data)

    def update(self, request: HttpRequest, current: Any, obj: Any, data: dict[str, Any]) -> Person:
        return services.update_person(actor=self.staff(request), person=current, **kept_unless_typed(current, data))


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ("person", "organization", "admitted_on", "converted_on", "ended_on", "end_reason")
    list_filter = ("end_reason",)
    list_select_related = ("person", "organization")
    search_fields = ("person__name", "organization__name")
    autocomplete_fields = ("person", "organization")
    date_hierarchy = "admitted_on"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A record belongs to one person; a mistaken one is ended or deleted, not handed on.
        return ("person",) if obj is not None else ()

    def create(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Membership:
        return services.add_membership(actor=self.staff(request), **data)

    def update(self, request: HttpRequest, current: Any, obj: Any, data: dict[str, Any]) -> Membership:
        return services.update_membership(actor=self.staff(request), membership=current, **data)

    def after_write(self, request: HttpRequest, obj: Any, deleted: bool = False) -> None:
        if deleted:
            # The services keep the person's status in step on add and change; a deletion must too.
            services.refresh_derived(Person.objects.get(pk=obj.person_id))
