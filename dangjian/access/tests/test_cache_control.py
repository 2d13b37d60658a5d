"""No shared cache and no browser history keeps what a signed-in user was shown: every answer
Django gives (page, htmx partial, download, API) says `Cache-Control: private, no-store`, the
login page too; static files keep WhiteNoise's long-lived public caching."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils.cache import get_max_age

from dangjian.access import services as access_services

NO_STORE = {"private", "no-store"}


def directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_a_page_is_not_stored_and_still_varies_by_cookie(world, login):
    response = login(world.a.secretary).get(reverse("people:detail", args=[world.a.worker.pk]))
    assert response.status_code == 200
    assert NO_STORE <= directives(response)
    assert "public" not in directives(response)
    assert "Cookie" in response["Vary"]


def test_an_htmx_partial_is_not_stored(world, login):
    response = login(world.county_admin).get(
        reverse("lookup"), {"source": "enterprise", "search": "A公"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "A公司" in response.content.decode()
    assert NO_STORE <= directives(response)


def test_an_excel_download_is_not_stored(world, login):
    response = login(world.a.secretary).post(reverse("exports:people"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert NO_STORE <= directives(response)


def test_an_api_call_with_a_token_is_not_stored(world):
    _token, raw = access_services.create_token(actor=None, user=world.a.secretary, name="cache")
    response = Client(headers={"authorization": f"Bearer {raw}"}).get(f"/api/v1/people/{world.a.worker.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "A工人"
    assert NO_STORE <= directives(response)


def test_the_login_page_is_not_stored(db):
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert NO_STORE <= directives(response)


def test_a_redirect_to_the_login_page_is_not_stored(db):
    response = Client().get(reverse("home"))
    assert response.status_code == 302
    assert NO_STORE <= directives(response)


def test_static_files_keep_their_public_caching(db):
    response = Client().get("/static/ui/app.css")
    assert response.status_code == 200
    assert "no-store" not in directives(response) and "private" not in directives(response)
    assert "public" in directives(response)
    assert get_max_age(response) > 0
