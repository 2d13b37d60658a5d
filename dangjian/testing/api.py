"""The API as an integration calls it: JSON bodies, personal access tokens, and the list of
operations in the OpenAPI document."""

from __future__ import annotations

from functools import partialmethod
from typing import Any

from django.test import Client

from dangjian.access import services as access_services
from dangjian.api.api import api

API = "/api/v1"


class JsonClient(Client):
    """Sends dict bodies as JSON."""

    # Client's own methods with another default content type (a caller may still pass one).
    post = partialmethod(Client.post, content_type="application/json")
    patch = partialmethod(Client.patch, content_type="application/json")


def token_for(user: Any, **kwargs: Any) -> str:
    _, raw = access_services.create_token(actor=None, user=user, name="test", **kwargs)
    return raw


def operations() -> list[tuple[str, str]]:
    """(method, path) of every operation in the OpenAPI document, the path without /api/v1."""
    schema = api.get_openapi_schema()
    return sorted(
        (method, path.removeprefix(API)) for path, operations in schema["paths"].items() for method in operations
    )
