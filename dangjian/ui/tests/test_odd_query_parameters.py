"""Every list page, given odd query parameters, answers 200, 400, 404 or a redirect: never a
server error.

The pages are the ones test_every_url_is_scoped enumerates (a new list page joins this test when it
joins that one). The parameters are the page's own (the names of the fields its HTML offers) and
those lists commonly read, with what a hand-edited, truncated or tampered link brings: integers far
beyond 64 bits, negative numbers, unknown choices, wrong types, repeated keys, empty values, very
long strings and percent-encodings that are not UTF-8. Each page is tried as a powerful user (the
county organisation department) and as a plain party member, with a bounded number of examples.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.testing.urls import LIST_URLS, QUERY_URLS, SEARCH_URLS

PAGES = sorted(LIST_URLS | set(QUERY_URLS) | set(SEARCH_URLS))
# Names many lists read, whether or not the page shows a field for them.
COMMON_NAMES = ("page", "page_size", "sort", "q", "org", "organization", "enterprise", "team", "year", "period")
# A server error is the only wrong answer; 403 is a plain member on a page of a role they lack,
# 405 a POST-only action.
ANSWERS = {200, 204, 301, 302, 303, 400, 403, 404, 405}

HUGE = ("99999999999999999999", str(2**63), str(2**63 - 1), str(2**64), str(-(2**63) - 1), "1" * 400)
ODD_TEXT = ("", " ", "-1", "0", "1.5", "1e9", "-0", "NaN", "inf", "true", "null", "[]", "0x10", "١٢", "１２", "\u0000")
# Query-string fragments sent as they are: bytes that are not UTF-8, broken or truncated escapes.
RAW = ("%ff%fe", "%c3%28", "%e4%b8", "%", "%zz", "%00", "%2", "a%20b%")

values = st.one_of(
    st.sampled_from(HUGE + ODD_TEXT).map(lambda v: quote(v, safe="")),
    st.integers().map(str),
    st.text(max_size=30).map(lambda v: quote(v, safe="")),
    st.just("x" * 5000),
    st.sampled_from(RAW),
)


_names: dict[tuple[str, str], tuple[str, ...]] = {}


def _page_names(client, url: str, key: tuple[str, str]) -> tuple[str, ...]:
    """The names of the fields the page offers (its filters), and the common ones."""
    if key not in _names:
        response = client.get(url)
        html = response.content.decode(errors="replace") if response.status_code == 200 else ""
        found = set(re.findall(r'\bname="([^"]+)"', html)) - {"csrfmiddlewaretoken"}
        _names[key] = tuple(sorted(found | set(COMMON_NAMES)))
    return _names[key]


def _url(world, name: str) -> str:
    queries = {**QUERY_URLS, **SEARCH_URLS}
    return reverse(name) + (queries[name](world) if name in queries else "")


@pytest.mark.parametrize("role", ["powerful", "member"])
@pytest.mark.parametrize("page", PAGES)
@settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_odd_query_parameters_never_break_a_list(world, login, member_user, page, role, data):
    client = login(world.county_admin if role == "powerful" else member_user)
    url = _url(world, page)
    names = _page_names(client, url, (page, role))
    pairs = data.draw(
        st.lists(
            st.tuples(st.sampled_from(names) | st.text(min_size=1, max_size=8).map(quote), values),
            min_size=1,
            max_size=6,
        ),
        label="parameters",
    )
    # Repeated keys come from drawing the same name twice; the fixed parameters of a page come
    # first so that the odd ones can contradict them.
    query = "&".join(f"{key}={value}" for key, value in pairs)
    target = f"{url}&{query}" if "?" in url else f"{url}?{query}"
    response = client.get(target)
    assert response.status_code in ANSWERS, target


B_NAMES = ("B公司", "B工人", "B党员", "B书记")


@pytest.mark.parametrize("page", PAGES)
@settings(
    max_examples=3,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_odd_query_parameters_naming_the_other_side_never_show_it(world, login, page, data):
    """Filters set to B's organisation, enterprise, team or people, among odd values, show A's
    secretary nothing of B's."""
    client = login(world.a.secretary)
    url = _url(world, page)
    names = _page_names(client, url, (page, "secretary"))
    b_ids = [str(o.pk) for o in (world.b.branch, world.b.enterprise, world.b.team, world.b.worker, world.b.member)]
    pairs = data.draw(
        st.lists(st.tuples(st.sampled_from(names), st.sampled_from(b_ids) | values), min_size=1, max_size=4),
        label="parameters",
    )
    query = "&".join(f"{key}={value}" for key, value in pairs)
    response = client.get(f"{url}&{query}" if "?" in url else f"{url}?{query}")
    assert response.status_code in ANSWERS
    body = response.content.decode(errors="replace")
    assert not [name for name in B_NAMES if name in body], f"{page}?{query}"
