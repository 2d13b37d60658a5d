"""The JSON API under /api/v1/: session (browser, with CSRF) or bearer-token authentication,
one error shape, every list and object narrowed by access.scopes."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Router

from . import (
    appraisal,
    candidacies,
    dues,
    enterprises,
    errors,
    guidance,
    imports,
    indicators,
    meetings,
    organizations,
    people,
    production,
    ratings,
    selections,
    tokens,
    transfers,
    units,
)
from .auth import AUTH
from .docs import LocalSwagger, signed_in_only

api = NinjaAPI(
    title="Dangjian API",
    version="1",
    description=(
        "Authenticate with the browser session (send the CSRF token on writes) or with a personal "
        "access token: `Authorization: Bearer <token>`. Errors are `{code, message, errors?}`: 400 a "
        "request that cannot be read (a body that is not JSON, a form without its boundary, too many "
        "parameters, over the size limit), 401, 403, 404 (also a path naming no record the database "
        "could hold), 409, 422 (`errors` names the fields). Ids are whole numbers from 1 to "
        "9223372036854775807. `null` is accepted where a record may be without the value (text is "
        "then kept empty) and refused for required values; a PATCH leaves out what does not change. "
        "Times of day are Beijing time, `HH:MM` or `HH:MM:SS`, without a zone. Text may not hold the "
        "NUL character (U+0000): a body with one is a 422 naming the field. See docs/api.md."
    ),
    auth=AUTH,
    parser=errors.JsonParser(),
    docs=LocalSwagger(),
    docs_decorator=signed_in_only,
)
errors.install(api)

api.add_router("", organizations.router)
api.add_router("", enterprises.router)
api.add_router("", units.router)
api.add_router("", people.router)
api.add_router("", tokens.router)
api.add_router("", imports.router)
api.add_router("", candidacies.router)
api.add_router("", meetings.router)
api.add_router("", production.router)
api.add_router("", guidance.router)
api.add_router("", ratings.router)
api.add_router("", selections.router)
api.add_router("", indicators.router)
api.add_router("", transfers.router)
api.add_router("", dues.router)
api.add_router("", appraisal.router)

# Unknown paths under /api/v1/ answer in JSON too, not with the HTML error page. Added last so
# that it only catches what no other route does.
_fallback = Router()


@_fallback.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise Http404


api.add_router("", _fallback)
