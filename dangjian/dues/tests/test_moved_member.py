"""A member who moved from branch A to branch B: each month stays in the books of the branch they
belonged to then. B's keepers neither write nor read A's months; A's keepers still keep them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.dues import services
from dangjian.dues.models import Charge, DuesBase, Payment, Relief
from dangjian.people import services as people_services
from dangjian.people.models import Membership
from dangjian.testing.api import API
from dangjian.testing.dues import base, charge, month

JAN, MAR, APR = month(2026, 1), month(2026, 3), month(2026, 4)


@pytest.fixture
def moved(world):
    """A's member, with a base from January at A, January–March charged there, moved to B on
    1 April (the transfer ends A's record and opens B's with the same admission)."""
    m = world.a.member
    base(m, JAN, "3000.01")
    charge(world.a.branch, JAN, month(2026, 2), MAR)
    record = Membership.objects.get(person=m, ended_on__isnull=True)
    people_services.update_membership(
        actor=None, membership=record, ended_on=dt.date(2026, 3, 31), end_reason="transferred"
    )
    people_services.add_membership(
        actor=None,
        person=m,
        organization=world.b.branch,
        admitted_on=record.admitted_on,
        converted_on=record.converted_on,
        joined_org_on=dt.date(2026, 4, 1),
    )
    m.refresh_from_db()
    return m


def test_bs_keeper_cannot_write_in_branch_as_books(world, moved):
    b = world.b.secretary
    with pytest.raises(ValidationError, match="2026-03 belongs to the books of A公司党支部"):
        services.record_payment(actor=b, person=moved, first_month=MAR)
    with pytest.raises(ValidationError, match="belongs to the books of A公司党支部"):
        services.set_base(actor=b, person=moved, month=MAR, category="employed", base_pay="9000.00")
    with pytest.raises(ValidationError, match="belongs to the books of A公司党支部"):
        services.grant_relief(
            actor=b,
            person=moved,
            kind="exempt",
            first_month=MAR,
            last_month=APR,
            reason="大病",
            approved_by="committee",
            approved_on=dt.date(2026, 4, 2),
        )
    assert not Payment.objects.exists() and not Relief.objects.exists()
    assert list(DuesBase.objects.values_list("month", "organization")) == [(JAN, world.a.branch.pk)]
    assert Charge.objects.get(person=moved, month=MAR).due.to_eng_string() == "30.00"


def test_each_branch_keeps_its_own_months(world, moved):
    services.record_payment(actor=world.a.secretary, person=moved, first_month=MAR)
    payment = services.record_payment(actor=world.b.secretary, person=moved, first_month=APR)
    assert payment.organization == world.b.branch
    assert Charge.objects.get(person=moved, month=APR).organization == world.b.branch
    services.set_base(actor=world.b.secretary, person=moved, month=APR, category="employed", base_pay="5000.00")


def test_bs_keeper_reads_only_the_months_in_bs_books(world, moved, login, api_as):
    services.record_payment(actor=None, person=moved, first_month=APR)
    page = login(world.b.secretary).get(reverse("dues:member", args=[moved.pk])).content.decode()
    assert "2026-04" in page and "2026-03" not in page and "2026-01" not in page
    body = api_as(world.b.secretary).get(f"{API}/dues/members/{moved.pk}").json()
    assert [c["month"] for c in body["charges"]] == ["2026-04"]
