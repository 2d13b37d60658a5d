"""Shared fixtures: two enterprises in one county, each with its own branch and secretary,
so every test can prove that one side cannot see the other (the healthchecks habit).

The apps' shared fixtures live in dangjian/testing/fixtures.py (API clients, uploads, exports,
a database of a test's own) and dangjian/testing/backups.py (instances of the platform in other
processes), registered here; builders are plain functions in dangjian/testing/."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.dues import builtin as dues_builtin
from dangjian.dues.models import RateBand
from dangjian.indicators import builtin as indicators_builtin
from dangjian.indicators.models import Indicator
from dangjian.organizations.models import Enterprise, Organization, OrgKind, ProductionUnit
from dangjian.people import services as people_services
from dangjian.people.models import Person
from dangjian.testing.factories import EnterpriseFactory, PersonFactory, UnitFactory, UserFactory, make_org

pytest_plugins = [
    "dangjian.testing.browser",
    "dangjian.testing.fixtures",
    "dangjian.testing.backups",
    "dangjian.testing.robots",
]


@dataclass
class Side:
    enterprise: Enterprise
    branch: Organization
    group: Organization
    workshop: ProductionUnit
    team: ProductionUnit
    member: Person
    worker: Person
    secretary: object  # User
    manager: object  # User


@dataclass
class World:
    prefecture: Organization
    county: Organization
    park: Organization
    county_admin: object
    a: Side
    b: Side
    outsider_county: Organization


def _side(park: Organization, label: str) -> Side:
    ent = EnterpriseFactory(name=f"{label}公司", supervising_org=park)
    branch = make_org(OrgKind.BRANCH, f"{label}公司党支部", park)
    ent.party_org = branch
    ent.save()
    group = make_org(OrgKind.PARTY_GROUP, f"{label}第一党小组", branch)
    workshop = UnitFactory(enterprise=ent, kind="workshop", name=f"{label}一车间")
    team = UnitFactory(enterprise=ent, kind="team", name=f"{label}缝纫一组", parent=workshop)
    member = PersonFactory(name=f"{label}党员", employer=ent, team=team)
    people_services.add_membership(
        actor=None,
        person=member,
        organization=branch,
        admitted_on=dt.date(2015, 7, 1),
        converted_on=dt.date(2016, 7, 1),
    )
    worker = PersonFactory(name=f"{label}工人", employer=ent, team=team)
    sec_person = PersonFactory(name=f"{label}书记", employer=ent)
    people_services.add_membership(
        actor=None,
        person=sec_person,
        organization=branch,
        admitted_on=dt.date(2010, 7, 1),
        converted_on=dt.date(2011, 7, 1),
    )
    secretary = UserFactory(username=f"secretary_{label.lower()}", person=sec_person)
    access_services.assign_role(actor=None, user=secretary, role=Role.SECRETARY, organization=branch)
    manager = UserFactory(username=f"manager_{label.lower()}")
    access_services.assign_role(actor=None, user=manager, role=Role.MANAGER, enterprise=ent)
    for p in (member, sec_person):
        p.refresh_from_db()
    return Side(ent, branch, group, workshop, team, member, worker, secretary, manager)


@pytest.fixture
def world(db) -> World:
    # Rows a migration installs, which a transactional test's flush drops (one query when present).
    indicators_builtin.install(Indicator)
    dues_builtin.install(RateBand)
    prefecture = make_org(OrgKind.PREFECTURE_COMMITTEE, "巴音郭楞州委", None, code="652800")
    county = make_org(OrgKind.COUNTY_COMMITTEE, "和静县委", prefecture, code="652827")
    other = make_org(OrgKind.COUNTY_COMMITTEE, "焉耆县委", prefecture, code="652826")
    park = make_org(OrgKind.PARK_COMMITTEE, "工业园区党委", county)
    county_admin = UserFactory(username="county_admin")
    access_services.assign_role(actor=None, user=county_admin, role=Role.ORG_DEPARTMENT, organization=county)
    return World(prefecture, county, park, county_admin, _side(park, "A"), _side(park, "B"), other)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _empty_cache():
    """Ids are reused once a test's transaction is rolled back; their cached job progress must
    not be."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
