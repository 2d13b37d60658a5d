"""The OpenAPI document and the interactive docs: for signed-in users only, and working without
internet access."""

import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from dangjian.testing.api import API

ASSET = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def test_openapi_document_is_served_to_a_session(world, session_client):
    response = session_client(world.a.secretary).get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Dangjian API"
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_openapi_document_is_served_to_any_signed_in_token(api_as, member_user):
    response = api_as(member_user).get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Dangjian API"


def test_anonymous_gets_401_json_for_the_document(anonymous):
    response = anonymous.get(f"{API}/openapi.json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "paths" not in response.content.decode()


def test_an_unknown_token_gets_401_for_the_document(world, session_client):
    client = session_client(world.a.secretary, headers={"authorization": "Bearer dj_not-a-token"})
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_anonymous_is_sent_to_log_in_for_the_docs_page(anonymous):
    response = anonymous.get(f"{API}/docs")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/api/v1/docs"


def test_docs_page_loads_only_local_assets(world, session_client):
    response = session_client(world.a.secretary).get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = ASSET.findall(html)
    assert assets, "the docs page should load Swagger UI"
    assert all(
        url.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL)
        for url in assets
    ), assets
    assert "http://" not in html and "https://" not in html
    assert '"validatorUrl": null' in html  # no call to validator.swagger.io


def test_docs_assets_are_shipped_with_the_static_files():
    for name in ("ninja/swagger-ui.css", "ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/favicon.png"):
        assert finders.find(name), name


def test_the_schema_still_exports_without_a_request(db, tmp_path):
    out = tmp_path / "openapi.json"
    call_command("export_openapi_schema", "--api", "dangjian.api.api.api", "--output", str(out))
    assert '"Dangjian API"' in out.read_text()
