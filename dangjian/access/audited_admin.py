"""The Django admin, audited like every other way in.

`AuditedModelAdmin` is the base of every ModelAdmin in the project. Its writes go through the
domain services where a model has them (subclasses override `create`, `update` and `delete`), and
otherwise through the same three steps a service takes: snapshot the row as stored → save →
record the change in the audit chain. The admin's own LogEntry is kept as Django keeps it; the
audit chain is the record that counts.

A service refuses bad input with a ValidationError. The admin only calls `save_model` after its
form has validated, too late to show errors, so a refusal rolls the whole request back and the
form is built again from the same POST with the service's messages attached to its fields.

Superusers see everything. Other staff also need Django's model permissions, and see and change
only their scope (access.scopes) of the scoped models; an admin for an unscoped model (users,
tokens) is for superusers only. Inlines would save their rows past these hooks: don't use them
here. Rows deleted by cascade with an object are recorded too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dangjian.audit import services as audit
from dangjian.audit.models import Action, AuditEvent

from .models import User
from .scopes import CHANGE, can, resource_of, scope

if TYPE_CHECKING:
    # The stubs make ModelAdmin generic in its model; Django's class takes no subscript at run
    # time. The audited admin serves every model, hence Any.
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


class Rejected(Exception):
    """A service refused an admin write; the request is rolled back and the form shown again."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(error)
        self.error = error


def _is_scoped(model: type[models.Model]) -> bool:
    try:
        resource_of(model)
    except LookupError:
        return False
    return True


def _copy_row(source: models.Model, target: models.Model) -> None:
    """Make the admin's instance the row the service wrote (the admin goes on to log and
    redirect with it)."""
    if source is target:
        return
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False
    target._state.db = source._state.db
    target._state.fields_cache.clear()


def _message_of(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _attach(form: Any, error: ValidationError) -> None:
    """Put a service's refusal on the form: its fields by name, anything else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.message_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
        elif name == NON_FIELD_ERRORS:
            form.add_error(None, errors)
        else:
            try:
                label = capfirst(form.instance._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                label = name
            form.add_error(None, [f"{label}: {e}" for e in errors])


class AuditedModelAdmin(_ModelAdmin):
    #: Superusers only, for models the scope rule does not cover (users, tokens).
    superuser_only = False

    @staticmethod
    def staff(request: HttpRequest) -> User:
        """The signed-in user the admin serves (Django's admin lets nobody else in): the actor of
        every write it makes."""
        if not isinstance(request.user, User):
            raise PermissionDenied
        return request.user

    # --- the writes: override to call a domain service ------------------------------------

    def create(self, request: HttpRequest, obj: models.Model, data: dict[str, Any]) -> models.Model:
        """Save a new object built by the form and record it."""
        obj.save()
        audit.record_create(request.user, obj)
        return obj

    def update(
        self, request: HttpRequest, current: models.Model, obj: models.Model, data: dict[str, Any]
    ) -> models.Model:
        """Save the changes. `current` is the row as stored; `obj` already carries the form's
        values and `data` holds them by field name."""
        before = audit.snapshot(current)
        obj.save()
        audit.record_update(request.user, obj, before)
        return obj

    def delete(self, request: HttpRequest, obj: models.Model) -> None:
        """Delete the object and record it, with every row of this project deleted with it by
        cascade (a person's membership records, a user's roles): those leave a trace too."""
        collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
        collector.collect([obj])
        doomed: list[models.Model] = [obj]
        for instances in collector.data.values():
            doomed.extend(o for o in instances if not (type(o) is type(obj) and o.pk == obj.pk))
        for queryset in collector.fast_deletes:
            doomed.extend(queryset)
        doomed = [o for o in doomed if type(o).__module__.startswith("dangjian.") and not isinstance(o, AuditEvent)]
        # Everything an event says about a row is read before the row (and what it points to) goes.
        records = [
            {
                "obj": o,
                "object_id": o.pk,
                "object_repr": str(o),
                "org_path": audit.org_path_of(o),
                "changes": audit.diff(audit.snapshot(o), None, getattr(o, "SENSITIVE_FIELDS", ())),
            }
            for o in doomed
        ]
        obj.delete()
        for rec in records:
            audit.record(actor=request.user, action=Action.DELETE, **rec)

    def after_write(self, request: HttpRequest, obj: models.Model, deleted: bool = False) -> None:
        """Recompute what derives from the object (e.g. a person's political status)."""

    # --- Django admin hooks ---------------------------------------------------------------

    @contextlib.contextmanager
    def _refusals(self) -> Iterator[None]:
        try:
            yield
        except ValidationError as exc:
            raise Rejected(exc) from exc

    def _check_reach(self, request: HttpRequest, obj: models.Model) -> None:
        if request.user.is_superuser or not _is_scoped(type(obj)):
            return
        if not can(request.user, CHANGE, obj):
            raise ValidationError(_("You can only keep records inside the part of the organisation tree you manage."))

    def form_data(self, form: Any) -> dict[str, Any]:
        names = {f.name for f in self.model._meta.get_fields()}
        return {name: value for name, value in form.cleaned_data.items() if name in names}

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        with self._refusals():
            data = self.form_data(form)
            if change:
                # The form has already put its values on `obj`: read the stored row afresh.
                current = type(obj)._default_manager.get(pk=obj.pk)
                saved = self.update(request, current, obj, data)
            else:
                saved = self.create(request, obj, data)
            self._check_reach(request, saved)
            self.after_write(request, saved)
        _copy_row(saved, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        obj = form.instance
        m2m = [f for f in obj._meta.many_to_many if f.name in form.fields]
        before = {f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True)) if change else [] for f in m2m}
        super().save_related(request, form, formsets, change)
        after = {f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True)) for f in m2m}
        changes = audit.diff(before, after)
        if changes:
            audit.record(actor=request.user, action=Action.UPDATE, obj=obj, changes=changes)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with self._refusals():
            self.delete(request, obj)
            self.after_write(request, obj, deleted=True)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with self._refusals():
            for obj in queryset:
                self.delete(request, obj)
                self.after_write(request, obj, deleted=True)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        rejection = getattr(request, "_audited_admin_rejection", None)
        if rejection is None:
            return form

        def _post_clean(self: Any) -> None:
            # What super() would call: `form` is the one base of the class built below. The
            # stubs leave out ModelForm's private hook that Django calls after clean().
            form._post_clean(self)  # type: ignore[attr-defined]
            _attach(self, rejection)

        return type(form.__name__, (form,), {"_post_clean": _post_clean})

    def changeform_view(
        self, request: HttpRequest, object_id: Any = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Rejected as rejected:
            # Django's view ran in a transaction that is now rolled back; show the form again.
            # The error rides on the request to get_form in the second pass; HttpRequest declares
            # no such attribute, so the checker cannot know it.
            request._audited_admin_rejection = rejected.error  # type: ignore[attr-defined]
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request: HttpRequest, object_id: Any, extra_context: Any = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except Rejected as rejected:
            self.message_user(request, _message_of(rejected.error), messages.ERROR)
            opts = self.model._meta
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            return HttpResponseRedirect(url)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        try:
            # Actions (bulk delete) run here and log before they write: all or nothing.
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changelist_view(request, extra_context)
        except Rejected as rejected:
            self.message_user(request, _message_of(rejected.error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # --- who sees what --------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser or not _is_scoped(self.model):
            return qs
        return scope(request.user, qs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        related = db_field.remote_field.model
        if field is not None and field.queryset is not None and not request.user.is_superuser and _is_scoped(related):
            field.queryset = scope(request.user, field.queryset)
        return field

    def has_module_permission(self, request: HttpRequest) -> bool:
        if self.superuser_only:
            return request.user.is_active and request.user.is_superuser
        return super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.superuser_only:
            return request.user.is_active and request.user.is_superuser
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        if self.superuser_only:
            return request.user.is_active and request.user.is_superuser
        return super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.superuser_only:
            return request.user.is_active and request.user.is_superuser
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and not request.user.is_superuser and _is_scoped(type(obj)):
            return can(request.user, CHANGE, obj)
        return allowed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.superuser_only:
            return request.user.is_active and request.user.is_superuser
        allowed = super().has_delete_permission(request, obj)
        if allowed and obj is not None and not request.user.is_superuser and _is_scoped(type(obj)):
            return can(request.user, CHANGE, obj)
        return allowed
