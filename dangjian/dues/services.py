"""Every write of the dues: validate → change → audit, in one transaction each.

A refused write raises ValidationError with a message in the user's language and writes
nothing (the transaction). Months are first days; money is Decimal yuan to the fen."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access import permissions
from dangjian.access import selectors as access_selectors
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.calendar import add_months, period_of
from dangjian.jobs.services import Output, record_export
from dangjian.notifications import services as notifications
from dangjian.notifications.models import Kind
from dangjian.organizations.models import Organization
from dangjian.people import selectors as people
from dangjian.people.models import Person

from . import rules
from . import selectors as dues_selectors
from .models import Category, Charge, ClosedMonth, DuesBase, Handover, Payment, RateBand, Relief

if TYPE_CHECKING:
    from dangjian.access.models import User

MAX_BASE = Decimal("10000000.00")


# --- helpers ----------------------------------------------------------------------------------


def _money(value: Any, label: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").replace("¥", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(field)s is not an amount of money.") % {"field": label}) from None
    if not amount.is_finite():
        raise ValidationError(_("%(field)s is not an amount of money.") % {"field": label})
    if amount != amount.quantize(rules.FEN):
        raise ValidationError(_("%(field)s is money: at most two decimals (fen).") % {"field": label})
    return amount.quantize(rules.FEN)


def closed_month_of(org: Organization, month: dt.date) -> ClosedMonth | None:
    """The closure covering `org` in `month`: its own, or of an organisation above it (a branch
    closes its party groups' months too)."""
    return (
        ClosedMonth.objects.filter(
            organization_id__in=org.path_ids(), month=rules.month_of(month), reopened_at__isnull=True
        )
        .select_related("organization")
        .first()
    )


def _refuse_closed(org: Organization, month: dt.date) -> None:
    closed = closed_month_of(org, month)
    if closed is not None:
        raise ValidationError(
            _("%(month)s is closed for %(org)s: reopen the month, with a reason, before changing it.")
            % {"month": f"{closed.month:%Y-%m}", "org": closed.organization.name}
        )


def _refuse_not_kept(actor: User | None, org: Organization, month: dt.date) -> None:
    """A month is written in the books of the organisation the member belonged to then: only those
    who keep that organisation's dues change it (a member who moved on is not their new branch's
    to rewrite for the months before). The system (no actor) writes anywhere."""
    if actor is not None and not permissions.may_keep_dues_of(actor, org):
        raise ValidationError(
            _(
                "%(month)s belongs to the books of %(org)s, where the member was then: ask that "
                "organisation's dues keepers to change it."
            )
            % {"month": f"{month:%Y-%m}", "org": org.name}
        )


def admission_month(person_id: int) -> dt.date | None:
    """The month the person was admitted as a probationary member (their first membership)."""
    first = (
        people.memberships_where(Q(person_id=person_id)).order_by("admitted_on").values_list("admitted_on", flat=True)
    ).first()
    return rules.month_of(first) if first else None


def _refuse_before_admission(person: Person, month: dt.date) -> dt.date:
    admitted = admission_month(person.pk)
    if admitted is None:
        raise ValidationError(_("%(name)s has no membership record: no dues are charged.") % {"name": person.name})
    if rules.month_of(month) < admitted:
        raise ValidationError(
            _("%(name)s was admitted in %(admitted)s: no dues are charged for %(month)s.")
            % {"name": person.name, "admitted": f"{admitted:%Y-%m}", "month": f"{month:%Y-%m}"}
        )
    return admitted


def all_bands() -> list[RateBand]:
    return list(RateBand.objects.all())


def _base_for(bases: Sequence[DuesBase], month: dt.date) -> DuesBase | None:
    """The base in effect in `month`: the latest from that month or before (`bases` newest first)."""
    return next((b for b in bases if b.month <= month), None)


def _reliefs_for(reliefs: Sequence[Relief], month: dt.date) -> Relief | None:
    return next((r for r in reliefs if r.first_month <= month <= r.last_month), None)


def _price(
    bands: Sequence[RateBand], base: DuesBase, relief: Relief | None, month: dt.date
) -> tuple[RateBand, Decimal, Decimal]:
    try:
        band = rules.band_for(bands, base.category, month, base.pay)
    except rules.NoBand:
        raise ValidationError(
            _("No rate band for “%(category)s” is in effect in %(month)s.")
            % {"category": Category(base.category).label, "month": f"{month:%Y-%m}"}
        ) from None
    assert isinstance(band, RateBand)  # band_for returns one of the rows handed in
    regular = rules.amount_due(band, base.pay, base.chosen_amount)
    due = rules.after_relief(regular, relief.kind if relief else None, relief.amount if relief else None)
    return band, regular, due


def _in_org_during(person: Person, first: dt.date, last: dt.date) -> Q:
    """The person's membership records open during the months `first`..`last`: from the day they
    joined that organisation (a transfer's record keeps the admission date) to the day it ended."""
    end = period_of(last).last_day
    return (
        Q(person_id=person.pk, admitted_on__lte=end)
        & (Q(joined_org_on__isnull=True) | Q(joined_org_on__lte=end))
        & (Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    )


def _member_org(person: Person, month: dt.date) -> Organization | None:
    """The organisation the person was a member of in `month` (their record there; in the month
    they moved, the one they moved to)."""
    m = (
        people.memberships_where(_in_org_during(person, month, month))
        .select_related("organization")
        .order_by(Coalesce("joined_org_on", "admitted_on").desc(), "-pk")
        .first()
    )
    return m.organization if m is not None else None


def _orgs_during(person: Person, first: dt.date, last: dt.date) -> list[tuple[dt.date, Organization]]:
    """Each organisation the person was a member of during the months `first`..`last`, with the
    first of those months they were there (one query)."""
    rows = people.memberships_where(_in_org_during(person, first, last)).select_related("organization")
    return [(max(first, rules.month_of(m.joined_org_on or m.admitted_on)), m.organization) for m in rows]


# --- bases ------------------------------------------------------------------------------------


def validated_base(
    *, person: Person, month: dt.date, category: str, base_pay: Any = None, chosen_amount: Any = None
) -> tuple[Organization, Decimal | None, Decimal | None]:
    """A base as `set_base` would store it — (the member's organisation that month, the pay, the
    chosen amount) — or the ValidationError it would raise (the payroll import's check)."""
    month = rules.month_of(month)
    if category not in Category.values:
        raise ValidationError(_("Choose a category."))
    _refuse_before_admission(person, month)
    org = _member_org(person, month)
    if org is None:
        raise ValidationError(
            _("%(name)s was not a member in %(month)s.") % {"name": person.name, "month": f"{month:%Y-%m}"}
        )
    _refuse_closed(org, month)
    pay: Decimal | None = None
    if category not in rules.FIXED_CATEGORIES:
        if base_pay in (None, ""):
            raise ValidationError(_("Enter the monthly base pay (after tax)."))
        pay = _money(base_pay, _("The base pay"))
        if pay < 0 or pay > MAX_BASE:
            raise ValidationError(_("The base pay cannot be negative or above ten million yuan."))
    chosen = _money(chosen_amount, _("The chosen amount")) if chosen_amount not in (None, "") else None
    if chosen is not None and chosen <= 0:
        raise ValidationError(_("The chosen amount must be more than nothing."))
    return org, pay, chosen


def reveal_base(*, actor: User, base: DuesBase) -> Decimal | None:
    """A base's pay in clear, and the audit event that this user saw it (the caller checks
    REVEAL: access.permissions.may_see_base_pay)."""
    audit.record(actor=actor, action=Action.REVEAL, obj=base, changes={"field": "base_pay"})
    return base.pay


@audit.write_transaction
def set_base(
    *,
    actor: User | None,
    person: Person,
    month: dt.date,
    category: str,
    base_pay: Any = None,
    chosen_amount: Any = None,
    source: str = "form",
) -> DuesBase:
    """A member's base from `month` on (a new wage applies from its month). Charges of open
    months from then on that are still unpaid are charged again with it."""
    month = rules.month_of(month)
    org, pay, chosen = validated_base(
        person=person, month=month, category=category, base_pay=base_pay, chosen_amount=chosen_amount
    )
    _refuse_not_kept(actor, org, month)
    text = f"{pay:.2f}" if pay is not None else ""
    base = DuesBase.objects.filter(person=person, month=month).first()
    if base is None:
        base = DuesBase(person=person, organization=org, month=month)
        before = None
    else:
        before = audit.snapshot(base)
    base.category, base.base_pay, base.chosen_amount, base.source = category, text, chosen, source
    base.organization = org
    base.full_clean()
    base.save()
    if before is None:
        audit.record_create(actor, base)
    else:
        audit.record_update(actor, base, before)
    _recharge(actor, person, month)
    return base


def _recharge(actor: User | None, person: Person, since: dt.date) -> None:
    """Charge again, with the bases and reliefs as they are now, the person's unpaid charges of
    open months from `since` on. Paid or closed months stay as they were charged."""
    charges = [
        c
        for c in Charge.objects.filter(person=person, month__gte=since, paid=0).select_related("organization")
        if closed_month_of(c.organization, c.month) is None
    ]
    if not charges:
        return
    bands = all_bands()
    bases = list(DuesBase.objects.filter(person=person).order_by("-month"))
    reliefs = list(Relief.objects.filter(person=person).order_by("-first_month"))
    for charge in charges:
        base = _base_for(bases, charge.month)
        if base is None:
            continue
        relief = _reliefs_for(reliefs, charge.month)
        band, regular, due = _price(bands, base, relief, charge.month)
        audit.update_model(
            actor=actor,
            instance=charge,
            data={"band": band, "category": base.category, "regular": regular, "due": due, "relief": relief},
            clean=False,
        )


# --- charging a month -------------------------------------------------------------------------


def _members_in(org: Organization, month: dt.date) -> list[tuple[int, int]]:
    """(person, organisation) of the members of `org`'s subtree during `month`, admitted by its end."""
    end = period_of(month).last_day
    rows = people.memberships_where(
        Q(organization__path__startswith=org.path, admitted_on__lte=end)
        & (Q(ended_on__isnull=True) | Q(ended_on__gte=month))
    ).values_list("person_id", "organization_id")
    return list(dict(rows).items())


class Charged(int):
    """How many members `charge_month` charged; `skipped`: the members left uncharged because
    their own organisation's month is closed (its keepers reopen it to charge them)."""

    skipped: int = 0

    @classmethod
    def of(cls, charged: int, skipped: int) -> Charged:
        out = cls(charged)
        out.skipped = skipped
        return out


def _closed_orgs(org_ids: Iterable[int], month: dt.date) -> set[int]:
    """Those of the organisations whose `month` is closed, by themselves or by one above them."""
    closed = set(
        ClosedMonth.objects.filter(month=month, reopened_at__isnull=True).values_list("organization_id", flat=True)
    )
    if not closed:
        return set()
    return {o.pk for o in Organization.objects.filter(pk__in=set(org_ids)) if closed & set(o.path_ids())}


@audit.write_transaction
def charge_month(*, actor: User | None, organization: Organization, month: dt.date) -> Charged:
    """Charge `month` to every member of the organisation's subtree who has a base and is not yet
    charged: the amount due with the band in effect that month, stored with the band (a later
    band never rewrites it). Probationary members pay from their month of admission. Returns how
    many were charged; members without a base are left for the ledger to show, and members whose
    own organisation's month is closed are skipped (`Charged.skipped`)."""
    month = rules.month_of(month)
    _refuse_closed(organization, month)
    members = _members_in(organization, month)
    if not members:
        return Charged.of(0, 0)
    ids = [p for p, _o in members]
    charged = set(Charge.objects.filter(person_id__in=ids, month=month).values_list("person_id", flat=True))
    todo = [(p, o) for p, o in members if p not in charged]
    if not todo:
        return Charged.of(0, 0)
    closed = _closed_orgs({o for _p, o in todo}, month)
    skipped = 0
    bands = all_bands()
    bases: dict[int, list[DuesBase]] = {}
    for b in DuesBase.objects.filter(person_id__in=[p for p, _o in todo], month__lte=month).order_by("-month"):
        bases.setdefault(b.person_id, []).append(b)
    reliefs: dict[int, list[Relief]] = {}
    for r in Relief.objects.filter(
        person_id__in=[p for p, _o in todo], first_month__lte=month, last_month__gte=month
    ).order_by("-first_month"):
        reliefs.setdefault(r.person_id, []).append(r)
    rows: list[Charge] = []
    for person_id, org_id in todo:
        base = _base_for(bases.get(person_id, []), month)
        if base is None:
            continue
        if org_id in closed:
            skipped += 1
            continue
        relief = _reliefs_for(reliefs.get(person_id, []), month)
        band, regular, due = _price(bands, base, relief, month)
        rows.append(
            Charge(
                person_id=person_id,
                organization_id=org_id,
                month=month,
                category=base.category,
                band=band,
                regular=regular,
                due=due,
                relief=relief,
            )
        )
    created = Charge.objects.bulk_create(rows)
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in={c.organization_id for c in created})}
    for c in created:
        c.organization = orgs[c.organization_id]
    audit.record_many(actor=actor, drafts=[audit.create_draft(c) for c in created])
    return Charged.of(len(created), skipped)


def _charge_one(actor: User | None, person: Person, month: dt.date) -> Charge:
    existing = Charge.objects.filter(person=person, month=month).select_related("organization").first()
    if existing is not None:
        return existing
    org = _member_org(person, month)
    if org is None:
        raise ValidationError(
            _("%(name)s was not a member in %(month)s.") % {"name": person.name, "month": f"{month:%Y-%m}"}
        )
    base = _base_for(list(DuesBase.objects.filter(person=person, month__lte=month).order_by("-month")), month)
    if base is None:
        raise ValidationError(
            _("%(name)s has no base for %(month)s: enter their base pay first.")
            % {"name": person.name, "month": f"{month:%Y-%m}"}
        )
    relief = _reliefs_for(list(Relief.objects.filter(person=person).order_by("-first_month")), month)
    band, regular, due = _price(all_bands(), base, relief, month)
    charge = Charge.objects.create(
        person=person,
        organization=org,
        month=month,
        category=base.category,
        band=band,
        regular=regular,
        due=due,
        relief=relief,
    )
    audit.record_create(actor, charge)
    return charge


# --- payments ---------------------------------------------------------------------------------


@audit.write_transaction
def record_payment(
    *,
    actor: User | None,
    person: Person,
    first_month: dt.date,
    months: int = 1,
    paid_on: dt.date | None = None,
    amount: Any = None,
    paid_by: Person | None = None,
    note: str = "",
) -> Payment:
    """The member's dues for `months` months from `first_month` (several: in advance), paid in
    full. `amount`, when given, must be what those months are due (an extra is a voluntary
    payment, recorded apart). `paid_by`: whoever paid on the member's behalf (代缴)."""
    first_month = rules.month_of(first_month)
    paid_on = paid_on or timezone.localdate()
    if amount not in (None, "") and _money(amount, _("The amount")) < 0:
        raise ValidationError(_("A payment cannot be a negative amount."))
    if not 1 <= months <= rules.MAX_ADVANCE_MONTHS:
        raise ValidationError(
            _("A payment covers from 1 to %(n)d months.") % {"n": rules.MAX_ADVANCE_MONTHS},
        )
    _refuse_before_admission(person, first_month)
    if paid_by is not None and paid_by.pk == person.pk:
        paid_by = None
    charges: list[Charge] = []
    for month in [add_months(first_month, i) for i in range(months)]:
        charge = _charge_one(actor, person, month)
        _refuse_not_kept(actor, charge.organization, month)
        _refuse_closed(charge.organization, month)
        if charge.paid > 0:
            raise ValidationError(
                _("%(name)s's dues for %(month)s are already paid.") % {"name": person.name, "month": f"{month:%Y-%m}"}
            )
        charges.append(charge)
    total = sum((c.due for c in charges), Decimal("0.00"))
    if amount not in (None, ""):
        given = _money(amount, _("The amount"))
        if given != total:
            raise ValidationError(
                _("These months are due ¥%(due)s, not ¥%(given)s: record anything more as a voluntary payment.")
                % {"due": f"{total:,.2f}", "given": f"{given:,.2f}"}
            )
    if total <= 0:
        # Exempt months: nothing to receive; they count as settled already.
        raise ValidationError(_("Nothing is due for these months (exempt): there is nothing to record."))
    payment = Payment(
        person=person,
        organization=charges[0].organization,
        kind=Payment.Kind.DUES,
        amount=total,
        paid_on=paid_on,
        first_month=first_month,
        months=months,
        paid_by=paid_by,
        note=note,
        recorded_by=actor,
    )
    payment.full_clean()
    payment.save()
    audit.record_create(actor, payment)
    for charge in charges:
        audit.update_model(actor=actor, instance=charge, data={"paid": charge.due, "payment": payment}, clean=False)
    return payment


@audit.write_transaction
def record_voluntary(
    *,
    actor: User | None,
    person: Person,
    amount: Any,
    paid_on: dt.date | None = None,
    note: str = "",
) -> Payment:
    """A one-off voluntary payment; from 1,000 yuan it goes wholly to the Central Committee."""
    value = _money(amount, _("The amount"))
    if value <= 0:
        raise ValidationError(_("A payment cannot be a negative amount or nothing."))
    paid_on = paid_on or timezone.localdate()
    _refuse_before_admission(person, paid_on)
    org = _member_org(person, rules.month_of(paid_on))
    if org is None:
        raise ValidationError(_("%(name)s is not a member now.") % {"name": person.name})
    _refuse_not_kept(actor, org, rules.month_of(paid_on))
    _refuse_closed(org, paid_on)
    payment = Payment(
        person=person,
        organization=org,
        kind=Payment.Kind.VOLUNTARY,
        amount=value,
        paid_on=paid_on,
        months=0,
        to_centre=rules.goes_to_centre(value),
        note=note,
        recorded_by=actor,
    )
    payment.full_clean()
    payment.save()
    audit.record_create(actor, payment)
    return payment


# --- reductions and exemptions ------------------------------------------------------------------


@audit.write_transaction
def grant_relief(
    *,
    actor: User | None,
    person: Person,
    kind: str,
    first_month: dt.date,
    last_month: dt.date,
    reason: str,
    approved_by: str,
    approved_on: dt.date,
    amount: Any = None,
) -> Relief:
    """A reduction or exemption for hardship, approved by the branch with a reason; unpaid charges
    of open months it covers are charged again with it."""
    first_month, last_month = rules.month_of(first_month), rules.month_of(last_month)
    if last_month < first_month:
        raise ValidationError(_("The last month comes before the first."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the reduction or exemption."))
    if kind not in Relief.Kind.values or approved_by not in Relief.Body.values:
        raise ValidationError(_("Choose the kind and the body that approved it."))
    reduced: Decimal | None = None
    if kind == Relief.Kind.REDUCED:
        if amount in (None, ""):
            raise ValidationError(_("Enter the reduced monthly amount."))
        reduced = _money(amount, _("The reduced amount"))
        if reduced < 0:
            raise ValidationError(_("The reduced amount cannot be negative."))
    _refuse_before_admission(person, first_month)
    org = _member_org(person, first_month)
    if org is None:
        raise ValidationError(
            _("%(name)s was not a member in %(month)s.") % {"name": person.name, "month": f"{first_month:%Y-%m}"}
        )
    for month, kept_by in _orgs_during(person, first_month, last_month):
        _refuse_not_kept(actor, kept_by, month)
    _refuse_closed(org, first_month)
    overlap = Relief.objects.filter(person=person, first_month__lte=last_month, last_month__gte=first_month)
    if overlap.exists():
        raise ValidationError(_("Another reduction or exemption already covers some of these months."))
    relief = Relief(
        person=person,
        organization=org,
        kind=kind,
        amount=reduced,
        first_month=first_month,
        last_month=last_month,
        reason=reason.strip(),
        approved_by=approved_by,
        approved_on=approved_on,
        recorded_by=actor,
    )
    relief.full_clean()
    relief.save()
    audit.record_create(actor, relief)
    _recharge(actor, person, first_month)
    return relief


# --- closing months, handing money upward -------------------------------------------------------


@audit.write_transaction
def close_month(*, actor: User | None, organization: Organization, month: dt.date) -> ClosedMonth:
    """Close the organisation's month (after its money is handed upward): nothing in it changes
    until it is reopened with a reason."""
    month = rules.month_of(month)
    if month > rules.month_of(timezone.localdate()):
        raise ValidationError(_("A month is closed once it has begun."))
    row = ClosedMonth.objects.filter(organization=organization, month=month).first()
    now = timezone.now()
    if row is None:
        row = ClosedMonth(organization=organization, month=month, closed_at=now, closed_by=actor)
        row.save()
        audit.record_create(actor, row)
        return row
    if row.is_closed:
        raise ValidationError(_("%(month)s is already closed.") % {"month": f"{month:%Y-%m}"})
    audit.update_model(
        actor=actor,
        instance=row,
        data={"closed_at": now, "closed_by": actor, "reopened_at": None, "reopen_reason": ""},
        clean=False,
    )
    return row


@audit.write_transaction
def reopen_month(*, actor: User | None, organization: Organization, month: dt.date, reason: str) -> ClosedMonth:
    """Open a closed month again for a correction, with the reason (audited)."""
    month = rules.month_of(month)
    if not reason.strip():
        raise ValidationError(_("Give the reason for reopening the month."))
    row = ClosedMonth.objects.filter(organization=organization, month=month, reopened_at__isnull=True).first()
    if row is None:
        raise ValidationError(_("%(month)s is not closed.") % {"month": f"{month:%Y-%m}"})
    audit.update_model(
        actor=actor, instance=row, data={"reopened_at": timezone.now(), "reopen_reason": reason.strip()}, clean=False
    )
    return row


@audit.write_transaction
def record_handover(
    *,
    actor: User | None,
    organization: Organization,
    month: dt.date,
    amount: Any,
    handed_on: dt.date,
    handed_to: Organization | None = None,
    note: str = "",
) -> Handover:
    """Dues handed upward (上缴) for a month: to the committee above unless said otherwise."""
    value = _money(amount, _("The amount"))
    if value < 0:
        raise ValidationError(_("An amount handed upward cannot be negative."))
    to = handed_to or organization.parent
    if to is None:
        raise ValidationError(_("Say to which committee the money was handed."))
    row = Handover(
        organization=organization,
        month=rules.month_of(month),
        amount=value,
        handed_on=handed_on,
        handed_to=to,
        note=note,
        recorded_by=actor,
    )
    row.full_clean()
    row.save()
    audit.record_create(actor, row)
    return row


# --- rate bands -----------------------------------------------------------------------------------


def _rate(value: Any) -> Decimal:
    """A band's rate as a fraction (0.005); anything not a number is refused, not a server error."""
    try:
        rate = Decimal(str(value).strip())
    except ArithmeticError:
        rate = Decimal("NaN")
    if not rate.is_finite():
        raise ValidationError(
            _("“%(rate)s” is not a rate: write the percent as a number, e.g. 0.5 or 0.5%% for half a percent.")
            % {"rate": str(value)[:20]}
        )
    return rate


@audit.write_transaction
def add_band_set(
    *,
    actor: User | None,
    category: str,
    effective_from: dt.date,
    bands: Iterable[tuple[Any, Any, Any, Any]],
    today: dt.date | None = None,
) -> list[RateBand]:
    """A new band set for a category from a month to come (never a month already begun, so no
    month charged is rewritten): rows of (up to, rate, fixed, highest fixed), lowest first, the
    last open-ended."""
    today = today or timezone.localdate()
    effective_from = rules.month_of(effective_from)
    if category not in Category.values:
        raise ValidationError(_("Choose a category."))
    if effective_from <= rules.month_of(today):
        raise ValidationError(_("A new band set takes effect from a month to come, never one already begun."))
    if RateBand.objects.filter(category=category, effective_from=effective_from).exists():
        raise ValidationError(_("This category already has a band set from that month."))
    rows: list[RateBand] = []
    for up_to, rate, fixed, fixed_max in bands:
        row = RateBand(
            category=category,
            effective_from=effective_from,
            up_to=_money(up_to, _("The upper limit")) if up_to not in (None, "") else None,
            rate=_rate(rate) if rate not in (None, "") else None,
            fixed=_money(fixed, _("The fixed amount")) if fixed not in (None, "") else None,
            fixed_max=_money(fixed_max, _("The highest fixed amount")) if fixed_max not in (None, "") else None,
        )
        if row.rate is None and row.fixed is None:
            raise ValidationError(_("Each band needs a rate or a fixed amount."))
        if (row.rate is not None and not Decimal(0) < row.rate < Decimal(1)) or (
            row.fixed is not None and row.fixed < 0
        ):
            raise ValidationError(
                _("A rate lies between 0% and 100% (0.5 is half a percent); an amount is not negative.")
            )
        rows.append(row)
    if not rows or rows[-1].up_to is not None:
        raise ValidationError(_("The last band has no upper limit."))
    limits = [r.up_to for r in rows[:-1] if r.up_to is not None]
    if len(limits) != len(rows) - 1 or limits != sorted(limits) or len(set(limits)) != len(limits):
        raise ValidationError(_("The upper limits rise from one band to the next."))
    for row in rows:
        row.save()
        audit.record_create(actor, row)
    return rows


# --- downloads ----------------------------------------------------------------------------------------


def statement_exported(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    rows: int,
    job_id: int | None = None,
    output: Output | None = None,
) -> None:
    """A statement left the platform: its audit event (and, from a job, the file kept for it)."""
    record_export(
        actor=actor,
        object_type="dues.Statement",
        name=name,
        changes={"rows": rows},
        org_path=organization.path,
        object_id=organization.pk,
        job_id=job_id,
        output=output,
    )


# --- the daily task: charging the month, the monthly reminder -------------------------------------------


def daily(*, today: dt.date | None = None, actor: User | None = None) -> dict[str, int]:
    """Charge this month to every member with a base not yet charged (closed months are left),
    and on the configured day (settings.DUES_REMINDER_DAY) remind everyone with dues unpaid."""
    today = today or timezone.localdate()
    month = rules.month_of(today)
    charged = 0
    orgs = Organization.objects.filter(pk__in=_orgs_with_members(month)).order_by("path")
    for org in orgs:
        try:
            charged += charge_month(actor=actor, organization=org, month=month)
        except ValidationError:  # a closed month: its keepers reopen it to charge anyone late
            continue
    reminded = send_reminders(today=today, actor=actor) if today.day == settings.DUES_REMINDER_DAY else 0
    return {"charged": charged, "reminded": reminded}


def _orgs_with_members(month: dt.date) -> list[int]:
    end = period_of(month).last_day
    return list(
        people.memberships_where(Q(admitted_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=month)))
        .values_list("organization_id", flat=True)
        .distinct()
    )


def _reminder_texts(months: list[dt.date], owed: Decimal) -> tuple[str, str]:
    title = _("Party dues unpaid: %(months)s") % {"months": ", ".join(f"{m:%Y-%m}" for m in months[:6])}
    body = _("¥%(owed)s is still to pay. Hand it to your branch's dues keeper, or ask them about a reduction.") % {
        "owed": f"{owed:,.2f}"
    }
    return title, body


@audit.write_transaction
def send_reminders(*, today: dt.date, actor: User | None = None) -> int:
    """Remind every member with dues unpaid up to this month, once a month (through the one
    notification path, in each member's language)."""
    month = rules.month_of(today)
    unpaid = dues_selectors.unpaid_by_person(month)
    users = access_selectors.users_of_people(unpaid)
    drafts = []
    for user in users:
        charges = unpaid[user.person_id]  # type: ignore[index]  # the query chose users with a person
        owed = sum((c.due - c.paid for c in charges), Decimal("0.00"))
        drafts.append(
            notifications.Draft(
                user=user,
                kind=Kind.DUES,
                key=f"dues:{month:%Y-%m}",
                url=reverse("dues:member", args=[user.person_id]),
                texts=functools.partial(_reminder_texts, [c.month for c in charges], owed),
            )
        )
    rows = notifications.notify_many(drafts=drafts, sent_on=today)
    notifications.record_run(
        actor=actor,
        today=today,
        object_type="dues.Reminders",
        name="party dues reminders",
        figures={"members": len(unpaid), "notifications": len(rows)},
    )
    return len(rows)
