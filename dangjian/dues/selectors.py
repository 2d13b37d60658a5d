"""Reads of the dues: the branch's monthly ledger, the unpaid list, the six-month flags, a
member's own dues, the statements, and "paid up to" for the transfer letter. Scoping is the
caller's (access), except where a function takes the user."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, FilteredRelation, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from dangjian import prepared
from dangjian.access import permissions
from dangjian.access.scopes import scope
from dangjian.branchlife import selectors as branchlife
from dangjian.calendar import add_months, period_of
from dangjian.organizations.models import Organization
from dangjian.people import selectors as people
from dangjian.people.models import Person

from . import rules
from .models import Charge, ClosedMonth, DuesBase, Handover, Payment, RateBand, Relief

if TYPE_CHECKING:
    from dangjian.access.models import User

ZERO = Decimal("0.00")


def this_month(today: dt.date | None = None) -> dt.date:
    return rules.month_of(today or timezone.localdate())


def bands() -> QuerySet[RateBand]:
    return RateBand.objects.all()


def dues_orgs(user: User, action: str = "view") -> QuerySet[Organization]:
    """The organisations whose dues the user reads (or keeps) as a body."""
    return permissions.dues_orgs(user, Organization.objects.all(), action)


def default_org(user: User) -> Organization | None:
    """The organisation the dues pages open on: the user's own branch, else the highest they read."""
    orgs = dues_orgs(user)
    paths = permissions.own_dues_org_paths(user)
    if paths:
        own = orgs.filter(path=paths[0]).first()
        if own is not None:
            return own
    return orgs.order_by("path").first()


# --- the monthly ledger -------------------------------------------------------------------------


@dataclass(slots=True)
class LedgerRow:
    """One member's line of the month, read as plain values (the ledger is the page a branch's
    keeper opens every day: docs/benchmarks.md holds it to twice its SQL)."""

    person_id: int
    name: str
    probationary: bool
    organization_id: int
    admitted: dt.date
    charged: bool = False
    due: Decimal | None = None
    paid: Decimal | None = None
    relief: str | None = None  # a Relief.Kind
    paid_by_id: int | None = None
    paid_by_name: str = ""
    has_base: bool = True

    @property
    def settled(self) -> bool:
        return self.charged and (self.paid or ZERO) >= (self.due or ZERO)

    @property
    def status(self) -> str:
        if not self.charged:
            return "uncharged" if self.has_base else "no_base"
        if self.due == 0:
            return "exempt"
        return "paid" if self.settled else "unpaid"

    @property
    def relief_label(self) -> str:
        return str(Relief.Kind(self.relief).label) if self.relief else ""


def _in_month(org: Organization, month: dt.date) -> Q:
    return Q(organization__path__startswith=org.path, admitted_on__lte=period_of(month).last_day) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=month)
    )


def members_in(org: Organization, month: dt.date) -> dict[int, tuple[int, dt.date]]:
    """Each member of `org`'s subtree during `month` (admitted by its end): (organisation, the
    first day of the month they were admitted)."""
    rows = people.memberships_where(_in_month(org, month)).values_list("person_id", "organization_id", "admitted_on")
    return {p: (o, rules.month_of(a)) for p, o, a in rows}


def ledger(org: Organization, month: dt.date) -> list[LedgerRow]:
    """One row per member of the organisation's subtree in `month`, with their charge if charged:
    one query of plain values, the month's charge joined to each membership, and whether the
    member has a base by then."""
    month = rules.month_of(month)

    def query() -> QuerySet[Any, Any]:
        return (
            people.memberships_where(_in_month(org, month))
            .alias(charge=FilteredRelation("person__dues_charges", condition=Q(person__dues_charges__month=month)))
            .annotate(has_base=Exists(DuesBase.objects.filter(person_id=OuterRef("person_id"), month__lte=month)))
            .values_list(
                "person_id",
                "organization_id",
                "admitted_on",
                "person__name",
                "person__political_status",
                "charge__id",
                "charge__due",
                "charge__paid",
                "charge__relief__kind",
                "charge__payment__paid_by_id",
                "charge__payment__paid_by__name",
                "has_base",
            )
        )

    # Built once per branch and month, then only run (its query cost more to build than to run).
    members = prepared.rows(("dues.ledger", org.path, month), query)
    rows: dict[int, LedgerRow] = {}
    for p, o, a, name, status, charge, due, paid, relief, by, by_name, based in members:
        rows[p] = LedgerRow(
            p,
            name,
            status == "probationary",
            o,
            rules.month_of(prepared.as_date(a) or month),
            charge is not None,
            prepared.as_money(due),
            prepared.as_money(paid),
            relief,
            by,
            by_name or "",
            bool(based),
        )
    return sorted(rows.values(), key=lambda r: (r.name, r.person_id))


@dataclass
class Totals:
    due: Decimal = ZERO
    paid: Decimal = ZERO
    members: int = 0
    unpaid: int = 0


def totals(rows: Iterable[LedgerRow]) -> Totals:
    t = Totals()
    for r in rows:
        t.members += 1
        if r.charged:
            t.due += r.due or ZERO
            t.paid += r.paid or ZERO
            t.unpaid += 0 if r.settled else 1
    return t


def closure(org: Organization, month: dt.date) -> ClosedMonth | None:
    """The month's closing row of the organisation itself (closed or reopened), if any."""
    return ClosedMonth.objects.filter(organization=org, month=rules.month_of(month)).first()


def is_closed(org: Organization, month: dt.date) -> bool:
    """Whether the month is closed in the organisation or above it (read with every ledger)."""
    month = rules.month_of(month)
    return bool(
        prepared.rows(
            ("dues.closed", org.path, month),
            lambda: ClosedMonth.objects.filter(
                organization_id__in=org.path_ids(), month=month, reopened_at__isnull=True
            ).values_list("pk")[:1],
        )
    )


# --- unpaid, and the six-month flag -----------------------------------------------------------------


def unpaid_charges(org: Organization, through: dt.date) -> QuerySet[Charge]:
    """Charges of the subtree up to month `through` that are not paid in full."""
    return (
        Charge.objects.filter(organization__path__startswith=org.path, month__lte=rules.month_of(through))
        .filter(paid__lt=F("due"))
        .order_by()
    )


@dataclass
class Unpaid:
    person_id: int
    name: str
    organization: str
    months: int
    first: dt.date
    owed: Decimal


def unpaid_list(org: Organization, through: dt.date, limit: int | None = 500) -> list[Unpaid]:
    """The members with dues unpaid up to `through`, those owing longest first: two queries."""
    grouped = (
        unpaid_charges(org, through)
        .values("person_id", "person__name", "organization__name")
        .annotate(n=Count("pk"), first=Min("month"), owed=Sum(F("due") - F("paid")))
        .order_by("first", "person__name", "person_id")
    )
    if limit is not None:
        grouped = grouped[:limit]
    return [
        Unpaid(g["person_id"], g["person__name"], g["organization__name"], g["n"], g["first"], g["owed"])
        for g in grouped
    ]


@dataclass
class Flag:
    person_id: int
    name: str
    unpaid_months: int
    absent_months: int
    reasons: list[str] = field(default_factory=list)


def flags(org: Organization, today: dt.date | None = None) -> list[Flag]:
    """Members of the subtree with ≥ 6 months in a row unpaid (an exempt month is settled) up to
    last month, or who attended no organisational life in the last six months without giving a
    reason: for the branch's attention (the Constitution's art. 9 — never a change of status)."""
    last = add_months(this_month(today), -1)
    since = add_months(last, -(rules.FLAG_MONTHS - 1))
    members = members_in(org, last)
    states: dict[int, list[rules.MonthState]] = defaultdict(list)
    charged = Charge.objects.filter(organization__path__startswith=org.path, month__gte=since, month__lte=last)
    for p, m, due, paid in charged.values_list("person_id", "month", "due", "paid"):
        if p in members:  # still a member here
            states[p].append(rules.MonthState(m, due, paid))
    unpaid = {p: rules.unpaid_run(s, last) for p, s in states.items()}
    # Only members there the whole six months are asked about their attendance.
    long_enough = [p for p, (_o, admitted) in members.items() if admitted <= since]
    absent = branchlife.absent_without_reason(long_enough, since, period_of(last).last_day)
    flagged = {p for p, n in unpaid.items() if n >= rules.FLAG_MONTHS} | set(absent)
    if not flagged:
        return []
    names = dict(people.people_with_pks(flagged).values_list("pk", "name"))
    out = [
        Flag(p, names.get(p, ""), unpaid.get(p, 0), rules.FLAG_MONTHS if p in absent else 0)
        for p in sorted(flagged, key=lambda p: names.get(p, ""))
    ]
    return out


# --- a member's own dues -------------------------------------------------------------------------


def member_charges(person: Person, user: User | None = None) -> QuerySet[Charge]:
    """The person's charges; with `user`, only those in the books of organisations the user reads
    (a member moved to another branch: their new keepers read the months there, not the old
    branch's), and the member's own always."""
    rows = Charge.objects.filter(person=person).select_related("band", "relief", "payment__paid_by").order_by("-month")
    return scope(user, rows) if user is not None else rows


def member_payments(person: Person, user: User | None = None) -> QuerySet[Payment]:
    rows = Payment.objects.filter(person=person).select_related("paid_by").order_by("-paid_on", "-pk")
    return scope(user, rows) if user is not None else rows


def member_bases(person: Person, user: User | None = None) -> QuerySet[DuesBase]:
    rows = DuesBase.objects.filter(person=person).order_by("-month")
    return scope(user, rows) if user is not None else rows


def bases_of_people() -> QuerySet[DuesBase]:
    return DuesBase.objects.all()


def member_reliefs(person: Person, user: User | None = None) -> QuerySet[Relief]:
    rows = Relief.objects.filter(person=person).order_by("-first_month")
    return scope(user, rows) if user is not None else rows


def reliefs_under(org: Organization) -> QuerySet[Relief]:
    return Relief.objects.filter(organization__path__startswith=org.path).select_related("person", "organization")


def handovers_under(org: Organization) -> QuerySet[Handover]:
    return Handover.objects.filter(organization__path__startswith=org.path).select_related("organization", "handed_to")


# --- "paid up to", for the transfer letter ------------------------------------------------------


def paid_up_to(person_ids: Iterable[int], today: dt.date | None = None) -> dict[int, dt.date | None]:
    """For each person, the first day of the last month paid (or exempt) with every earlier month
    since the first the ledger charged them paid or exempt too; None when not even that first month
    is (or they were never charged). One query, whatever the number of people (the transfer
    letter's default)."""
    ids = list(dict.fromkeys(person_ids))
    today = today or timezone.localdate()
    states: dict[int, list[rules.MonthState]] = defaultdict(list)
    for p, m, due, paid in Charge.objects.filter(person_id__in=ids).values_list("person_id", "month", "due", "paid"):
        states[p].append(rules.MonthState(m, due, paid))
    return {p: rules.paid_up_to(states.get(p, []), today) for p in ids}


# --- statements and money handed upward --------------------------------------------------------------


@dataclass
class StatementRow:
    organization_id: int
    organization: str
    members: int = 0
    due: Decimal = ZERO
    paid: Decimal = ZERO
    unpaid_members: int = 0
    voluntary: Decimal = ZERO
    to_centre: Decimal = ZERO
    handed_up: Decimal = ZERO


def statement(org: Organization, first: dt.date, last: dt.date) -> list[StatementRow]:
    """Per organisation of the subtree that was charged, for the months `first`..`last`: members
    charged, due, paid, members with something unpaid, voluntary payments (and what of them goes
    to the Centre), and what was handed upward. Four grouped queries."""
    first, last = rules.month_of(first), rules.month_of(last)
    end = period_of(last).last_day
    under = Q(organization__path__startswith=org.path)
    rows: dict[int, StatementRow] = {}

    def row(pk: int, name: str) -> StatementRow:
        return rows.setdefault(pk, StatementRow(pk, name))

    charged = (
        Charge.objects.filter(under, month__gte=first, month__lte=last)
        .values("organization_id", "organization__name")
        .annotate(
            members=Count("person_id", distinct=True),
            total_due=Sum("due"),
            total_paid=Sum("paid"),
            unpaid=Count("person_id", filter=Q(paid__lt=F("due")), distinct=True),
        )
    )
    for g in charged:
        r = row(g["organization_id"], g["organization__name"])
        r.members, r.due, r.paid, r.unpaid_members = g["members"], g["total_due"], g["total_paid"], g["unpaid"]
    voluntary = (
        Payment.objects.filter(under, kind=Payment.Kind.VOLUNTARY, paid_on__gte=first, paid_on__lte=end)
        .values("organization_id", "organization__name")
        .annotate(total=Sum("amount"), centre=Sum("amount", filter=Q(to_centre=True)))
    )
    for v in voluntary:
        r = row(v["organization_id"], v["organization__name"])
        r.voluntary, r.to_centre = v["total"] or ZERO, v["centre"] or ZERO
    handed = (
        Handover.objects.filter(under, month__gte=first, month__lte=last)
        .values("organization_id", "organization__name")
        .annotate(total=Sum("amount"))
    )
    for h in handed:
        row(h["organization_id"], h["organization__name"]).handed_up = h["total"] or ZERO
    return sorted(rows.values(), key=lambda r: r.organization)


def statement_total(rows: Iterable[StatementRow]) -> StatementRow:
    t = StatementRow(0, "")
    for r in rows:
        t.members += r.members
        t.due += r.due
        t.paid += r.paid
        t.unpaid_members += r.unpaid_members
        t.voluntary += r.voluntary
        t.to_centre += r.to_centre
        t.handed_up += r.handed_up
    return t


# --- the to-do list and the reminders -----------------------------------------------------------------


def own_unpaid(person_id: int, through: dt.date) -> list[Charge]:
    return list(
        Charge.objects.filter(person_id=person_id, month__lte=rules.month_of(through), paid__lt=F("due")).order_by(
            "month"
        )
    )


def unpaid_count(org: Organization, month: dt.date) -> int:
    return unpaid_charges(org, month).filter(month=rules.month_of(month)).values("person_id").distinct().count()


def unpaid_by_person(through: dt.date) -> dict[int, list[Charge]]:
    """Everyone's charges unpaid in month `through` or before, oldest first (the monthly reminder)."""
    unpaid: dict[int, list[Charge]] = {}
    for c in Charge.objects.filter(month__lte=rules.month_of(through), paid__lt=F("due")).order_by("month"):
        unpaid.setdefault(c.person_id, []).append(c)
    return unpaid


def ledger_has_charges(org: Organization, month: dt.date) -> bool:
    return Charge.objects.filter(organization__path__startswith=org.path, month=rules.month_of(month)).exists()
