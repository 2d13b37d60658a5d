"""The error pages (400, 403, 404, 500, and a refused form's CSRF check), in the user's language
and the site's layout, each with a way back. A 403 says who may do what was refused
(access.permissions.Refused) and which roles the user holds; a 404 does not say whether the
thing exists outside the user's part of the tree (access.shortcuts answers both the same).

400 and 500 are drawn without the layout: the request may be unreadable, or the database the
reason for the error, and the layout reads the user and the menu from it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from dangjian.access.permissions import Refused, roles_held


def _back(request: HttpRequest) -> str:
    """The page the user came from, if it is this site's and not the refused page itself."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # a request whose host was refused (DisallowedHost): no way to tell
        return ""
    if not referer or not url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=False):
        return ""
    return "" if referer.endswith(request.get_full_path()) else referer


def _page(request: HttpRequest, status: int, context: dict[str, Any]) -> HttpResponse:
    return render(request, "errors/error.html", {"status": status, "back": _back(request), **context}, status=status)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    user: Any = getattr(request, "user", None)
    context: dict[str, Any] = {
        "title": _("You may not open this page"),
        "explanation": _("Your roles do not allow it."),
        "signed_in": bool(user and user.is_authenticated),
    }
    if isinstance(exception, Refused):
        context.update(message=exception.message, roles=exception.roles, admin_only=exception.admin_only)
    elif exception is not None and str(exception):
        context["message"] = str(exception)  # our own refusals say why; Django's say nothing
    if context["signed_in"]:
        context["held"] = roles_held(user)
    return _page(request, 403, context)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        {
            "title": _("Page not found"),
            "explanation": _(
                "The address may be mistyped, or what it showed was removed or lies outside your part "
                "of the organisation."
            ),
        },
    )


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(
        request,
        403,
        {
            "title": _("The form was not sent"),
            "explanation": _(
                "The page was open too long, or you signed in or out in another tab, so the form's "
                "security check failed. Nothing was saved. Go back, reload the page and send it again."
            ),
        },
    )


def _plain(request: HttpRequest, status: int, title: str, explanation: str) -> HttpResponse:
    template = loader.get_template("errors/plain.html")
    context = {
        "status": status,
        "title": title,
        "explanation": explanation,
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
    }
    return HttpResponse(template.render(context), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _plain(
        request,
        400,
        _("The request could not be read"),
        _("Your browser sent something the site cannot use. Go back to the home page and try again."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _plain(
        request,
        500,
        _("Something went wrong on our side"),
        _(
            "If you were saving something, it was not saved (a change is stored whole or not at all). "
            "Try again in a minute; if it keeps happening, tell your administrator the time below."
        ),
    )
