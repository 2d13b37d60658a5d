"""Choice lists that stay small at province scale.

A <select> of every enterprise, team or person in a prefecture's reach holds tens of thousands
of options: megabytes of HTML and most of a page's time (docs/benchmarks.md). A choice field
given a *source* here renders its options as usual while they are few (LOOKUP_LIST_MAX, 100),
and otherwise only the chosen one plus a search box that asks `/lookup?source=…&search=…` for
the first matches (htmx swaps them into the select; without JavaScript the form still submits).

A source is a function of the user that returns the queryset of choices, already narrowed by
access.scopes; the lookup endpoint and the form's validation use the same function, so a search
can offer nothing the form would not accept (forms may narrow further, never widen).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Model, Q, QuerySet

from dangjian.ids import parse_id

SEARCH_RESULTS = 50


@dataclass(frozen=True)
class Source:
    choices: Callable[[Any], QuerySet]
    search: tuple[str, ...]  # fields matched with icontains
    label: Callable[[Model], str] | None = None  # default: str(obj)

    def find(self, user: Any, text: str) -> QuerySet:
        qs = self.choices(user)
        text = text.replace("\x00", "").strip()
        if text:
            q = Q()
            for name in self.search:
                q |= Q(**{f"{name}__icontains": text})
            qs = qs.filter(q)
        return qs


SOURCES: dict[str, Source] = {}


def register(key: str, choices: Callable[[Any], QuerySet], search: tuple[str, ...], label=None) -> None:
    SOURCES[key] = Source(choices, search, label)


def list_max() -> int:
    return settings.DANGJIAN.get("LOOKUP_LIST_MAX", 100)


class LookupSelect(forms.Select):
    template_name = "ui/widgets/lookup_select.html"

    def __init__(self, source: str, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.source = source
        self.searchable = False

    def optgroups(self, name: str, value: list[str], attrs: dict | None = None):
        iterator = self.choices
        field = iterator.field
        qs = iterator.queryset
        # Whether there are more than list_max() choices, without loading them: then only the
        # chosen one is shown (and a search box).
        self.searchable = qs[list_max() : list_max() + 1].exists()
        if self.searchable:
            chosen = [pk for pk in map(parse_id, value) if pk is not None]
            head = list(qs.filter(pk__in=chosen)) if chosen else []
        else:
            head = list(qs)
        options = [("", field.empty_label)] if field.empty_label is not None else []
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
        context["widget"]["empty_label"] = self.choices.field.empty_label or ""
        return context


def use(field: forms.ModelChoiceField, source: str, user: Any, queryset: QuerySet | None = None) -> None:
    """Fill `field` from `source` (or a narrower `queryset` of it) and make it searchable."""
    widget = LookupSelect(source, attrs=field.widget.attrs)
    field.widget = widget
    src = SOURCES[source]
    field.queryset = src.choices(user) if queryset is None else queryset  # also sets widget.choices
    if src.label is not None:
        field.label_from_instance = src.label


# --- the sources ---------------------------------------------------------------------------------
# Imports are inside the functions: this module is imported by forms across the apps.

ORG_SEARCH = ("name", "name_en", "code")
ENTERPRISE_SEARCH = ("name", "name_en", "uscc")
TEAM_SEARCH = ("name", "enterprise__name", "parent__name")
PERSON_SEARCH = ("name", "name_latin")


def _orgs(user: Any, action: str = "view") -> QuerySet:
    from dangjian.organizations.models import OrgKind
    from dangjian.organizations.selectors import visible_orgs

    return visible_orgs(user, action).exclude(kind=OrgKind.PARTY_GROUP)


def _committees(user: Any) -> QuerySet:
    from dangjian.organizations.models import ROOT_KINDS, OrgKind

    return _orgs(user, "change").filter(kind__in=[*ROOT_KINDS, OrgKind.PARK_COMMITTEE])


def _party_units(user: Any) -> QuerySet:
    from dangjian.organizations.models import PARTY_UNIT_KINDS

    return _orgs(user).filter(kind__in=PARTY_UNIT_KINDS)


def _enterprises(user: Any) -> QuerySet:
    from dangjian.access.scopes import scope
    from dangjian.organizations.models import Enterprise

    return scope(user, Enterprise.objects.all())


def _teams(user: Any) -> QuerySet:
    from dangjian.access.scopes import scope
    from dangjian.organizations.models import ProductionUnit, UnitKind

    return scope(user, ProductionUnit.objects.filter(kind=UnitKind.TEAM)).select_related("enterprise")


def _team_label(team: Any) -> str:
    return f"{team.enterprise.display_name} · {team.display_name}"


def _employers(user: Any) -> QuerySet:
    from dangjian.people.forms import enterprises_for_people

    return enterprises_for_people(user)


def _employer_teams(user: Any) -> QuerySet:
    from dangjian.organizations.models import ProductionUnit, UnitKind

    return ProductionUnit.objects.filter(kind=UnitKind.TEAM, enterprise__in=_employers(user)).select_related(
        "enterprise"
    )


def _membership_orgs(user: Any) -> QuerySet:
    from dangjian.people.forms import membership_orgs

    return membership_orgs(user)


def _people(user: Any) -> QuerySet:
    from dangjian.people.selectors import visible_people

    return visible_people(user)


def _applicants(user: Any) -> QuerySet:
    from dangjian.development.selectors import applicable_people

    return applicable_people(user).select_related("employer")


def _application_orgs(user: Any) -> QuerySet:
    from dangjian.development.selectors import application_orgs

    return application_orgs(user)


def _person_at_work(p: Any) -> str:
    return f"{p.name} · {p.employer.display_name}" if p.employer_id else p.name


register("org", _orgs, ORG_SEARCH)
register("org.change", lambda user: _orgs(user, "change"), ORG_SEARCH)
register("org.committee", _committees, ORG_SEARCH)
register("org.party_unit", _party_units, ORG_SEARCH)
register("org.membership", _membership_orgs, ORG_SEARCH)
register("org.application", _application_orgs, ORG_SEARCH)
register("enterprise", _enterprises, ENTERPRISE_SEARCH)
register("enterprise.employer", _employers, ENTERPRISE_SEARCH)
register("team", _teams, TEAM_SEARCH, _team_label)
register("team.employer", _employer_teams, TEAM_SEARCH, _team_label)
register("person", _people, PERSON_SEARCH, _person_at_work)
register("person.applicant", _applicants, PERSON_SEARCH, _person_at_work)


def _meeting_orgs(user: Any) -> QuerySet:
    from dangjian.branchlife.selectors import meeting_orgs

    return meeting_orgs(user)


def _calendar_orgs(user: Any) -> QuerySet:
    from dangjian.branchlife.selectors import calendar_orgs

    return calendar_orgs(user)


register("org.meeting", _meeting_orgs, ORG_SEARCH)
register("org.calendar", _calendar_orgs, ORG_SEARCH)
