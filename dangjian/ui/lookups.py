"""Choice lists that stay small at province scale.

A <select> of every enterprise, team or person in a prefecture's reach holds tens of thousands
of options: megabytes of HTML and most of a page's time (docs/benchmarks.md). A choice field
given a *source* here renders its options as usual while they are few (LOOKUP_LIST_MAX, 100),
and otherwise only the chosen one plus a search box that asks `/lookup?source=…&search=…` for
the first matches (htmx swaps them into the select; without JavaScript the form still submits).

A source is a function of the user that returns the queryset of choices, already narrowed by
access.scopes; the lookup endpoint and the form's validation use the same function, so a search
can offer nothing the form would not accept (forms may narrow further, never widen).

**Kept lists.** A source registered with `reach` and `version` keeps its lists in the cache: the
listing (whether it is searched, else every choice's value and label) under the source, the
form's narrowing, the language, the tables' version and the user's reach. Forms that leave the
choices to the source (no queryset of their own) then build its queryset only when it is needed
(validating a chosen value, listing afresh). What is chosen is always checked against the
database, never against a kept list (docs/architecture.md, "Kept choice lists").

This module is the mechanism only. The sources live with the data they offer, each app's
`lookups` module (organizations, people, development, branchlife) registering its own; the
pages app imports them all when Django starts, so the endpoint knows every source.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import Model, Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString
from django.utils.translation import get_language

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
    # Lists kept in the cache (see above): the user's reach, a key naming everything `choices`
    # reads of the user, and the version of the tables it reads (None: keep nothing now).
    reach: Callable[[Any], str] | None = None
    version: Callable[[], str | None] | None = None
    name: str = ""

    def kept_key(self, user: Any, narrowed: str) -> str | None:
        """The key the user's list is kept under, or None when it is not kept."""
        if self.reach is None or self.version is None:
            return None
        version = self.version()
        if version is None:
            return None
        return f"lookup:{self.name}:{narrowed}:{get_language()}:{version}:{self.reach(user)}"

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
    key: str,
    choices: Callable[[Any], QuerySet],
    search: tuple[str, ...],
    label=None,
    columns: tuple[str, ...] = (),
    *,
    reach: Callable[[Any], str] | None = None,
    version: Callable[[], str | None] | None = None,
) -> None:
    SOURCES[key] = Source(choices, search, label, columns, reach, version, key)


def list_max() -> int:
    return settings.DANGJIAN.get("LOOKUP_LIST_MAX", 100)


def keep_seconds() -> int:
    return settings.DANGJIAN.get("LOOKUP_KEEP_SECONDS", 600)


# A listing: whether the choices are searched, and if not, every choice as (value, label).
Listing = tuple[bool, list[tuple[Any, str]]]

# Kept lists' selects as rendered, in this process (LookupSelect.render): until then the
# options took 0.4–0.7 ms a list to write out again on every page.
MAX_RENDERED = 1024
_RENDERED: dict[tuple[Any, ...], tuple[float, SafeString]] = {}


class LookupSelect(forms.Select):
    template_name = "ui/widgets/lookup_select.html"

    def __init__(self, source: str, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.source = source
        self.searchable = False
        self.kept_key: str | None = None  # set by `use` for a kept list
        self.kept_for: Any = None  # the (lazy) queryset the kept list stands for

    def listing(self) -> Listing:
        """Whether the choices are searched (more than list_max(), counted without loading them:
        then only the chosen one is shown, with a search box), else all of them."""
        iterator = cast(ModelChoiceIterator, self.choices)  # what a ModelChoiceField gives its widget
        qs = iterator.queryset
        if qs[list_max() : list_max() + 1].exists():
            return True, []
        field = iterator.field
        return False, [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in self._labelled(qs)]

    def _labelled(self, qs: QuerySet) -> QuerySet:
        return SOURCES[self.source].labelled(qs)

    def kept_listing(self) -> Listing:
        queryset = cast(ModelChoiceIterator, self.choices).queryset
        if self.kept_key is None or queryset is not self.kept_for:
            return self.listing()  # not kept, or the form has since given the field a queryset of its own
        listing: Listing | None = cache.get(self.kept_key)
        if listing is None:
            listing = self.listing()
            cache.set(self.kept_key, listing, keep_seconds())
        return listing

    def optgroups(self, name: str, value: list[str], attrs: dict | None = None):
        iterator = cast(ModelChoiceIterator, self.choices)
        field = iterator.field
        self.searchable, listed = self.kept_listing()
        if self.searchable:
            chosen = [pk for pk in map(parse_id, value) if pk is not None]
            head = list(self._labelled(iterator.queryset).filter(pk__in=chosen)) if chosen else []
            listed = [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in head]
        options: list[tuple[Any, Any]] = [("", field.empty_label)] if field.empty_label is not None else []
        options += listed
        full, self.choices = self.choices, options
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = full

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        """A kept list's select is rendered once per process for each name, value and attributes:
        its HTML depends on nothing else (the key names the source, the form's narrowing, the
        language, the tables' version and the reach) but the field's empty choice, which two
        forms sharing a source and a name (the person and export filters' enterprise) differ in."""
        iterator = cast(ModelChoiceIterator, self.choices)
        if self.kept_key is None or iterator.queryset is not self.kept_for:
            return super().render(name, value, attrs, renderer)
        empty = iterator.field.empty_label
        key = (
            self.kept_key,
            None if empty is None else str(empty),
            name,
            repr(self.format_value(value)),
            repr(self.build_attrs(self.attrs, attrs)),
            renderer,
        )
        now = time.monotonic()
        hit = _RENDERED.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        html = super().render(name, value, attrs, renderer)
        if len(_RENDERED) >= MAX_RENDERED:
            _RENDERED.clear()
        _RENDERED[key] = (now + keep_seconds(), html)
        return html

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["searchable"] = self.searchable
        context["widget"]["source"] = self.source
        context["widget"]["empty_label"] = cast(ModelChoiceIterator, self.choices).field.empty_label or ""
        return context


def use(
    field: forms.Field,
    source: str,
    user: Any,
    queryset: QuerySet | None = None,
    *,
    narrow: Callable[[QuerySet], QuerySet] | None = None,
    narrowed: str = "",
) -> None:
    """Fill `field` (a form's ModelChoiceField, as `form.fields[name]` gives it) from `source`
    (or a narrower `queryset` of it) and make it searchable. A kept source's list is kept when
    the form gives no queryset: `narrow`, if given, narrows the source's choices, and `narrowed`
    must then name everything it depends on (it is part of the key)."""
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"a lookup source fills a ModelChoiceField, not {type(field).__name__}")
    widget = LookupSelect(source, attrs=field.widget.attrs)
    field.widget = widget
    src = SOURCES[source]
    kept_key = src.kept_key(user, narrowed) if queryset is None else None
    if kept_key is None:
        if queryset is None:
            queryset = src.choices(user) if narrow is None else narrow(src.choices(user))
        field.queryset = queryset  # also sets widget.choices
    else:
        # Built when first asked for: a kept list needs no queryset to be shown.
        def build() -> QuerySet:
            return src.choices(user) if narrow is None else narrow(src.choices(user))

        # What ModelChoiceField's queryset setter does, without evaluating the lazy object.
        field._queryset = widget.kept_for = SimpleLazyObject(build)  # type: ignore[attr-defined]
        widget.choices = cast(Any, field.choices)
        widget.kept_key = kept_key
    if src.label is not None:
        # Django's way to label one field's choices without a subclass; stubs see a method.
        field.label_from_instance = src.label  # type: ignore[method-assign, assignment]
