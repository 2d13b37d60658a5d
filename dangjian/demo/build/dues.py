"""The garment branch's party dues (DOMAIN.md §3): a base for every member from the branch's
founding in May (or their admission, for the probationers), every month charged since, paid
month by month — a few by a group leader on a colleague's behalf (代缴) —, two members unpaid for
the last three months, the months up to the previous one closed once their money was handed
upward to the park committee. The current month is under way: about half have paid.

Written through dues.services, like the pages (actor None); its own random stream (a fixed
seed), so every other name and date of the demo stays as it was."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q, Sum

from dangjian.calendar import add_months
from dangjian.demo.build.base import Builder
from dangjian.dues import rules, services
from dangjian.dues.models import Charge
from dangjian.people.models import Membership

SEED = 2020
UNPAID_MONTHS = 3
UNPAID_MEMBERS = 2


def build_dues(b: Builder) -> dict[str, int]:
    branch = b.garment_branch
    assert branch is not None
    rng = random.Random(SEED)
    this = rules.month_of(b.today)
    first = rules.month_of(b.founding)
    months = rules.months_between(first, this)
    memberships = list(
        Membership.objects.filter(Q(organization__path__startswith=branch.path), ended_on__isnull=True)
        .select_related("person")
        .order_by("person__name", "person_id")
    )
    members = [m.person for m in memberships]
    admitted = {m.person_id: rules.month_of(m.admitted_on) for m in memberships}
    for m in memberships:
        # A wage between 2,500 and 9,000 yuan a month; the garment company's pay.
        pay = Decimal(rng.randrange(2500, 9000, 50))
        services.set_base(
            actor=None, person=m.person, month=max(first, admitted[m.person_id]), category="employed", base_pay=pay
        )
    for month in months:
        services.charge_month(actor=None, organization=branch, month=month)
    late = [p for p in members if admitted[p.pk] <= first][-UNPAID_MEMBERS:]
    payers = [p for p in members if p not in late][:4]  # group leaders who hand in a colleague's dues
    paid = 0
    for person in members:
        for month in months:
            if month < admitted[person.pk]:
                continue
            if person in late and month >= add_months(this, -UNPAID_MONTHS):
                continue
            if month == this and rng.random() < 0.5:
                continue
            by = rng.choice(payers) if rng.random() < 0.06 and payers else None
            day = min(b.today, month + dt.timedelta(days=rng.randint(2, 20)))
            services.record_payment(
                actor=None, person=person, first_month=month, paid_on=day, paid_by=by if by != person else None
            )
            paid += 1
    for month in months[:-1]:
        total = Charge.objects.filter(organization__path__startswith=branch.path, month=month).aggregate(s=Sum("paid"))
        services.record_handover(
            actor=None,
            organization=branch,
            month=month,
            amount=total["s"] or Decimal("0.00"),
            handed_on=min(b.today, add_months(month, 1) + dt.timedelta(days=4)),
        )
        services.close_month(actor=None, organization=branch, month=month)
    return {"members": len(members), "payments": paid, "unpaid_members": len(late)}
