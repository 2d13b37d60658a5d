from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def choose_language(request: HttpRequest) -> str:
    """Simplified Chinese unless the person chose otherwise: their saved choice, else the switch's
    cookie. Browsers' Accept-Language is honoured only for API clients, which have no switch."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in LANGUAGES:
        return str(user.language)
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in LANGUAGES:
        return str(cookie)
    if request.path_info.startswith("/api/"):
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = choose_language(request)
        request.LANGUAGE_CODE = language
        # Scoped to the request, so no language leaks to the next one on this thread.
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreMiddleware:
    """`Cache-Control: private, no-store` on every answer Django gives: pages, htmx partials,
    downloads, the API and the login page. They show personal data to the person signed in,
    and a shared proxy or the next user of the same browser must not get them back from a cache
    (after logging out, "Back" fetches again and is sent to the login page). It is not limited
    to signed-in requests because an API token is only recognised inside the view, and nothing
    Django answers anonymously (the login page, redirects to it, errors) is worth caching.
    Static files never reach this middleware: WhiteNoise, placed before it, answers them with
    its own long-lived caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response["Cache-Control"] = "private, no-store"
        return response
