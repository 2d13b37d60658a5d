from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions import middleware as sessions_middleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from dangjian.busy import BUSY_MESSAGE, RETRY_AFTER_SECONDS, is_busy

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


# --- a busy database (dangjian/busy.py) -------------------------------------------------------


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 for a request whose write the database refused while other work held its lock: the
    API's error shape under /api/, else a page; both say to try again, and when (Retry-After).
    In the person's language, whichever middleware answers (the session's runs outside
    UserLanguageMiddleware)."""
    with translation.override(choose_language(request)):
        if request.path_info.startswith("/api/"):
            response: HttpResponse = JsonResponse({"code": "busy", "message": str(BUSY_MESSAGE)}, status=503)
        else:
            response = render(request, "ui/busy.html", {"message": BUSY_MESSAGE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class BusyDatabaseMiddleware:
    """A page whose write the database refused as busy answers 503 "try again", not 500. The
    write ran in its service's transaction, which rolled back whole. (The API answers its own
    errors: api.errors.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_response(request) if is_busy(exception) else None


class SessionMiddleware(sessions_middleware.SessionMiddleware):
    """Django's, with a session write the database refused as busy answered 503 "try again"
    rather than 500. Only the writes that change who is signed in get here: the others give way
    (access.sessions)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except Exception as exc:
            if not is_busy(exc):
                raise
            return busy_response(request)
