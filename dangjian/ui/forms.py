"""Small shared form helpers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from dangjian.ids import parse_id

from . import lookups


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemoSelect(forms.Select):
    """A select of fixed choices (a model's choices, a list in the code) rendered once per
    process for each language, name, value and attributes: a filter form's 56 ethnic groups took
    0.5 ms to write out again on every page of a list. `key` names the choices; they must not
    change while the process runs (their values are part of the key as a check, not their
    labels, which are translated: the language is)."""

    MAX_KEPT = 512
    _rendered: dict[tuple[Any, ...], SafeString] = {}

    def __init__(self, key: str, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.key = key

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        key = (
            self.key,
            get_language(),
            tuple(str(v) for v, _label in self.choices),
            name,
            repr(self.format_value(value)),
            repr(self.build_attrs(self.attrs, attrs)),
            renderer,
        )
        html = self._rendered.get(key)
        if html is None:
            if len(self._rendered) >= self.MAX_KEPT:
                self._rendered.clear()
            html = self._rendered[key] = super().render(name, value, attrs, renderer)
        return html


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several scanned pages or documents at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing ids the database cannot hold as invalid choices before any query: it
    looks them up with `pk IN (…)`, which SQLite answers with OverflowError beyond 64 bits.
    (A single ModelChoiceField needs no help: Django finds nothing for an out-of-range pk.)"""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None:
            for pk in value:
                if parse_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        # Django's private validation step, which django-stubs do not declare.
        return super()._check_values(value)  # type: ignore[misc]


class OrgPickerForm(forms.Form):
    """Choose a party organisation among those a lookup source offers the user (a search box
    when they are many): the chooser at the top of the calendar, cohort and similar pages."""

    org: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=gettext_lazy("party organisation"), queryset=None)

    def __init__(self, *args: Any, user: Any, source: str = "org", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lookups.use(self.fields["org"], source, user)


def uploaded(files: Any) -> list[tuple[str, bytes, str]]:
    """The files of a MultipleFileField as (name, bytes, content type), the services' shape."""
    return [(f.name, f.read(), f.content_type or "") for f in files or []]


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the form: known fields by name, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def run_or_say(request: HttpRequest, action: Callable[[], Any], done: str | Callable[[Any], str] = "") -> bool:
    """The one flow of a button that writes (a POST without a form): run `action` (a service);
    a ValidationError it raises becomes an error message on the next page, in the user's
    language, with nothing saved; success says `done` (a text, or made from what `action`
    returned), if given. Returns whether the action went through."""
    try:
        result = action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    if done:
        messages.success(request, done(result) if callable(done) else done)
    return True


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    title: str,
    subtitle: str,
    cancel_url: str,
    note: str | Promise = "",
) -> HttpResponse:
    """The one page layout for every create/edit form."""
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": title,
            "subtitle": subtitle,
            "cancel_url": cancel_url,
            "note": note,
        },
        status=status,
    )


def save_form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    done: str,
    title: str,
    subtitle: str,
    cancel_url: str,
    next_url: Callable[[Any], str] | None = None,
    note: str | Promise = "",
) -> HttpResponse:
    """The one create/edit flow: on a valid POST call `save(cleaned_data)` (a service); a
    ValidationError it raises lands on the form, in the user's language, with nothing saved;
    success says `done` and goes to `next_url(saved object)`, or without it back where the form
    cancels to (the page of what was edited, or of what the new record was added to)."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(next_url(obj) if next_url is not None else cancel_url)
    return form_page(request, form, title, subtitle, cancel_url, note)


MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
# The years a page may ask for: wide enough for any record, narrow enough that month arithmetic
# never leaves the calendar (9999-12 plus a month was a server error).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def read_month(raw: str | None, default: dt.date, latest: dt.date | None = None) -> tuple[dt.date, str]:
    """The month a page is asked for ("2026-05"), or `default` with what was wrong with it: not a
    month (or a year outside 1900–2100), or, with `latest`, one after it (one that has not come yet)."""
    text = (raw or "").strip()
    if not text:
        return default, ""
    match = MONTH.match(text) if text.isascii() else None
    if match is None or not 1 <= int(match[2]) <= 12 or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        return default, _("“%(text)s” is not a month: write it as YYYY-MM, e.g. %(example)s.") % {
            "text": text[:20],
            "example": f"{default:%Y-%m}",
        }
    month = dt.date(int(match[1]), int(match[2]), 1)
    if latest is not None and month > latest:
        return default, _("%(month)s has not come yet: choose %(latest)s or an earlier month.") % {
            "month": f"{month:%Y-%m}",
            "latest": f"{latest:%Y-%m}",
        }
    return month, ""
