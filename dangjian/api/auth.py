"""Who is calling: a browser session (with CSRF) or a personal access token.

Token clients come first so that an integration never meets the session's CSRF check; a request
that sends a bearer token which does not resolve is refused outright rather than falling back to
whatever session cookie it may also carry. A token of a user locked out after failed logins is
refused while the lockout lasts (403 "account_locked", access.services.login_lockout).
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils import translation
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from dangjian.access.models import User
from dangjian.access.services import AccountLocked, user_for_token

SESSION, TOKEN = "session", "token"


class ApiRequest(HttpRequest):
    """A request once an authenticator has let it in (for annotations: it is the same object)."""

    auth_method: str
    auth_user: User


def _signed_in(request: HttpRequest, method: str, user: User) -> None:
    api_request = cast(ApiRequest, request)
    api_request.auth_method, api_request.auth_user = method, user


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        try:
            user = user_for_token(token.strip()) if token.strip() else None
        except AccountLocked as locked:
            _speak_language_of(request, locked.user)  # the refusal is read by its owner
            raise
        if user is None:
            raise AuthenticationError()
        _speak_language_of(request, user)
        _signed_in(request, TOKEN, user)
        return user


def _speak_language_of(request: HttpRequest, user: User) -> None:
    # The saved language wins, as UserLanguageMiddleware does for sessions; without one,
    # LocaleMiddleware has already honoured Accept-Language.
    if user.language:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language


class SessionAuth(NinjaSessionAuth):
    """Django's session, CSRF-checked for unsafe methods.

    Anonymous callers are told to authenticate (401) before any CSRF complaint (403)."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        try:
            return super().__call__(request)
        except HttpError as exc:
            if exc.status_code == 403:
                raise CsrfFailed() from exc
            raise

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            _signed_in(request, SESSION, user)
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
AUTH = [token_auth, session_auth]


def actor(request: HttpRequest) -> User:
    """The authenticated user, whichever way they signed in (also on `request.auth_user`)."""
    return cast(ApiRequest, request).auth_user


def auth_method(request: HttpRequest) -> str | None:
    """How the request authenticated (SESSION or TOKEN); None before an authenticator ran."""
    return getattr(request, "auth_method", None)
