"""/transfers: membership transfers (组织关系转接, DOMAIN.md §1) for integrations — letters between
branches of the platform (any county), to organisations outside it (the receipt recorded when it
comes back) and from them (registered, verified, the member placed).

The same path as the pages: every write goes through transfers.services, which validate, move the
membership through people.services, audit and word a refusal in the caller's language (422). A
letter is reached through its sending and its receiving organisation (access.scopes, resource
"transfer"): a receiving branch in another county reads the letter addressed to it and nothing
else of the sender. Which side may do what is asked of access.permissions (`may_act_as_sender`,
`may_act_as_receiver`, `may_issue_from`). A letter outside the caller's reach answers 404."""

import datetime as dt
from typing import Annotated, Literal, get_args

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import CHANGE, VIEW
from dangjian.access.shortcuts import get_in_scope, resolve_ref
from dangjian.people import selectors as people_selectors
from dangjian.transfers import selectors, services
from dangjian.transfers.models import Kind, MemberStatus, Transfer
from dangjian.transfers.models import Status as LetterStatus

from .auth import actor
from .common import Page
from .errors import ERRORS
from .values import Blankable, Id, Month

router = Router(tags=["transfers"])

# Literals, not the models' enum classes ("Status" and "Kind" are names other documents take).
TransferKind = Literal["internal", "outgoing", "incoming"]
TransferStatus = Literal["issued", "accepted", "returned", "cancelled", "receipted", "registered", "verified", "placed"]
TransferMemberStatus = Literal["probationary", "full"]
assert set(get_args(TransferKind)) == set(Kind.values)
assert set(get_args(TransferStatus)) == set(LetterStatus.values)
assert set(get_args(TransferMemberStatus)) == set(MemberStatus.values)


class TransferOut(Schema):
    id: int
    kind: TransferKind
    status: TransferStatus
    number: str = Field(
        description="Ours for the letters issued here (YYYY-org-count); the outside one's for incoming."
    )
    person_id: int | None = Field(description="null: an incoming letter not yet placed, or a stub past its retention.")
    person_name: str
    member_status: TransferMemberStatus | None
    from_org_id: int | None = Field(description="null: an incoming letter (see outside_org_name).")
    from_org_name: str
    to_org_id: int | None = Field(description="null: a letter out of the platform (see outside_org_name).")
    to_org_name: str
    outside_org_name: str
    issued_on: dt.date
    valid_until: dt.date
    expired: bool = Field(description="Issued, past its validity, not accepted.")
    dues_paid_to: str = Field(description="YYYY-MM, the last month whose dues are paid.")
    reason: str
    done_on: dt.date | None = Field(description="Accepted, returned, cancelled, receipted or placed on.")
    returned_reason: str
    cancelled_reason: str
    receipt_org_name: str
    verified_on: dt.date | None

    @staticmethod
    def resolve_member_status(obj: Transfer) -> str | None:
        return obj.member_status or None

    @staticmethod
    def resolve_from_org_name(obj: Transfer) -> str:
        return obj.sender_name

    @staticmethod
    def resolve_to_org_name(obj: Transfer) -> str:
        return obj.receiver_name

    @staticmethod
    def resolve_expired(obj: Transfer) -> bool:
        return obj.expired_on(timezone.localdate())

    @staticmethod
    def resolve_dues_paid_to(obj: Transfer) -> str:
        return f"{obj.dues_paid_to:%Y-%m}"


class TransferIssueIn(Schema):
    person_id: Id = Field(description="A party member of a branch whose letters you issue.")
    to_org_id: Id | None = Field(None, description="The receiving branch in the platform (any county).")
    outside_org_name: Blankable[str] = Field(
        "", max_length=200, description="Or the receiving organisation outside the platform."
    )
    issued_on: dt.date | None = Field(None, description="Default: today.")
    valid_until: dt.date | None = Field(None, description="Default: 30 days on; at least one day, at most 3 months.")
    dues_paid_to: Month | None = Field(
        None, description="YYYY-MM. Default: the month the dues ledger has them paid up to."
    )
    reason: Blankable[str] = Field("", max_length=300)


class TransferOnIn(Schema):
    on: dt.date | None = Field(None, description="Default: today.")


class TransferReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


class TransferReceiptIn(Schema):
    received_on: dt.date
    receipt_org_name: str = Field(min_length=1, max_length=200)


class TransferIncomingIn(Schema):
    to_org_id: Id = Field(description="The branch the letter is addressed to (one whose letters you keep).")
    outside_org_name: str = Field(min_length=1, max_length=200)
    number: str = Field(min_length=1, max_length=40)
    issued_on: dt.date
    valid_until: dt.date
    dues_paid_to: Month
    person_name: str = Field(min_length=1, max_length=100)
    gender: Literal["M", "F"]
    ethnicity: str = Field(min_length=2, max_length=2, description="GB 3304 code, e.g. 01 Han, 05 Uyghur.")
    birth_date: dt.date
    member_status: TransferMemberStatus
    admitted_on: dt.date
    converted_on: dt.date | None = None
    reason: Blankable[str] = Field("", max_length=300)


class TransferPlaceIn(Schema):
    id_number: str = Field(min_length=15, max_length=18)
    on: dt.date | None = None


def _visible(user: User) -> QuerySet[Transfer]:
    return selectors.visible_transfers(user)


def _letter(user: User, pk: int, action: str = VIEW) -> Transfer:
    return get_in_scope(user, _visible(user), pk, action)


def _as_sender(user: User, pk: int) -> Transfer:
    t = _letter(user, pk, CHANGE)
    if not permissions.may_act_as_sender(user, t):
        raise permissions.sender_refused()
    return t


def _as_receiver(user: User, pk: int) -> Transfer:
    t = _letter(user, pk, CHANGE)
    if not permissions.may_act_as_receiver(user, t):
        raise permissions.receiver_refused()
    return t


@router.get("/transfers", response={200: list[TransferOut], **ERRORS})
@paginate(Page)
def list_transfers(
    request: HttpRequest,
    kind: Annotated[TransferKind | None, Query()] = None,
    status: Annotated[TransferStatus | Literal["open", "expired"] | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> QuerySet[Transfer]:
    """The letters the caller reads (sent or received by their organisations), newest first;
    status "open" for those waiting on the other side, "expired" for those past validity."""
    user = actor(request)
    if not permissions.may_see_transfers(user):
        raise permissions.transfers_refused()
    data = {"kind": kind, "status": status, "q": q}
    return selectors.county_list(selectors.filter_transfers(_visible(user), data, timezone.localdate()))


# Before /transfers/{id}: its path would take "incoming" for an id.
@router.post("/transfers/incoming", response={201: TransferOut, **ERRORS})
def register_incoming(request: HttpRequest, payload: TransferIncomingIn) -> Status:
    """Register a letter received from an organisation outside the platform."""
    user = actor(request)
    to_org = permissions.transfer_orgs(user, selectors.receiving_units()).filter(pk=payload.to_org_id).first()
    if to_org is None:
        raise ValidationError({"to_org_id": [_("Choose a branch whose letters you keep.")]})
    data = payload.dict(exclude={"to_org_id"})
    t = services.register_incoming(actor=user, to_org=to_org, **data)
    return Status(201, t)


@router.get("/transfers/{id}", response={200: TransferOut, **ERRORS})
def get_transfer(request: HttpRequest, id: Id) -> Transfer:
    return _letter(actor(request), id)


@router.post("/transfers", response={201: TransferOut, **ERRORS})
def issue(request: HttpRequest, payload: TransferIssueIn) -> Status:
    """Issue a letter for a member: to a branch in the platform (to_org_id) or an organisation
    outside it (outside_org_name). The member stays with the sender until it is accepted."""
    user = actor(request)
    person = resolve_ref(user, people_selectors.all_people(), payload.person_id, "person_id")
    membership = people_selectors.open_membership_of(person)
    if membership is None or not permissions.may_issue_from(user, membership.organization):
        raise permissions.sender_refused()
    to_org = None
    if payload.to_org_id is not None:
        to_org = selectors.receiving_units().filter(pk=payload.to_org_id).first()
        if to_org is None:
            raise ValidationError({"to_org_id": [_("There is no branch with this id in the platform.")]})
    t = services.issue(
        actor=user,
        person=person,
        to_org=to_org,
        outside_org_name=payload.outside_org_name,
        issued_on=payload.issued_on,
        valid_until=payload.valid_until,
        dues_paid_to=payload.dues_paid_to,
        reason=payload.reason,
    )
    return Status(201, t)


@router.post("/transfers/{id}/accept", response={200: TransferOut, **ERRORS})
def accept(request: HttpRequest, id: Id, payload: TransferOnIn) -> Transfer:
    """The receiving branch accepts: the membership moves, joined on the day of acceptance."""
    user = actor(request)
    return services.accept(actor=user, transfer=_as_receiver(user, id), on=payload.on)


@router.post("/transfers/{id}/return", response={200: TransferOut, **ERRORS})
def return_letter(request: HttpRequest, id: Id, payload: TransferReasonIn) -> Transfer:
    """The receiving branch returns the letter with its reason; the member stays."""
    user = actor(request)
    return services.return_letter(actor=user, transfer=_as_receiver(user, id), reason=payload.reason)


@router.post("/transfers/{id}/cancel", response={200: TransferOut, **ERRORS})
def cancel(request: HttpRequest, id: Id, payload: TransferReasonIn) -> Transfer:
    """The sending branch cancels a letter issued by mistake; the member stays."""
    user = actor(request)
    return services.cancel(actor=user, transfer=_as_sender(user, id), reason=payload.reason)


@router.post("/transfers/{id}/receipt", response={200: TransferOut, **ERRORS})
def receipt(request: HttpRequest, id: Id, payload: TransferReceiptIn) -> Transfer:
    """The receipt of a letter out of the platform came back: the membership here ends."""
    user = actor(request)
    return services.record_receipt(
        actor=user,
        transfer=_as_sender(user, id),
        received_on=payload.received_on,
        receipt_org_name=payload.receipt_org_name,
    )


@router.post("/transfers/{id}/verify", response={200: TransferOut, **ERRORS})
def verify(request: HttpRequest, id: Id) -> Transfer:
    user = actor(request)
    return services.verify_incoming(actor=user, transfer=_as_receiver(user, id))


@router.post("/transfers/{id}/place", response={200: TransferOut, **ERRORS})
def place(request: HttpRequest, id: Id, payload: TransferPlaceIn) -> Transfer:
    """Place the member of a verified incoming letter: their record found by ID number among the
    people you may see, or created."""
    user = actor(request)
    return services.place_incoming(
        actor=user, transfer=_as_receiver(user, id), id_number=payload.id_number, on=payload.on
    )
