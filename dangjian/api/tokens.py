"""/tokens: the caller's own personal access tokens."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access import selectors, services

from .auth import TOKEN, actor, auth_method
from .common import Page
from .errors import ERRORS
from .values import Id

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    hint: str = Field(description="The first characters of the token, to recognise it.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    is_active: bool


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. It is shown only this once: store it now.")


class MeOut(Schema):
    id: int
    username: str
    language: str = Field(description="The user's chosen language; empty when the browser's is used.")
    auth: str = Field(description="How this request authenticated: session or token.")


class TokenIn(Schema):
    name: str = Field(max_length=100)
    expires_at: dt.datetime | None = None


@router.get("/me", response={200: MeOut, **ERRORS}, tags=["me"])
def me(request: HttpRequest) -> dict:
    """Who the caller is: check which user a token acts as. The cheapest authenticated answer
    of the API (the floor its benchmarks are measured against)."""
    user = actor(request)
    return {"id": user.pk, "username": user.username, "language": user.language, "auth": auth_method(request)}


@router.get("/tokens", response={200: list[TokenOut], **ERRORS})
@paginate(Page)
def list_tokens(request: HttpRequest) -> QuerySet:
    return selectors.tokens_of(actor(request))


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS})
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    if auth_method(request) == TOKEN:
        # A leaked token must not be able to mint itself successors.
        raise PermissionDenied(_("Create API tokens while signed in to the web pages, not with another token."))
    user = actor(request)
    token, raw = services.create_token(actor=user, user=user, name=payload.name, expires_at=payload.expires_at)
    data = TokenOut.from_orm(token).dict()
    data["token"] = raw
    return Status(201, data)


@router.delete("/tokens/{id}", response={204: None, **ERRORS})
def revoke_token(request: HttpRequest, id: Id) -> Status:
    user = actor(request)
    token = selectors.token_of(user, id)
    if token is None:
        raise Http404
    if token.revoked_at is None:
        services.revoke_token(actor=user, token=token)
    return Status(204, None)
