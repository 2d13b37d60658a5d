"""Each list page offers its download, carrying the page's current filters."""

from __future__ import annotations

from django.urls import reverse


def test_people_list_offers_both_rosters_with_its_filters(world, login):
    client = login(world.a.secretary)
    body = client.get(reverse("people:list"), {"status": "members", "page": "1"}).content.decode()
    assert f'action="{reverse("exports:people")}?status=members"' in body
    assert f'action="{reverse("exports:members")}?status=members"' in body
    assert "csrfmiddlewaretoken" in body
    # The htmx partial that replaces the results carries the new filters.
    partial = client.get(
        reverse("people:list"), {"q": "工人"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    ).content.decode()
    assert f'action="{reverse("exports:people")}?q=%E5%B7%A5%E4%BA%BA"' in partial


def test_organisation_and_enterprise_pages_offer_theirs(world, login):
    client = login(world.a.manager)
    assert f'action="{reverse("exports:organizations")}"' in client.get(reverse("organizations:tree")).content.decode()
    body = client.get(reverse("organizations:enterprise_list"), {"ownership": "private"}).content.decode()
    assert f'action="{reverse("exports:enterprises")}?ownership=private"' in body
    body = client.get(reverse("organizations:enterprise_detail", args=[world.a.enterprise.pk])).content.decode()
    assert f'action="{reverse("exports:units")}?enterprise={world.a.enterprise.pk}"' in body


def test_the_other_side_is_offered_no_download_of_a(world, login):
    """B's manager cannot open A's enterprise page, so gets no button for A's units; B's own list
    offers the download of B's people only."""
    client = login(world.b.manager)
    response = client.get(reverse("organizations:enterprise_detail", args=[world.a.enterprise.pk]))
    assert response.status_code == 404
    assert f"enterprise={world.a.enterprise.pk}" not in response.content.decode()
    body = client.get(reverse("people:list")).content.decode()
    assert world.b.worker.name in body and world.a.worker.name not in body
