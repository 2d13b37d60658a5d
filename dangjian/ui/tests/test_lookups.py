"""Searchable choice lists (ui.lookups): long lists become a search box, every source stays
inside the user's scope, and what a search offers is what the form accepts."""

import pytest
from django.urls import reverse

from dangjian.ui.lookups import SOURCES

B_NAMES = ("B公司", "B工人", "B党员", "B书记", "B缝纫")


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_no_source_offers_the_other_side(world, login, source):
    client = login(world.a.secretary)
    for text in ("", "B", "公司"):
        response = client.get(reverse("lookup"), {"source": source, "search": text})
        assert response.status_code == 200
        body = response.content.decode()
        assert not any(name in body for name in B_NAMES), (source, text, body)


def test_a_search_finds_by_name_and_keeps_the_blank_choice(world, login):
    client = login(world.county_admin)
    body = client.get(
        reverse("lookup"), {"source": "enterprise", "search": "A公", "empty": "任意企业"}
    ).content.decode()
    assert f'<option value="{world.a.enterprise.pk}">A公司</option>' in body
    assert "B公司" not in body
    assert body.startswith('<option value="">任意企业</option>')
    nothing = client.get(reverse("lookup"), {"source": "enterprise", "search": "没有这家"}).content.decode()
    assert "disabled" in nothing and "A公司" not in nothing


def test_an_unknown_source_is_not_found(world, login):
    assert login(world.a.secretary).get(reverse("lookup"), {"source": "user"}).status_code == 404


def test_short_lists_are_listed_and_long_ones_searched(world, login, settings):
    client = login(world.county_admin)
    page = client.get(reverse("people:list")).content.decode()
    assert f'<option value="{world.b.enterprise.pk}">B公司</option>' in page  # two enterprises: listed
    assert 'form="lookup-no-form"' not in page

    settings.DANGJIAN = {**settings.DANGJIAN, "LOOKUP_LIST_MAX": 1}
    page = client.get(reverse("people:list")).content.decode()
    assert 'form="lookup-no-form"' in page and '"source": "enterprise"' in page
    assert "B公司</option>" not in page  # not listed any more: searched

    chosen = client.get(reverse("people:list"), {"enterprise": world.b.enterprise.pk}).content.decode()
    assert f'<option value="{world.b.enterprise.pk}" selected>B公司</option>' in chosen  # the choice stays shown
    assert "B工人" in chosen and "A工人" not in chosen  # and it filters


def test_a_search_keeps_the_choice_already_made(world, login):
    client = login(world.county_admin)
    params = {"source": "enterprise", "search": "A公", "field": "enterprise", "enterprise": world.b.enterprise.pk}
    body = client.get(reverse("lookup"), params).content.decode()
    assert f'<option value="{world.b.enterprise.pk}" selected>B公司</option>' in body  # still chosen
    assert f'<option value="{world.a.enterprise.pk}">A公司</option>' in body  # and the match offered
    outsider = login(world.a.secretary).get(reverse("lookup"), params).content.decode()
    assert "B公司" not in outsider  # a chosen value outside the scope is not shown
