"""Ids the database cannot hold, and digits that are not ASCII, in a page's path or its filters:
a 404 or an invalid filter, never a server error.

An id is a whole number from 1 to 2**63 - 1 (dangjian/ids.py). Beyond it SQLite raises
OverflowError and PostgreSQL "bigint out of range"; str.isdigit() says yes to "²", which int()
then refuses. Each test here failed with a server error before the fix it names.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from dangjian.ids import IdConverter
from dangjian.testing.factories import UserFactory

HUGE = "99999999999999999999"  # beyond 64 bits
OVER = str(2**63)  # one past the largest id
# Values that must never be taken for an id.
NOT_IDS = (HUGE, OVER, "0", "²", "١٢", "１２")


def _patterns(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith(("admin/", "api/")):
                continue
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.pattern.converters


ROUTES = sorted({route for route, converters in _patterns(get_resolver().url_patterns) if converters})


def test_every_id_in_a_page_path_goes_through_the_id_converter():
    for route, converters in _patterns(get_resolver().url_patterns):
        for name, converter in converters.items():
            if name == "pk" or name.endswith("_pk"):
                assert isinstance(converter, IdConverter), f"{route}: use <id:{name}>"


@pytest.mark.parametrize("route", [r for r in ROUTES if "pk>" in r])
def test_a_path_id_beyond_the_database_is_404(world, login, route):
    client = login(world.county_admin)
    for value in (HUGE, OVER):
        url = "/" + re.sub(r"<id:\w*pk>|<int:\w*pk>", value, route)
        url = re.sub(r"<str:kind>", "org" if route.startswith("roles/") else "person", url)
        url = re.sub(r"<str:field>", "id_number", url)
        assert client.get(url).status_code in {404, 405}, url  # 405: a POST-only action
        assert client.post(url, {}).status_code == 404, url


@pytest.fixture
def member_user(world):
    return UserFactory(username="member_a", person=world.a.member)


# A filter that names nothing narrows to nothing, is shown as an invalid choice, or is 404 (a
# chosen organisation outside one's reach); an export says so and goes back to its list (302).
ANSWERS = {200, 302, 400, 404}
# Filters by id on list pages and downloads: each takes the values of NOT_IDS as "no such choice".
FILTERS = [
    ("/people/", "enterprise"),
    ("/people/", "team"),
    ("/people/", "organization"),
    ("/exports/people/", "enterprise"),
    ("/meetings/", "org"),
    ("/meetings/register/", "org"),  # POST: the register is a download
    ("/meetings/calendar/", "org"),
    ("/development/", "org"),
    ("/development/pipeline/", "org"),
    ("/birthdays/", "org"),
    ("/lookup", "source=team&field=team&team"),
]


@pytest.mark.parametrize(("path", "name"), FILTERS)
def test_a_filter_naming_an_id_the_database_cannot_hold_is_no_such_choice(world, login, path, name):
    client = login(world.county_admin)
    for value in NOT_IDS:
        response = _open(client, f"{path}?{name}={value}")
        assert response.status_code in ANSWERS, f"{path}?{name}={value}"


def _open(client, url):
    return client.post(url) if url.startswith("/meetings/register/") else client.get(url)


@pytest.mark.parametrize("path", ["/meetings/", "/meetings/calendar/", "/meetings/register/", "/birthdays/"])
def test_a_year_in_other_digits_is_ignored(world, login, path):
    client = login(world.county_admin)
    for value in ("²", "²⁰²⁶", "١٢", HUGE):
        assert _open(client, f"{path}?year={value}").status_code in ANSWERS, f"{path}?year={value}"


def test_the_people_list_says_which_filter_it_could_not_apply(world, login):
    response = login(world.county_admin).get(f"/people/?enterprise={HUGE}")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"enterprise"}


def test_a_plain_member_gets_no_server_error_either(world, login, member_user):
    client = login(member_user)
    for path, name in FILTERS:
        response = _open(client, f"{path}?{name}={HUGE}")
        assert response.status_code in ANSWERS | {403}, f"{path}?{name}={HUGE}"


def test_a_multiple_choice_of_ids_the_database_cannot_hold_is_invalid(world, login):
    """The cultivation contacts of step 5 (a multiple choice of people), sent with a number beyond
    64 bits: the form says the choice is not valid, nothing is recorded."""
    import datetime as dt

    from django.utils import timezone

    from dangjian.development import rules, services
    from dangjian.development.models import Step

    today = timezone.localdate()
    applied = rules.add_months(today, -9)
    candidacy = services.apply(actor=None, person=world.a.worker, organization=world.a.branch, applied_on=applied)
    for number, days in ((2, 10), (3, 20), (4, 25)):
        services.record_step(actor=None, candidacy=candidacy, number=number, done_on=applied + dt.timedelta(days=days))
    client = login(world.a.secretary)
    for value in (HUGE, OVER, "²"):
        response = client.post(
            f"/development/{candidacy.pk}/",
            {"step": 5, "done_on": (applied + dt.timedelta(days=25)).isoformat(), "contacts": [value]},
        )
        assert response.status_code in {200, 400}, value
        assert "contacts" in response.context["form"].errors
    assert not Step.objects.filter(candidacy=candidacy, number=5).exists()
