"""Choice lists that stay small at province scale.

A <select> of every enterprise, team or person in a prefecture's reach holds tens of thousands
of options: megabytes of HTML and most of a page's time (docs/benchmarks.md). A choice field
given a *source* here renders its options as usual while they are few (LOOKUP_LIST_MAX, 100),
and otherwise only the chosen one plus a search box that asks `/lookup?source=…&search=…` for
the first matches (htmx swaps them into the select; without JavaScript the form still submits).

A source is a function of the user that returns the queryset of choices, already narrowed by
access.scopes; the lookup endpoint and the form's validation use the same function, so a search
can offer nothing the form would not accept (forms may narrow further, never widen).

This module is the mechanism only. The sources live with the data they offer, each app's
`lookups` module (organizations, people, development, branchlife) registering its own; the
pages app imports them all when Django starts, so the endpoint knows every source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.forms.models import ModelChoiceIterator

from dangjian.ids import parse_id
from dangjian.text import search_text

SEARCH_RESULTS = 50


@dataclass(frozen=True)
class Source:
    choices: Callable[[Any], QuerySet]
    search: tuple[str, ...]  # fields matched with icontains
    label: Callable[[Model], str] | None = None  # default: str(obj)
    # The columns a label reads: a list of choices loads only these (and the key), not whole rows.
    # Empty: whole rows.
    columns: tuple[str, ...] = ()

    def label_of(self, obj: Model) -> str:
        return self.label(obj) if self.label is not None else str(obj)

    def labelled(self, qs: QuerySet) -> QuerySet:
        """`qs` loading what the labels need: the organisations and enterprises of a filter form
        were a third of the person list's time as whole rows (docs/benchmarks.md)."""
        return qs.only(*self.columns) if self.columns else qs

    def find(self, user: Any, text: str) -> QuerySet:
        qs = self.choices(user)
        text = search_text(text)
        if text:
            q = Q()
            for name in self.search:
                q |= Q(**{f"{name}__icontains": text})
            qs = qs.filter(q)
        return qs


SOURCES: dict[str, Source] = {}


def register(
    key: str, choices: Callable[[Any], QuerySet], search: tuple[str, ...], label=None, columns: tuple[str, ...] = ()
) -> None:
    SOURCES[key] = Source(choices, search, label, columns)


def list_max() -> int:
    return settings.DANGJIAN.get("LOOKUP_LIST_MAX", 100)


class LookupSelect(forms.Select):
    template_name = "ui/widgets/lookup_select.html"

    def __init__(self, source: str, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.source = source
        self.searchable = False

    def optgroups(self, name: str, value: list[str], attrs: dict | None = None):
        iterator = cast(ModelChoiceIterator, self.choices)  # what a ModelChoiceField gives its widget
        field = iterator.field
        qs = iterator.queryset
        # Whether there are more than list_max() choices, without loading them: then only the
        # chosen one is shown (and a search box).
        self.searchable = qs[list_max() : list_max() + 1].exists()
        rows = SOURCES[self.source].labelled(qs)
        if self.searchable:
            chosen = [pk for pk in map(parse_id, value) if pk is not None]
            head = list(rows.filter(pk__in=chosen)) if chosen else []
        else:
            head = list(rows)
        options: list[tuple[Any, Any]] = [("", field.empty_label)] if field.empty_label is not None else []
        options += [iterator.choice(obj) for obj in head]
        full, self.choices = self.choices, options
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = full

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["searchable"] = self.searchable
        context["widget"]["source"] = self.source
        context["widget"]["empty_label"] = cast(ModelChoiceIterator, self.choices).field.empty_label or ""
        return context


def use(field: forms.Field, source: str, user: Any, queryset: QuerySet | None = None) -> None:
    """Fill `field` (a form's ModelChoiceField, as `form.fields[name]` gives it) from `source`
    (or a narrower `queryset` of it) and make it searchable."""
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"a lookup source fills a ModelChoiceField, not {type(field).__name__}")
    widget = LookupSelect(source, attrs=field.widget.attrs)
    field.widget = widget
    src = SOURCES[source]
    field.queryset = src.choices(user) if queryset is None else queryset  # also sets widget.choices
    if src.label is not None:
        # Django's way to label one field's choices without a subclass; stubs see a method.
        field.label_from_instance = src.label  # type: ignore[method-assign, assignment]
