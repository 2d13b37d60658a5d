"""Transfers in the demo (DOMAIN.md §1, §6): "38 party members found a home" — the garment
branch's founding members came from the park's first joint branch, to which they belonged
while the company had no branch of its own; each move is kept as the letter it was (accepted on
the founding day), with the member's earlier record at the joint branch. And this month one of
the branch's members is moving to a company in another county: the letter is issued, not yet
accepted, so she is still the branch's member and the receiving branch has it on its to-do.

Through transfers.services (actor None, audited as the command, like the rest of the demo), on a
random stream of its own, so every other name and date of the demo stays as it was."""

from __future__ import annotations

import datetime as dt
import random

from dangjian.demo.build.base import Builder
from dangjian.organizations.models import Organization, OrgKind
from dangjian.people.models import Membership
from dangjian.transfers import services

# The one member moving out this month, and where to (a branch of another county's company).
LEAVING_REASON = "随配偶工作调动"
FOUNDING_REASON = "企业成立党支部，组织关系由园区联合党支部转入"


def build_transfers(b: Builder) -> dict[str, int]:
    assert b.garment_branch is not None
    rng = random.Random(f"{b.seed}:transfers")
    joint = b.joint["park1"]
    branch = b.garment_branch
    founding = b.founding
    under = Organization.objects.filter(path__startswith=branch.path)
    founders = list(
        Membership.objects.filter(organization__in=under, joined_org_on=founding, admitted_on__lt=founding)
        .select_related("person", "organization")
        .order_by("pk")
    )
    for m in founders:
        issued_on = founding - dt.timedelta(days=rng.randint(3, 10))
        services.record_past_transfer(
            actor=None,
            membership=m,
            from_org=joint,
            issued_on=issued_on,
            valid_until=issued_on + dt.timedelta(days=30),
            dues_paid_to=(issued_on.replace(day=1) - dt.timedelta(days=1)).replace(day=1),
            reason=FOUNDING_REASON,
            today=b.today,
        )
    leaving = _leaving(b, founders)
    county = b.committees["county"]
    elsewhere = (
        Organization.objects.filter(kind=OrgKind.BRANCH).exclude(path__startswith=county.path).order_by("path").first()
    )
    out = 0
    if leaving is not None and elsewhere is not None:
        issued_on = max(b.today.replace(day=1), b.today - dt.timedelta(days=3))
        services.issue(
            actor=None,
            person=leaving,
            to_org=elsewhere,
            issued_on=issued_on,
            dues_paid_to=(issued_on.replace(day=1) - dt.timedelta(days=1)).replace(day=1),
            reason=LEAVING_REASON,
            today=b.today,
        )
        out = 1
    return {"founding_transfers": len(founders), "transferring_out": out}


def _leaving(b: Builder, founders: list[Membership]):
    """A full member of a party group who holds no role in the demo's story (not a named person
    of the article, no login)."""
    named = {p.pk for p in b.named.values()}
    for m in reversed(founders):
        p = m.person
        if m.organization.kind == OrgKind.PARTY_GROUP and p.pk not in named and p.pk not in b.users:
            return p
    return None
