"""Charging, paying, relief, closing: what a branch's dues keeper does each month, and what is
refused (explained, nothing half-stored)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dangjian.audit.models import AuditEvent
from dangjian.dues import selectors, services
from dangjian.dues.models import Charge, DuesBase, Payment
from dangjian.people import services as people_services
from dangjian.testing.dues import base, charge, month
from dangjian.testing.factories import PersonFactory

JAN, FEB, MAR = month(2026, 1), month(2026, 2), month(2026, 3)


def test_charging_a_month_stores_the_due_with_its_band(world):
    base(world.a.member, JAN, "3000.01")
    assert services.charge_month(actor=world.a.secretary, organization=world.a.branch, month=JAN) == 1
    row = Charge.objects.get(person=world.a.member, month=JAN)
    assert row.due == Decimal("30.00") and row.band.rate == Decimal("0.01")
    assert AuditEvent.objects.filter(object_type="dues.Charge", object_id=str(row.pk)).exists()
    # Charging again charges nobody twice.
    assert services.charge_month(actor=None, organization=world.a.branch, month=JAN) == 0


def test_the_base_pay_is_stored_encrypted_and_never_in_the_audit_in_clear(world):
    b = base(world.a.member, JAN, "4321.09")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT base_pay FROM dues_duesbase WHERE id = %s", [b.pk])
        stored = cursor.fetchone()[0]
    assert "4321" not in stored
    event = AuditEvent.objects.get(object_type="dues.DuesBase", object_id=str(b.pk))
    assert "4321" not in str(event.changes)


def test_a_new_wage_applies_from_its_month(world):
    base(world.a.member, JAN, "3000.00")
    charge(world.a.branch, JAN)
    base(world.a.member, FEB, "6000.00")
    charge(world.a.branch, FEB, MAR)
    dues = dict(Charge.objects.filter(person=world.a.member).values_list("month", "due"))
    assert dues == {JAN: Decimal("15.00"), FEB: Decimal("90.00"), MAR: Decimal("90.00")}


def test_a_new_band_set_never_rewrites_the_months_already_charged(world):
    base(world.a.member, JAN, "4000.00")
    charge(world.a.branch, JAN)
    services.add_band_set(
        actor=None,
        category="employed",
        effective_from=FEB,
        bands=[("4000.00", "0.002", None, None), (None, "0.03", None, None)],
        today=dt.date(2026, 1, 20),
    )
    charge(world.a.branch, FEB)
    dues = dict(Charge.objects.filter(person=world.a.member).values_list("month", "due"))
    assert dues == {JAN: Decimal("40.00"), FEB: Decimal("8.00")}


def test_a_band_set_from_a_month_already_begun_is_refused(world):
    with pytest.raises(ValidationError, match="month to come"):
        services.add_band_set(
            actor=None, category="employed", effective_from=JAN, bands=[(None, "0.01", None, None)], today=JAN
        )


def test_a_payment_in_advance_and_on_someones_behalf(world):
    base(world.a.member, JAN, "3000.00")
    sec = world.a.secretary.person
    p = services.record_payment(
        actor=world.a.secretary, person=world.a.member, first_month=JAN, months=3, paid_by=sec, amount="45.00"
    )
    assert p.amount == Decimal("45.00") and p.paid_by == sec
    assert list(Charge.objects.filter(person=world.a.member).values_list("month", "paid")) == [
        (JAN, Decimal("15.00")),
        (FEB, Decimal("15.00")),
        (MAR, Decimal("15.00")),
    ]


def test_a_negative_payment_is_refused(world):
    base(world.a.member, JAN)
    with pytest.raises(ValidationError, match="negative"):
        services.record_payment(actor=None, person=world.a.member, first_month=JAN, amount="-5.00")
    with pytest.raises(ValidationError, match="negative"):
        services.record_voluntary(actor=None, person=world.a.member, amount="-100")
    assert not Payment.objects.exists()


def test_an_amount_other_than_what_is_due_is_refused(world):
    base(world.a.member, JAN, "3000.00")
    with pytest.raises(ValidationError, match="voluntary"):
        services.record_payment(actor=None, person=world.a.member, first_month=JAN, amount="20.00")


def test_a_payment_for_a_month_before_admission_is_refused_and_probationers_pay_from_admission(world):
    newcomer = PersonFactory(name="新党员", employer=world.a.enterprise)
    people_services.add_membership(
        actor=None, person=newcomer, organization=world.a.branch, admitted_on=dt.date(2026, 2, 20)
    )
    with pytest.raises(ValidationError, match="admitted in 2026-02"):
        base(newcomer, JAN)
    base(newcomer, FEB, "2000.00")
    with pytest.raises(ValidationError, match="admitted in 2026-02"):
        services.record_payment(actor=None, person=newcomer, first_month=JAN)
    charge(world.a.branch, FEB)
    assert Charge.objects.get(person=newcomer).month == FEB  # from the month of admission


def test_a_closed_month_refuses_changes_until_reopened_with_a_reason(world):
    base(world.a.member, JAN, "3000.00")
    charge(world.a.branch, JAN)
    services.close_month(actor=world.a.secretary, organization=world.a.branch, month=JAN)
    with pytest.raises(ValidationError, match="closed"):
        base(world.a.member, JAN, "8000.00")
    with pytest.raises(ValidationError, match="closed"):
        services.record_payment(actor=None, person=world.a.member, first_month=JAN)
    with pytest.raises(ValidationError, match="reason"):
        services.reopen_month(actor=world.a.secretary, organization=world.a.branch, month=JAN, reason=" ")
    services.reopen_month(actor=world.a.secretary, organization=world.a.branch, month=JAN, reason="工资表更正")
    base(world.a.member, JAN, "8000.00")
    assert Charge.objects.get(person=world.a.member, month=JAN).due == Decimal("120.00")
    event = AuditEvent.objects.filter(object_type="dues.ClosedMonth").order_by("pk").last()
    assert "工资表更正" in str(event.changes)


def test_nothing_is_half_stored_when_a_later_month_is_refused(world):
    base(world.a.member, JAN, "3000.00")
    charge(world.a.branch, FEB)
    services.record_payment(actor=None, person=world.a.member, first_month=FEB)
    with pytest.raises(ValidationError, match="already paid"):
        services.record_payment(actor=None, person=world.a.member, first_month=JAN, months=2)
    assert not Charge.objects.filter(month=JAN).exists()
    assert Payment.objects.count() == 1


def test_an_exemption_settles_the_month_and_a_reduction_lowers_it(world):
    base(world.a.member, JAN, "6000.00")
    charge(world.a.branch, JAN)
    services.grant_relief(
        actor=None,
        person=world.a.member,
        kind="exempt",
        first_month=JAN,
        last_month=JAN,
        reason="家庭困难",
        approved_by="committee",
        approved_on=dt.date(2026, 1, 5),
    )
    services.grant_relief(
        actor=None,
        person=world.a.member,
        kind="reduced",
        amount="10.00",
        first_month=FEB,
        last_month=MAR,
        reason="大病",
        approved_by="general",
        approved_on=dt.date(2026, 1, 5),
    )
    charge(world.a.branch, FEB)
    dues = dict(Charge.objects.filter(person=world.a.member).values_list("month", "due"))
    assert dues == {JAN: Decimal("0.00"), FEB: Decimal("10.00")}
    with pytest.raises(ValidationError, match="reason"):
        services.grant_relief(
            actor=None,
            person=world.a.member,
            kind="exempt",
            first_month=month(2026, 6),
            last_month=month(2026, 6),
            reason="",
            approved_by="committee",
            approved_on=dt.date(2026, 1, 5),
        )


def test_a_voluntary_payment_of_a_thousand_goes_wholly_to_the_centre(world):
    small = services.record_voluntary(actor=None, person=world.a.member, amount="999.99")
    big = services.record_voluntary(actor=None, person=world.a.member, amount="1000.00")
    assert (small.to_centre, big.to_centre) == (False, True)


def test_paid_up_to_is_the_last_month_of_an_unbroken_run_since_admission(world):
    newcomer = PersonFactory(name="新党员", employer=world.a.enterprise)
    people_services.add_membership(actor=None, person=newcomer, organization=world.a.branch, admitted_on=JAN)
    base(newcomer, JAN, "3000.00")
    services.record_payment(actor=None, person=newcomer, first_month=JAN, months=2)
    charge(world.a.branch, MAR)
    services.record_payment(actor=None, person=newcomer, first_month=month(2026, 4))
    result = selectors.paid_up_to([newcomer.pk, world.a.member.pk], today=dt.date(2026, 4, 10))
    # March is unpaid: the run stops at February; April in advance does not count past a gap.
    assert result == {newcomer.pk: FEB, world.a.member.pk: None}  # A's member was never charged
    services.record_payment(actor=None, person=newcomer, first_month=MAR)
    assert selectors.paid_up_to([newcomer.pk], today=dt.date(2026, 4, 10)) == {newcomer.pk: month(2026, 4)}


def test_six_months_unpaid_are_flagged_without_changing_the_status(world):
    base(world.a.member, JAN, "3000.00")
    charge(world.a.branch, *[month(2026, m) for m in range(1, 8)])
    services.record_payment(actor=None, person=world.a.member, first_month=JAN)
    flags = selectors.flags(world.a.branch, today=dt.date(2026, 8, 3))
    assert [(f.name, f.unpaid_months) for f in flags] == [("A党员", 6)]
    world.a.member.refresh_from_db()
    assert world.a.member.political_status == "full"
    assert selectors.flags(world.b.branch, today=dt.date(2026, 8, 3)) == []


def test_side_b_charges_nobody_of_side_a(world):
    base(world.a.member, JAN)
    assert services.charge_month(actor=None, organization=world.b.branch, month=JAN) == 0
    assert not Charge.objects.exists()
    assert DuesBase.objects.get().organization == world.a.branch


def test_an_exempt_month_counts_as_paid_up(world):
    newcomer = PersonFactory(name="困难党员", employer=world.a.enterprise)
    people_services.add_membership(actor=None, person=newcomer, organization=world.a.branch, admitted_on=JAN)
    base(newcomer, JAN, "2000.00")
    services.record_payment(actor=None, person=newcomer, first_month=JAN)
    services.grant_relief(
        actor=None,
        person=newcomer,
        kind="exempt",
        first_month=FEB,
        last_month=FEB,
        reason="大病住院",
        approved_by="committee",
        approved_on=dt.date(2026, 2, 3),
    )
    charge(world.a.branch, FEB)
    assert selectors.paid_up_to([newcomer.pk], today=dt.date(2026, 3, 5)) == {newcomer.pk: FEB}


def test_paid_up_to_starts_at_the_first_month_the_ledger_charged(world):
    # B's member was admitted in 2015; the platform keeps their dues from January 2026. Every month
    # charged is paid: that is paid up, not "never paid".
    veteran = world.b.member
    assert selectors.paid_up_to([veteran.pk], today=dt.date(2026, 3, 5)) == {veteran.pk: None}  # never charged
    base(veteran, JAN, "3000.00")
    services.record_payment(actor=None, person=veteran, first_month=JAN, months=2)
    assert selectors.paid_up_to([veteran.pk], today=dt.date(2026, 3, 5)) == {veteran.pk: FEB}


def test_a_county_charging_its_ledger_skips_a_branch_whose_month_is_closed(world, login):
    base(world.a.member, JAN, "3000.00")
    base(world.b.member, JAN, "3000.00")
    services.close_month(actor=None, organization=world.a.branch, month=JAN)
    result = services.charge_month(actor=world.county_admin, organization=world.county, month=JAN)
    assert (result, result.skipped) == (1, 1)
    assert list(Charge.objects.values_list("person__name", flat=True)) == ["B党员"]
    # The daily task leaves it too.
    services.daily(today=dt.date(2026, 1, 5))
    assert not Charge.objects.filter(person=world.a.member).exists()


def test_the_ledger_says_how_many_were_skipped_for_a_closed_month(world, login):
    from django.urls import reverse

    base(world.a.member, JAN, "3000.00")
    services.close_month(actor=None, organization=world.a.branch, month=JAN)
    page = login(world.county_admin).post(
        reverse("dues:charge", args=[world.county.pk]), {"month": "2026-01"}, follow=True
    )
    assert "1 members of organisations whose month is closed were skipped" in page.content.decode()
