"""Every page, enumerated from the URL resolver, refuses objects outside the user's scope.

A new URL pattern fails this test until it is listed in dangjian/testing/urls.py with the object
of side B it takes, so no page can be added without proving that A's secretary cannot reach B's
data through it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.testing.urls import (
    BLANK_DOWNLOADS,
    LIST_URLS,
    OBJECT_URLS,
    PUBLIC_URLS,
    QUERY_URLS,
    SEARCH_URLS,
    all_url_names,
)


def test_every_url_is_listed_here():
    unlisted = (
        all_url_names()
        - set(OBJECT_URLS)
        - LIST_URLS
        - set(QUERY_URLS)
        - set(SEARCH_URLS)
        - PUBLIC_URLS
        - set(BLANK_DOWNLOADS)
    )
    assert not unlisted, f"add these URLs to the scope test: {sorted(unlisted)}"


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_other_enterprise_objects_are_not_found(world, login, name):
    client = login(world.a.secretary)
    url = reverse(name, kwargs=OBJECT_URLS[name](world))
    assert client.get(url).status_code in {404, 405}, url  # 405: a POST-only action
    assert client.post(url, {}).status_code == 404, url


@pytest.mark.parametrize("name", sorted(QUERY_URLS))
def test_creating_under_other_enterprise_is_not_found(world, login, name):
    client = login(world.a.secretary)
    url = reverse(name) + QUERY_URLS[name](world)
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "group", "name": "x"}).status_code == 404


@pytest.mark.parametrize("name", sorted(LIST_URLS))
def test_lists_never_show_the_other_enterprise(world, login, name):
    client = login(world.a.secretary)
    # Followed: a start page may send its reader on to their own (indicators:home, to A's figures).
    response = client.get(reverse(name), {"page_size": 500}, follow=True)
    assert response.status_code in {200, 204, 403, 405}
    body = response.content.decode()
    for text in ("B公司", "B工人", "B党员", "B书记"):
        assert text not in body, f"{name} shows {text}"


@pytest.mark.parametrize("name", sorted(SEARCH_URLS))
def test_searches_never_find_the_other_enterprise(world, login, name):
    response = login(world.a.secretary).get(reverse(name) + SEARCH_URLS[name](world))
    assert response.status_code == 200
    assert "A工人" in response.content.decode()  # the search itself works: A's worker matches
    for text in ("B公司", "B工人", "B党员", "B书记"):
        assert text not in response.content.decode()


@pytest.mark.parametrize("name", sorted(set(OBJECT_URLS) | LIST_URLS | set(QUERY_URLS) | set(SEARCH_URLS)))
def test_anonymous_is_sent_to_login(world, client, name):
    if name in OBJECT_URLS:
        url = reverse(name, kwargs=OBJECT_URLS[name](world))
    else:
        queries = {**QUERY_URLS, **SEARCH_URLS}
        url = reverse(name) + (queries[name](world) if name in queries else "")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("name", sorted(BLANK_DOWNLOADS))
def test_blank_downloads_hold_nobodys_data(world, login, client, name):
    import io

    import openpyxl

    url = reverse(name, kwargs=BLANK_DOWNLOADS[name])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    book = openpyxl.load_workbook(io.BytesIO(login(world.a.secretary).get(url).content))
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value}
    assert not any(name in text for text in cells for name in ("A公司", "B公司", "A工人", "B工人"))
