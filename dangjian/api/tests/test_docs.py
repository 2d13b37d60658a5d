"""The OpenAPI document and the interactive docs, which must work without internet access."""

import re

from django.conf import settings
from django.contrib.staticfiles import finders

from .conftest import API

ASSET = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def test_openapi_document_is_served(anonymous):
    response = anonymous.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Dangjian API"
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_docs_page_loads_only_local_assets(anonymous):
    response = anonymous.get(f"{API}/docs")
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
