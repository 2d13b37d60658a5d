"""/dues: party dues (党费, DOMAIN.md §3) for integrations — a branch's monthly ledger, the unpaid
list, a member's dues and "paid up to", the rate bands; payments (in advance, 代缴), bases,
reductions and exemptions, voluntary payments, closing and reopening a month.

The same path as the pages: every write goes through dues.services, which audit and word a
refusal in the user's language (422). Dues are kept by a branch's officers and the organisation
departments above (permissions.may_keep_dues_of); a member reads their own. Money is a string of
yuan with two decimals ("12.34"). The base pay is individual income: it is given only to those
who keep the member's dues and to the member (`may_see_base_pay`). An organisation or member
outside the caller's reach answers as one that does not exist (404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal, get_args

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.shortcuts import get_in_scope, resolve_ref
from dangjian.dues import selectors, services
from dangjian.dues.models import Category, Payment, Relief
from dangjian.organizations.models import Organization
from dangjian.people import selectors as people
from dangjian.people.models import Person

from .auth import actor
from .errors import ERRORS
from .values import Id, Month

router = Router(tags=["dues"])

DuesCategory = Literal["employed", "retired", "farmer", "student", "unemployed", "relief"]
DuesStatus = Literal["paid", "unpaid", "exempt", "uncharged", "no_base"]
ReliefKind = Literal["reduced", "exempt"]
ReliefBody = Literal["committee", "general"]
assert set(get_args(DuesCategory)) == set(Category.values)
assert set(get_args(ReliefKind)) == set(Relief.Kind.values)
assert set(get_args(ReliefBody)) == set(Relief.Body.values)
Money = Annotated[Decimal, Field(max_digits=12, decimal_places=2)]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# --- schemas ---------------------------------------------------------------------------------------


class DuesLedgerRowOut(Schema):
    person_id: int
    name: str
    status: DuesStatus
    due: str | None
    paid: str | None
    paid_by_id: int | None
    relief: ReliefKind | None


class DuesLedgerOut(Schema):
    organization_id: int
    month: str
    closed: bool
    due: str
    paid: str
    rows: list[DuesLedgerRowOut]


class DuesUnpaidOut(Schema):
    person_id: int
    name: str
    organization: str
    months: int
    since: str
    owed: str


class DuesMonthOut(Schema):
    month: str
    category: DuesCategory
    due: str
    paid: str
    relief: ReliefKind | None
    paid_on: dt.date | None
    paid_by_id: int | None


class MemberDuesOut(Schema):
    person_id: int
    name: str
    paid_up_to: str | None
    base_pay: str | None = Field(None, description="Only to the member and those who keep their dues.")
    category: DuesCategory | None
    charges: list[DuesMonthOut]


class DuesBandOut(Schema):
    category: DuesCategory
    effective_from: dt.date
    up_to: str | None = Field(description="The band's top pay in yuan (inclusive); null for the top band.")
    rate: str | None = Field(description="A fraction of the base pay: 0.005 is the pages' 0.5%.")
    fixed: str | None
    fixed_max: str | None


class DuesPaymentIn(Schema):
    first_month: Month
    months: int = Field(1, ge=1, le=12)
    amount: Money | None = Field(None, description="If given, must be what the months are due.")
    paid_on: dt.date | None = None
    paid_by_id: Id | None = Field(None, description="Who paid on the member's behalf (代缴).")
    note: str = Field("", max_length=200)


class DuesPaymentOut(Schema):
    id: int
    amount: str
    first_month: str | None
    months: int
    to_centre: bool


class DuesVoluntaryIn(Schema):
    amount: Money
    paid_on: dt.date | None = None
    note: str = Field("", max_length=200)


class DuesBaseIn(Schema):
    month: Month
    category: DuesCategory = "employed"
    base_pay: Money | None = None
    chosen_amount: Money | None = None


class DuesReliefIn(Schema):
    kind: ReliefKind
    amount: Money | None = None
    first_month: Month
    last_month: Month
    reason: str = Field(max_length=300)
    approved_by: ReliefBody
    approved_on: dt.date


class DuesMonthIn(Schema):
    month: Month
    reason: str = Field("", max_length=300)


class DuesOrgMonthFilter(Schema):
    org: Id
    month: Month | None = None


# --- helpers ---------------------------------------------------------------------------------------


def _org(user: User, pk: int, *, keep: bool = False) -> Organization:
    org = selectors.dues_orgs(user).filter(pk=pk).first()
    if org is None:
        raise Http404
    if keep and not permissions.may_keep_dues_of(user, org):
        raise permissions.dues_keep_refused()
    return org


def _member(user: User, pk: int, *, keep: bool = False) -> tuple[Person, bool]:
    person = get_in_scope(user, people.all_people().select_related("party_org"), pk)
    org = person.party_org
    keeper = org is not None and permissions.may_keep_dues_of(user, org)
    if keep and not keeper:
        raise permissions.dues_keep_refused()
    if not (keeper or user.person_id == person.pk or (org is not None and permissions.may_see_dues_of(user, org))):
        raise permissions.dues_refused()
    return person, keeper


def _member_out(user: User, person: Person, reveal: bool = False) -> MemberDuesOut:
    base = selectors.member_bases(person, user).first()
    shown = reveal and base is not None and permissions.may_see_base_pay(user, base)
    if shown and base is not None:
        services.reveal_base(actor=user, base=base)
    return MemberDuesOut(
        person_id=person.pk,
        name=person.name,
        paid_up_to=(lambda d: f"{d:%Y-%m}" if d else None)(selectors.paid_up_to([person.pk]).get(person.pk)),
        base_pay=_money(base.pay) if shown and base is not None else None,
        category=base.category if base is not None else None,  # type: ignore[arg-type]  # a Category value
        charges=[
            DuesMonthOut(
                month=f"{c.month:%Y-%m}",
                category=c.category,  # type: ignore[arg-type]  # a Category value
                due=f"{c.due:.2f}",
                paid=f"{c.paid:.2f}",
                relief=c.relief.kind if c.relief else None,  # type: ignore[arg-type]  # a Relief.Kind value
                paid_on=c.payment.paid_on if c.payment else None,
                paid_by_id=c.payment.paid_by_id if c.payment else None,
            )
            for c in selectors.member_charges(person, user)[:120]
        ],
    )


# --- reads -----------------------------------------------------------------------------------------


@router.get("/dues/ledger", response={200: DuesLedgerOut, **ERRORS})
def ledger(request: HttpRequest, filters: Query[DuesOrgMonthFilter]) -> DuesLedgerOut:
    """A branch's (or a committee's whole subtree's) monthly ledger: one row per member."""
    user = actor(request)
    org = _org(user, filters.org)
    month = filters.month or selectors.this_month()
    rows = selectors.ledger(org, month)
    totals = selectors.totals(rows)
    return DuesLedgerOut(
        organization_id=org.pk,
        month=f"{month:%Y-%m}",
        closed=selectors.is_closed(org, month),
        due=f"{totals.due:.2f}",
        paid=f"{totals.paid:.2f}",
        rows=[
            DuesLedgerRowOut(
                person_id=r.person_id,
                name=r.name,
                status=r.status,  # type: ignore[arg-type]  # one of LedgerRow.status's values
                due=_money(r.due),
                paid=_money(r.paid),
                paid_by_id=r.paid_by_id,
                relief=r.relief,  # type: ignore[arg-type]  # a Relief.Kind value
            )
            for r in rows
        ],
    )


@router.get("/dues/unpaid", response={200: list[DuesUnpaidOut], **ERRORS})
def unpaid(request: HttpRequest, filters: Query[DuesOrgMonthFilter]) -> list[DuesUnpaidOut]:
    """The members with dues unpaid up to `month` (this month by default), owing longest first."""
    user = actor(request)
    org = _org(user, filters.org)
    month = filters.month or selectors.this_month()
    return [
        DuesUnpaidOut(
            person_id=u.person_id,
            name=u.name,
            organization=u.organization,
            months=u.months,
            since=f"{u.first:%Y-%m}",
            owed=f"{u.owed:.2f}",
        )
        for u in selectors.unpaid_list(org, month)
    ]


@router.get("/dues/bands", response={200: list[DuesBandOut], **ERRORS})
def bands(request: HttpRequest) -> list[DuesBandOut]:
    """The rate bands, every set with its effective date (the 2008 regulations' and any later)."""
    user = actor(request)
    if not permissions.may_see_dues(user):
        raise permissions.dues_refused()
    return [
        DuesBandOut(
            category=b.category,  # type: ignore[arg-type]  # a Category value
            effective_from=b.effective_from,
            up_to=_money(b.up_to),
            rate=None if b.rate is None else f"{b.rate.normalize():f}",
            fixed=_money(b.fixed),
            fixed_max=_money(b.fixed_max),
        )
        for b in selectors.bands()
    ]


@router.get("/dues/members/{id}", response={200: MemberDuesOut, **ERRORS})
def member(
    request: HttpRequest,
    id: Id,
    reveal: Annotated[
        Literal["base_pay"] | None,
        Query(description="`base_pay`: include the base pay in clear (to the member and their keepers); audited."),
    ] = None,
) -> MemberDuesOut:
    """A member's dues month by month and the month they are paid up to; the base pay only when
    asked for with `?reveal=base_pay` (the viewing is in the audit log)."""
    user = actor(request)
    person, _keeper = _member(user, id)
    return _member_out(user, person, reveal=reveal == "base_pay")


# --- writes ----------------------------------------------------------------------------------------


@router.post("/dues/members/{id}/payments", response={201: DuesPaymentOut, **ERRORS})
def pay(request: HttpRequest, id: Id, payload: DuesPaymentIn) -> Status:
    """The member's dues for one month or several (in advance), paid in full; `paid_by_id` for a
    payment made on their behalf (代缴)."""
    user = actor(request)
    person, _keeper = _member(user, id, keep=True)
    paid_by = resolve_ref(user, people.all_people(), payload.paid_by_id, "paid_by_id")
    payment = services.record_payment(
        actor=user,
        person=person,
        first_month=payload.first_month,
        months=payload.months,
        amount=payload.amount,
        paid_on=payload.paid_on,
        paid_by=paid_by,
        note=payload.note,
    )
    return Status(201, _payment_out(payment))


def _payment_out(payment: Payment) -> DuesPaymentOut:
    return DuesPaymentOut(
        id=payment.pk,
        amount=f"{payment.amount:.2f}",
        first_month=f"{payment.first_month:%Y-%m}" if payment.first_month else None,
        months=payment.months,
        to_centre=payment.to_centre,
    )


@router.post("/dues/members/{id}/voluntary", response={201: DuesPaymentOut, **ERRORS})
def voluntary(request: HttpRequest, id: Id, payload: DuesVoluntaryIn) -> Status:
    """A one-off voluntary payment; from 1000.00 yuan it goes wholly to the Central Committee."""
    user = actor(request)
    person, _keeper = _member(user, id, keep=True)
    payment = services.record_voluntary(
        actor=user, person=person, amount=payload.amount, paid_on=payload.paid_on, note=payload.note
    )
    return Status(201, _payment_out(payment))


@router.put("/dues/members/{id}/base", response={200: MemberDuesOut, **ERRORS})
def set_base(request: HttpRequest, id: Id, payload: DuesBaseIn) -> MemberDuesOut:
    """The member's base from a month on (a new wage applies from its month)."""
    user = actor(request)
    person, _keeper = _member(user, id, keep=True)
    services.set_base(
        actor=user,
        person=person,
        month=payload.month,
        category=payload.category,
        base_pay=payload.base_pay,
        chosen_amount=payload.chosen_amount,
        source="api",
    )
    return _member_out(user, person)


@router.post("/dues/members/{id}/reliefs", response={201: MemberDuesOut, **ERRORS})
def relief(request: HttpRequest, id: Id, payload: DuesReliefIn) -> Status:
    """A reduction or exemption for hardship, approved by the branch, with the reason."""
    user = actor(request)
    person, _keeper = _member(user, id, keep=True)
    services.grant_relief(
        actor=user,
        person=person,
        kind=payload.kind,
        amount=payload.amount,
        first_month=payload.first_month,
        last_month=payload.last_month,
        reason=payload.reason,
        approved_by=payload.approved_by,
        approved_on=payload.approved_on,
    )
    return Status(201, _member_out(user, person))


@router.post("/dues/organizations/{id}/close", response={204: None, **ERRORS})
def close(request: HttpRequest, id: Id, payload: DuesMonthIn) -> Status:
    """Close the organisation's month once its money is handed upward."""
    user = actor(request)
    org = _org(user, id, keep=True)
    services.close_month(actor=user, organization=org, month=payload.month)
    return Status(204, None)


@router.post("/dues/organizations/{id}/reopen", response={204: None, **ERRORS})
def reopen(request: HttpRequest, id: Id, payload: DuesMonthIn) -> Status:
    """Reopen a closed month for a correction, with the reason (kept in the audit log)."""
    user = actor(request)
    org = _org(user, id, keep=True)
    services.reopen_month(actor=user, organization=org, month=payload.month, reason=payload.reason)
    return Status(204, None)
