"""Interactive API docs served from our own static files: the platform runs on intranets
without internet access, so nothing may come from a CDN.

The docs page and the OpenAPI document are for signed-in users only: they map every operation
and field of a system that holds party members' personal data, which is no business of an
anonymous visitor (`manage.py export_openapi_schema` still writes the document without a
request, for tools such as schemathesis)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial, update_wrapper
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.errors import AuthenticationError
from ninja.openapi.docs import DocsBase
from ninja.openapi.views import openapi_json

from dangjian.access.services import AccountLocked

from .auth import token_auth
from .errors import account_locked_response, unauthenticated_response


class LocalSwagger(DocsBase):
    template = "api/docs.html"
    settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # Swagger UI would otherwise send the document to validator.swagger.io.
        "validatorUrl": None,
    }

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"api": api, "swagger_settings": json.dumps(settings)})


def signed_in_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja's `docs_decorator`, wrapped around both the docs page and the OpenAPI document.

    The document answers a browser session or a valid bearer token (an integration fetching the
    schema), a locked-out user's token with the API's 403, and anyone else with the API's own 401; the docs page, which only a browser opens,
    sends an anonymous visitor to the login page and back."""
    # ninja passes both views as functools.partial(view_function, api=api).
    document = view if isinstance(view, partial) and view.func is openapi_json else None

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if document is None:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            return redirect_to_login(request.get_full_path())
        try:
            # None without an Authorization header; a token that does not resolve is refused
            # outright, as on every other operation, whatever session cookie comes with it.
            if token_auth(request) is not None or request.user.is_authenticated:
                return view(request, *args, **kwargs)
        except AuthenticationError:
            pass
        except AccountLocked as locked:
            return account_locked_response(document.keywords["api"], request, locked)
        return unauthenticated_response(document.keywords["api"], request)

    return update_wrapper(wrapped, view)
