"""Reads for political birthdays: who celebrates in a period (the cohort), on a day (the daily
greetings), and what their cards say.

A member's political birthday is read from their open membership record (a transfer opens the
next record with the same admission and conversion dates), on the basis their organisation's
development settings give (admission by default, conversion where a committee chose that). An
organisation takes the settings of the nearest organisation up its tree that has its own, so a
subtree splits into the parts under each organisation with settings of its own: the query picks
each member's date with one CASE over those organisations' paths, deepest first. A cohort of 300
costs the same queries as a cohort of 3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, DateField, F, FilteredRelation, Q, QuerySet, When
from django.db.models.functions import ExtractDay, ExtractMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from dangjian import calendar
from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import CHANGE, MEMBERSHIP, VIEW, home_org, scope
from dangjian.development import services as development
from dangjian.organizations.models import Organization, OrgKind
from dangjian.organizations.selectors import nearest_settings, orgs_under, orgs_with_own, orgs_with_pks, visible_orgs
from dangjian.people.models import Person
from dangjian.people.selectors import open_memberships, party_members, people_with_pks
from dangjian.ui.todo import Todo

from . import rules
from .models import BirthdayConfig

# The organisations whose cohort a keeper is told of: the grassroots ones (branches and the like).
TODO_KINDS = [OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.ENTERPRISE_COMMITTEE]

_BASIS_FIELDS = {rules.ADMISSION: "open_membership__admitted_on", rules.CONVERSION: "open_membership__converted_on"}


# --- who may see what -----------------------------------------------------------------------


def cohort_orgs(user: User) -> QuerySet[Organization]:
    """The organisations whose cohort the user may open."""
    return visible_orgs(user, VIEW).order_by("path")


def default_org(user: User) -> Organization | None:
    """The organisation the user's party role is anchored on (a member's: their own)."""
    org: Organization | None = home_org(user, MEMBERSHIP, cohort_orgs(user))
    return org


# --- the members and the date each one celebrates --------------------------------------------


# --- the settings in force -------------------------------------------------------------------


def configs_for(orgs: Iterable[Organization]) -> dict[int, rules.Config]:
    """Each organisation's settings: those of the nearest organisation up its tree that has its
    own, else the defaults. One query for any number of organisations."""
    found = nearest_settings(orgs, BirthdayConfig)
    return {pk: rules.Config() if c is None else c.as_rules() for pk, c in found.items()}


def config_for(org: Organization) -> rules.Config:
    return configs_for([org])[org.pk]


def _bases(root: Organization | None) -> tuple[str, list[tuple[str, str]]]:
    """The basis in force at `root` (the defaults without one), and the organisations under it
    with settings of their own, each with its basis, deepest first. Two queries, whatever the
    size of the subtree."""
    own = orgs_with_own("development_config")
    if root is not None:
        own = own.filter(path__startswith=root.path).exclude(pk=root.pk)
    own_orgs = list(own.only("pk", "path"))
    configs = development.configs_for([*own_orgs, *([root] if root is not None else [])])
    root_basis = configs[root.pk].birthday_basis if root is not None else rules.ADMISSION
    anchors = sorted(((o.path, configs[o.pk].birthday_basis) for o in own_orgs), key=lambda a: -len(a[0]))
    return root_basis, anchors


def members_with_basis(root: Organization | None = None) -> QuerySet[Person]:
    """Party members (probationary and full, with an open membership) under `root` (everywhere:
    None), unscoped, each annotated with `basis`: the date their political birthday returns on.
    Members without one (a probationary member where it counts from conversion) are left out."""
    root_basis, anchors = _bases(root)
    qs = party_members()
    if root is not None:
        qs = qs.filter(party_org__in_ids=orgs_under(root.path))
    qs = qs.annotate(
        open_membership=FilteredRelation("memberships", condition=Q(memberships__ended_on__isnull=True))
    ).filter(open_membership__isnull=False)
    if any(basis != root_basis for _path, basis in anchors):
        basis: Any = Case(
            *[When(party_org__path__startswith=path, then=F(_BASIS_FIELDS[b])) for path, b in anchors],
            default=F(_BASIS_FIELDS[root_basis]),
            output_field=DateField(),
        )
    else:
        basis = F(_BASIS_FIELDS[root_basis])
    return qs.annotate(basis=basis).filter(basis__isnull=False)


def in_period(qs: QuerySet[Person], period: calendar.Period) -> QuerySet[Person]:
    """Those of `members_with_basis` whose anniversary falls in the period (not the first year)."""
    # In Q objects: the type checker cannot see `basis`, annotated by members_with_basis.
    return qs.annotate(basis_month=ExtractMonth("basis")).filter(
        Q(basis_month__in=period.months, basis__lt=dt.date(period.year, 1, 1))
    )


def on_day(qs: QuerySet[Person], day: dt.date) -> QuerySet[Person]:
    """Those of `members_with_basis` whose anniversary is `day` (a 29 February in 28 February of a
    common year)."""
    qs = qs.annotate(basis_month=ExtractMonth("basis"), basis_day=ExtractDay("basis"))
    same_day = Q()
    for month, month_day in calendar.anniversaries_on(day):
        same_day |= Q(basis_month=month, basis_day=month_day)
    return qs.filter(same_day & Q(basis__lt=dt.date(day.year, 1, 1)))


def cohort_people(org: Organization, on: dt.date) -> QuerySet[Person]:
    """The members under `org` (unscoped) whose anniversary falls in the cohort period, per the
    county's setting (month or quarter), that contains `on`: whom a collective celebration on
    that day invites. Each person carries `basis`, their political birthday."""
    period = calendar.period_of(on, config_for(org).period)
    return in_period(members_with_basis(org), period).order_by("name", "pk")


@dataclass(frozen=True)
class Celebrant:
    person: Person
    org: Organization
    basis: dt.date
    anniversary: dt.date
    years: int


def basis_of(member: Person) -> dt.date:
    """The political birthday `members_with_basis` annotated the member with."""
    return member.basis  # type: ignore[attr-defined,no-any-return]  # an annotation the stubs cannot see


def celebrants(people: Iterable[Person], year: int) -> list[Celebrant]:
    """Each person of a `members_with_basis` query with their anniversary and years in `year`,
    by date then name. Under a root every such member has a party organisation (the one whose
    card they get); one without (a stale cache) would have no card to celebrate with: left out."""
    rows = [
        Celebrant(p, org, basis, calendar.anniversary(basis, year), rules.years_in_party(basis, year))
        for p in people
        if (org := p.party_org) is not None
        for basis in [basis_of(p)]
    ]
    return sorted(rows, key=lambda c: (c.anniversary, c.person.name, c.person.pk))


def cohort(
    user: User, org: Organization, year: int, period_index: int, period_kind: str = calendar.MONTH
) -> list[Celebrant]:
    """The members under `org` the user may see whose anniversary falls in the period, with the
    date and the years in the party, by date then name."""
    period = calendar.Period(year, period_index, period_kind)
    people = card_people(user, in_period(members_with_basis(org), period)).select_related("party_org")
    return celebrants(people, year)


def card_people(user: User, people: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """Members whose political birthday the user may read: a political birthday is the date of
    a membership record, so it follows the records' scope, not the person's (an employer's HR
    sees its employees, not their party records)."""
    records = scope(user, open_memberships(), VIEW).values("person_id")
    return people_with_pks(records) if people is None else people.filter(pk__in=records)


def celebrant(person: Person, year: int) -> Celebrant | None:
    """One person's anniversary in `year`, if they celebrate one (a member, not in their first
    year, with a political birthday on their organisation's basis)."""
    if not person.party_org_id:
        return None
    root = orgs_with_pks([person.party_org_id]).get()
    found = members_with_basis(root).filter(pk=person.pk).select_related("party_org").first()
    if found is None or rules.years_in_party(basis_of(found), year) < 1:
        return None
    return celebrants([found], year)[0]


# --- what the cards say -----------------------------------------------------------------------


@dataclass(frozen=True)
class CardSettings:
    config: rules.Config
    issuer_zh: str
    issuer_en: str

    def issuer(self, language: str) -> str:
        return self.issuer_en if (language or "").lower().startswith("en") else self.issuer_zh


def card_settings(orgs: Iterable[Organization]) -> dict[int, CardSettings]:
    """Each organisation's greeting and the committee that issues its cards: the settings' own
    name, else the nearest county committee above it. Three queries for any number."""
    orgs = list({o.pk: o for o in orgs}.values())
    configs = configs_for(orgs)
    counties = {
        c.pk: c for c in orgs_with_pks({i for o in orgs for i in o.path_ids()}).filter(kind=OrgKind.COUNTY_COMMITTEE)
    }
    result: dict[int, CardSettings] = {}
    for org in orgs:
        config = configs[org.pk]
        county = next((counties[i] for i in reversed(org.path_ids()) if i in counties), None)
        zh = config.issuer_name or (county.name if county else "")
        en = config.issuer_name_en or (county.name_en if county and county.name_en else "") or zh
        result[org.pk] = CardSettings(config, zh, en)
    return result


# --- the to-do list (本月待办) --------------------------------------------------------------------

TODO_ORGS = 5


def todo(user: User, today: dt.date | None = None) -> list[Todo]:
    """For a branch's own officers (not a department above it): the members celebrating a
    political birthday in the current period, to greet (cards, the collective celebration)."""
    today = today or timezone.localdate()
    items: list[Todo] = []
    own = permissions.own_meeting_org_paths(user)
    kept = visible_orgs(user, CHANGE).filter(kind__in=TODO_KINDS, path__in=own).order_by("path")[:TODO_ORGS]
    for org in kept:
        period = calendar.period_of(today, config_for(org).period)
        n = len(cohort(user, org, period.year, period.index, period.kind))
        if n:
            items.append(
                Todo(
                    kind="birthdays",
                    title=ngettext(
                        "%(n)d member celebrates a political birthday this period: cards and the celebration",
                        "%(n)d members celebrate a political birthday this period: cards and the celebration",
                        n,
                    )
                    % {"n": n},
                    url=reverse("birthdays:cohort") + f"?org={org.pk}&year={period.year}&period={period.index}",
                    due_by=period.last_day,
                    detail=org.display_name,
                )
            )
    return items
