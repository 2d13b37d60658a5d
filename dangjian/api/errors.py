"""Every error the API returns has one JSON shape: {"code", "message", "errors"?}.

Messages follow the active language (the user's saved one, else Accept-Language). Field errors
from the request schema reuse Django's own wording, which Django already ships in zh-Hans.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core import signals
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

from dangjian.access.services import AccountLocked
from dangjian.busy import BUSY_MESSAGE, RETRY_AFTER_SECONDS, is_busy
from dangjian.text import NO_NUL, nul_at

from .auth import CsrfFailed

logger = logging.getLogger(__name__)


class NulInBody(ValueError):
    """A JSON body holds text with a NUL character, which PostgreSQL cannot store (dangjian/text.py);
    `path` leads to it. Raised by JsonParser; ninja wraps it in a 400, answered here as a 422."""

    def __init__(self, path: tuple[str, ...]) -> None:
        super().__init__(".".join(path))
        self.path = path


class JsonParser(Parser):
    """ninja's JSON reading, refusing a body whose text holds a NUL character before any schema or
    service sees it: on SQLite it would be stored, on PostgreSQL it would end in a server error."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = super().parse_body(request)
        path = nul_at(data)
        if path is not None:
            raise NulInBody(path)
        return data


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] | None = None


# Responses every authenticated operation may give, for the OpenAPI document. 400: a body that
# cannot be read, too many parameters, a request over the size limit — any operation, since the
# query string alone can do it. 503: the database was busy with other work (an import) and
# refused a write — any operation, since even a read may need one (a session's).
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    503: ErrorOut,
}

# Services report errors on model fields; clients send the *_id form of relations.
FIELD_ALIASES = {
    "parent": "parent_id",
    "employer": "employer_id",
    "team": "team_id",
    "supervising_org": "supervising_org_id",
    "party_org": "party_org_id",
    "organization": "organization_id",
    "enterprise": "enterprise_id",
}


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, errors: dict | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


def unauthenticated_response(api: NinjaAPI, request: HttpRequest) -> HttpResponse:
    """401 for a caller who is neither signed in nor sending a valid token."""
    response = error_response(
        api,
        request,
        401,
        "unauthenticated",
        _("Sign in, or send a valid API token in the header “Authorization: Bearer <token>”."),
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def account_locked_response(api: NinjaAPI, request: HttpRequest, exc: AccountLocked) -> HttpResponse:
    """403 for a token of a user locked out after failed logins, saying until when."""
    until = exc.lockout.until
    if until is None:
        message = _(
            "This account is locked after repeated failed logins, and its API tokens with it, until an "
            "administrator unlocks it."
        )
        errors = None
    else:
        local = timezone.localtime(until)
        message = _(
            "This account is locked after repeated failed logins, and its API tokens with it, until "
            "%(until)s (Beijing time). Try again then, or ask an administrator to unlock it."
        ) % {"until": local.strftime("%Y-%m-%d %H:%M")}
        errors = {"locked_until": [local.isoformat()]}
    response = error_response(api, request, 403, "account_locked", message, errors)
    if until is not None:
        response["Retry-After"] = str(max(1, math.ceil((until - timezone.now()).total_seconds())))
    return response


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind.startswith("date_") or kind == "date_type":
        return _("Enter a valid date.")
    if kind.startswith("datetime_") or kind == "datetime_type":
        return _("Enter a valid date/time.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind in {"enum", "literal_error"}:
        # ninja drops the input from errors (it may be sensitive), so name what is accepted.
        return _("Choose one of: %(expected)s.") % {"expected": ctx.get("expected", "")}
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return _("This field is required.")
        return _("Ensure this value has at least %(min)s characters.") % {"min": ctx.get("min_length")}
    if kind in {"string_too_long"}:
        return _("Ensure this value has at most %(max)s characters.") % {"max": ctx.get("max_length")}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge", ctx.get("gt"))
        }
    if kind in {"less_than_equal", "less_than"}:
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("le", ctx.get("lt"))
        }
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind == "local_time":
        return _("Enter a time of day as HH:MM or HH:MM:SS, Beijing time, without a time zone.")
    if kind == "month":
        return _("Enter a month as YYYY-MM, for example 2026-03.")
    if kind in {"decimal_parsing", "decimal_type"}:
        return _("Enter a number.")
    # Django's own wording of a DecimalField's limits (shipped in zh-Hans with Django).
    if kind == "decimal_max_digits":
        limit = int(ctx.get("max_digits", 0))
        return ngettext(
            "Ensure that there are no more than %(max)s digit in total.",
            "Ensure that there are no more than %(max)s digits in total.",
            limit,
        ) % {"max": limit}
    if kind == "decimal_max_places":
        limit = int(ctx.get("decimal_places", 0))
        return ngettext(
            "Ensure that there are no more than %(max)s decimal place.",
            "Ensure that there are no more than %(max)s decimal places.",
            limit,
        ) % {"max": limit}
    if kind == "decimal_whole_digits":
        limit = int(ctx.get("whole_digits", 0))
        return ngettext(
            "Ensure that there are no more than %(max)s digit before the decimal point.",
            "Ensure that there are no more than %(max)s digits before the decimal point.",
            limit,
        ) % {"max": limit}
    if kind in {"string_type", "model_attributes_type", "dict_type"}:
        return _("Enter a valid value.")
    return str(error.get("msg", _("Enter a valid value.")))


def _field_of(loc: list | tuple, param_names: set[str]) -> str:
    """("body", "payload", "name") → "name"; ("query", "kind") → "kind"."""
    parts = (
        [str(p) for p in loc[1:]]
        if loc and loc[0] in {"body", "query", "path", "header", "cookie", "form", "file"}
        else [str(p) for p in loc]
    )
    if len(parts) > 1 and parts[0] in param_names:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD_ERRORS


UNREADABLE_FORM = gettext_lazy("The uploaded form could not be read. Send it as multipart/form-data with its boundary.")
STALE_CSRF_TOKEN = gettext_lazy("The page's security token is missing or out of date. Reload the page and try again.")


def _answer_with(api: NinjaAPI, exc_class: type[Exception], status: int, code: str, message: Promise) -> None:
    """Answer every `exc_class` with one fixed error, its message in the caller's language."""

    def handler(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, status, code, str(message))

    api.exception_handler(exc_class)(handler)


def install(api: NinjaAPI) -> None:
    """Register the handlers on `api` (replacing ninja's {"detail": …} defaults)."""

    @api.exception_handler(DjangoValidationError)
    def django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = {FIELD_ALIASES.get(k, k): v for k, v in exc.message_dict.items()}
            general = errors.pop(NON_FIELD_ERRORS, [])
            message = " ".join(general) or _(
                "Some of the data sent is not valid. Correct the fields listed and try again."
            )
            return error_response(api, request, 422, "invalid", message, errors)
        return error_response(api, request, 422, "invalid", " ".join(exc.messages))

    @api.exception_handler(NinjaValidationError)
    def request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors):
            # A path that names no record the database could hold (an id out of range, not a
            # number) answers like any other record that does not exist.
            return not_found(request, exc)
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            field = _field_of(error.get("loc", ()), {"payload", "filters", "ninja_pagination"})
            errors.setdefault(field, []).append(_pydantic_message(error))
        general = errors.pop(NON_FIELD_ERRORS, [])
        message = " ".join(general) or _("Some of the data sent is not valid. Correct the fields listed and try again.")
        return error_response(api, request, 422, "invalid", message, errors)

    # One handler for both, registered by the decorator: add_exception_handler's annotation wants a
    # handler that takes the exception class as well as the exception, which ninja never passes.
    @api.exception_handler(Http404)
    @api.exception_handler(ObjectDoesNotExist)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        # The same answer whether the record does not exist or lies outside the caller's scope.
        return error_response(
            api, request, 404, "not_found", _("There is no such record, or you do not have access to it.")
        )

    @api.exception_handler(SuspiciousOperation)
    def bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS, ...),
        # which its handler would answer with a 400 page; here, in the API's shape.
        if isinstance(exc, RequestDataTooBig):
            message = _("The request is too large. Send less data at once.")
        else:
            message = _("The request could not be read: it has too many fields or parameters, or is malformed.")
        return error_response(api, request, 400, "bad_request", message)

    _answer_with(api, MultiPartParserError, 400, "bad_request", UNREADABLE_FORM)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or _("You can see this record but you may not do this to it.")
        return error_response(api, request, 403, "forbidden", message)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return unauthenticated_response(api, request)

    @api.exception_handler(AccountLocked)
    def account_locked(request: HttpRequest, exc: AccountLocked) -> HttpResponse:
        return account_locked_response(api, request, exc)

    _answer_with(api, CsrfFailed, 403, "csrf_failed", STALE_CSRF_TOKEN)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, NulInBody):
            field = ".".join(exc.__cause__.path) or NON_FIELD_ERRORS
            message = str(NO_NUL.message)
            return error_response(api, request, 422, "invalid", message, {field: [message]})
        if exc.status_code == 400:
            return error_response(
                api, request, 400, "bad_request", _("The request body could not be read. Send valid JSON.")
            )
        return error_response(api, request, exc.status_code, f"http_{exc.status_code}", str(exc))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Tell Django's usual listeners (error reporting; the test client re-raises from it),
        # then answer in JSON rather than with an HTML error page.
        logger.exception("Unhandled error in API call %s %s", request.method, request.path)
        signals.got_request_exception.send(sender=None, request=request)
        return error_response(
            api,
            request,
            500,
            "server_error",
            _("Something went wrong on our side. The error has been logged; please try again later."),
        )

    @api.exception_handler(DatabaseError)
    def database_error(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
        if not is_busy(exc):
            return server_error(request, exc)
        # The write ran in its service's transaction, which rolled back whole (dangjian/busy.py).
        response = error_response(api, request, 503, "busy", str(BUSY_MESSAGE))
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
