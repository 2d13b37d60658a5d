from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def choose_language(request) -> str:
    """Simplified Chinese unless the person chose otherwise: their saved choice, else the switch's
    cookie. Browsers' Accept-Language is honoured only for API clients, which have no switch."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in LANGUAGES:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in LANGUAGES:
        return cookie
    if request.path_info.startswith("/api/"):
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = choose_language(request)
        request.LANGUAGE_CODE = language
        # Scoped to the request, so no language leaks to the next one on this thread.
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response
