"""Reads of transfers: scoped lists for the pages, the API and the downloads, a person's moves,
the letters waiting on a user (the to-do home), and the open letter of a person (for other
apps)."""

from __future__ import annotations

import datetime as dt
import operator
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from dangjian.access.scopes import VIEW, scope
from dangjian.dues import selectors as dues_selectors
from dangjian.organizations import selectors as org_selectors
from dangjian.organizations.models import Organization, OrgKind

from .models import OPEN_STATUSES, Kind, Status, Transfer

if TYPE_CHECKING:
    from dangjian.access.models import User

LIST_RELATED = ("from_org", "to_org")


def visible_transfers(user: User, action: str = VIEW) -> QuerySet[Transfer]:
    return scope(user, Transfer.objects.select_related(*LIST_RELATED), action)


def filter_transfers(qs: QuerySet[Transfer], data: dict[str, Any], today: dt.date) -> QuerySet[Transfer]:
    """Narrow a list by the filter form's cleaned data: kind, status ("open": waiting on the
    other side; "expired": issued, past validity), a name or letter number."""
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    status = data.get("status")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status == "expired":
        qs = qs.filter(status=Status.ISSUED, valid_until__lt=today)
    elif status:
        qs = qs.filter(status=status)
    text = (data.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(person_name__icontains=text) | Q(number__icontains=text))
    return qs


def open_transfer_of(person_id: int) -> Transfer | None:
    """The person's letter on its way (issued and not yet accepted, returned, cancelled or
    receipted; or an incoming one not yet placed), unscoped: for other apps' checks (a member
    being transferred should not, say, be moved by hand meanwhile)."""
    return Transfer.objects.filter(person_id=person_id, status__in=OPEN_STATUSES).select_related(*LIST_RELATED).first()


def moves_of(user: User, person_id: int) -> QuerySet[Transfer]:
    """The person's transfers the user may read, newest first (the person page's panel)."""
    return visible_transfers(user).filter(person_id=person_id).order_by("-issued_on", "-pk")


def waiting_on(paths: list[str], today: dt.date) -> tuple[list[Transfer], list[Transfer], list[Transfer]]:
    """For the officers of the organisations at `paths` (and below): letters to accept (issued to
    them, still valid), incoming letters to verify or place, and expired letters of either side
    to return or cancel."""
    if not paths:
        return [], [], []
    to_q = reduce(operator.or_, (Q(to_org__path__startswith=p) for p in paths))
    from_q = reduce(operator.or_, (Q(from_org__path__startswith=p) for p in paths))
    rows = list(
        Transfer.objects.filter(
            (to_q & Q(status__in=OPEN_STATUSES)) | (from_q & Q(status=Status.ISSUED, valid_until__lt=today))
        )
        .select_related(*LIST_RELATED)
        .order_by("valid_until", "pk")[:200]
    )
    mine_to = [t for t in rows if t.to_org is not None and any(t.to_org.path.startswith(p) for p in paths)]
    to_accept = [t for t in mine_to if t.status == Status.ISSUED and t.valid_until >= today]
    incoming = [t for t in mine_to if t.kind == Kind.INCOMING]
    expired = [t for t in rows if t.status == Status.ISSUED and t.valid_until < today]
    return to_accept, incoming, expired


def receiving_units() -> QuerySet[Organization]:
    """Every party unit of the platform (party groups aside): a letter goes to any branch, in any
    county."""
    return org_selectors.party_units_and_groups().exclude(kind=OrgKind.PARTY_GROUP).order_by("path")


def receiving_named(name: str, county: Organization | None = None) -> list[Organization]:
    """The party units of the platform named exactly `name` (or so in English), under `county`
    if given: a letter is addressed to a branch by its full name, as on paper, and the platform
    lists no other county's branches to pick from."""
    name = " ".join(name.split())
    if not name:
        return []
    qs = receiving_units().filter(Q(name=name) | Q(name_en__iexact=name))
    if county is not None:
        qs = qs.filter(path__startswith=county.path)
    return list(qs[:20])


def counties() -> QuerySet[Organization]:
    """Every county committee of the platform (where a receiving branch may be)."""
    return org_selectors.orgs_of_kinds([OrgKind.COUNTY_COMMITTEE]).order_by("path")


def county_list(qs: QuerySet[Transfer]) -> QuerySet[Transfer]:
    return qs.order_by("-issued_on", "-pk")


def dues_paid_up_to(person_id: int) -> dt.date | None:
    """The month the member's dues are paid up to, as the dues ledger has it (the letter's
    default): None when the ledger has no month of theirs settled."""
    return dues_selectors.paid_up_to([person_id]).get(person_id)
