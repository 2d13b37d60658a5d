"""The dues pages as a branch's secretary, a member and a manager use them; side B never reaches
side A's dues (and the other way round)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from dangjian.dues import selectors, services
from dangjian.dues.models import Charge, Payment
from dangjian.testing.dues import base, charge
from dangjian.testing.factories import UserFactory


def this_month():
    return selectors.this_month()


def test_the_secretary_marks_a_member_paid_with_one_tap(world, login):
    base(world.a.member, this_month(), "3000.01")
    charge(world.a.branch, this_month())
    client = login(world.a.secretary)
    page = client.get(reverse("dues:ledger", args=[world.a.branch.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "A党员" in body and "¥30.00" in body
    response = client.post(
        reverse("dues:pay", args=[world.a.branch.pk]),
        {"person": world.a.member.pk, "month": f"{this_month():%Y-%m}"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'data-status="paid"' in response.content.decode()
    assert Charge.objects.get(person=world.a.member).paid == Decimal("30.00")


def test_a_refused_payment_is_explained_in_the_row(world, login):
    base(world.a.member, this_month(), "3000.00")
    charge(world.a.branch, this_month())
    services.close_month(actor=None, organization=world.a.branch, month=this_month())
    response = login(world.a.secretary).post(
        reverse("dues:pay", args=[world.a.branch.pk]),
        {"person": world.a.member.pk, "month": f"{this_month():%Y-%m}"},
        HTTP_HX_REQUEST="true",
    )
    assert "closed" in response.content.decode() or "已" in response.content.decode()
    assert not Payment.objects.exists()


def test_side_b_cannot_see_or_pay_side_a(world, login):
    base(world.a.member, this_month())
    client = login(world.b.secretary)
    assert client.get(reverse("dues:ledger", args=[world.a.branch.pk])).status_code == 404
    assert client.get(reverse("dues:member", args=[world.a.member.pk])).status_code == 404
    response = client.post(
        reverse("dues:pay", args=[world.a.branch.pk]), {"person": world.a.member.pk, "month": f"{this_month():%Y-%m}"}
    )
    assert response.status_code == 404
    response = client.post(reverse("dues:pay", args=[world.b.branch.pk]), {"person": world.a.member.pk})
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_a_manager_never_reads_dues_nor_the_base_pay(world, login):
    base(world.a.member, this_month(), "7777.00")
    client = login(world.a.manager)
    assert client.get(reverse("dues:ledger", args=[world.a.branch.pk])).status_code == 404
    assert client.get(reverse("dues:member", args=[world.a.member.pk])).status_code == 403
    panel = client.get(reverse("dues:person", args=[world.a.member.pk]))
    assert panel.status_code == 200 and "7,777" not in panel.content.decode() and "dues" not in panel.content.decode()


def test_a_member_reads_their_own_dues_and_base_but_not_a_colleagues(world, login):
    base(world.a.member, this_month(), "7777.00")
    base(world.a.secretary.person, this_month(), "8888.00")
    user = UserFactory(username="member_a", person=world.a.member)
    client = login(user)
    own = client.get(reverse("dues:member", args=[world.a.member.pk]))
    assert own.status_code == 200 and "¥••••" in own.content.decode()
    from dangjian.dues.models import DuesBase

    mine = DuesBase.objects.get(person=world.a.member)
    assert "¥7,777.00" in client.post(reverse("dues:base_reveal", args=[mine.pk])).content.decode()
    assert client.get(reverse("dues:member", args=[world.a.secretary.person.pk])).status_code == 403
    assert client.get(reverse("dues:ledger", args=[world.a.branch.pk])).status_code == 404
    assert client.get(reverse("dues:home")).url == reverse("dues:member", args=[world.a.member.pk])


def test_the_unpaid_list_and_the_county_reads_it(world, login):
    base(world.a.member, this_month(), "3000.00")
    base(world.b.member, this_month(), "3000.00")
    charge(world.a.branch, this_month())
    charge(world.b.branch, this_month())
    county = login(world.county_admin).get(reverse("dues:unpaid", args=[world.county.pk]))
    assert "A党员" in county.content.decode() and "B党员" in county.content.decode()
    own = login(world.a.secretary).get(reverse("dues:unpaid", args=[world.a.branch.pk]))
    assert "A党员" in own.content.decode() and "B党员" not in own.content.decode()


def test_forms_record_a_base_an_advance_payment_and_an_exemption(world, login):
    client = login(world.a.secretary)
    m = f"{this_month():%Y-%m}"
    r = client.post(
        reverse("dues:base", args=[world.a.member.pk]), {"month": m, "category": "employed", "base_pay": "5000.01"}
    )
    assert r.status_code == 302
    r = client.post(
        reverse("dues:payment", args=[world.a.member.pk]),
        {"first_month": m, "months": 3, "paid_on": dt.date.today().isoformat(), "paid_by": world.a.secretary.person.pk},
    )
    assert r.status_code == 302, r.content.decode()
    assert Payment.objects.get().amount == Decimal("225.00")
    r = client.post(
        reverse("dues:payment", args=[world.a.member.pk]),
        {"first_month": "1999-01", "months": 1, "paid_on": dt.date.today().isoformat()},
    )
    assert r.status_code == 400 and "2015-07" in r.content.decode()


def test_the_statement_downloads_as_excel_and_is_logged(world, login):
    from dangjian.audit.models import AuditEvent

    base(world.a.member, this_month(), "3000.00")
    charge(world.a.branch, this_month())
    r = login(world.a.secretary).post(
        reverse("dues:statement_xlsx", args=[world.a.branch.pk]) + f"?year={this_month().year}&m={this_month().month}"
    )
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEvent.objects.filter(object_type="dues.Statement", action="export").exists()


def test_only_the_top_organisation_department_adds_a_band_set(world, login):
    assert login(world.county_admin).get(reverse("dues:band_new")).status_code == 403
    from dangjian.access import services as access_services
    from dangjian.access.models import Role

    top = UserFactory(username="prefecture_admin")
    access_services.assign_role(actor=None, user=top, role=Role.ORG_DEPARTMENT, organization=world.prefecture)
    assert login(top).get(reverse("dues:band_new")).status_code == 200
    assert "0.5%" in login(top).get(reverse("dues:bands")).content.decode()


def test_a_large_statement_is_written_by_a_job_with_progress(
    world, login, settings, django_capture_on_commit_callbacks
):
    from dangjian.jobs.models import Job

    settings.DUES_STATEMENT_SYNC_CHARGES = 1
    for side in (world.a, world.b):
        base(side.member, this_month(), "3000.00")
        base(side.secretary.person, this_month(), "3000.00")
        charge(side.branch, this_month())
    client = login(world.county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dues:statement_xlsx", args=[world.county.pk]) + f"?year={this_month().year}")
    job = Job.objects.get(requested_by=world.county_admin)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "done" and job.done == job.total == 4
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    # The branch's secretary may not start one for the county (not theirs to read).
    assert login(world.a.secretary).post(reverse("dues:statement_xlsx", args=[world.county.pk])).status_code == 404


def _top(world):
    from dangjian.access import services as access_services
    from dangjian.access.models import Role

    top = UserFactory(username="prefecture_admin")
    access_services.assign_role(actor=None, user=top, role=Role.ORG_DEPARTMENT, organization=world.prefecture)
    return top


def test_a_band_rate_is_typed_in_percent_as_the_page_shows_it(world, login):
    from dangjian.calendar import add_months
    from dangjian.dues.models import RateBand

    client = login(_top(world))
    later = add_months(this_month(), 2)
    data = {"category": "student", "effective_from": f"{later:%Y-%m}", "bands": "3000, 0.5%\n, 1"}
    client.post(reverse("dues:band_new"), data)
    assert list(RateBand.objects.filter(effective_from=later).order_by("rate").values_list("rate", flat=True)) == [
        Decimal("0.005"),
        Decimal("0.01"),
    ]
    page = client.post(reverse("dues:band_new"), {**data, "category": "retired", "bands": "3000, abc\n, 1"})
    assert page.status_code == 400
    assert "“abc” is not a rate: write the percent as a number" in page.content.decode()
    assert not RateBand.objects.filter(category="retired", effective_from=later).exists()


def test_a_month_out_of_range_is_explained_not_a_server_error(world, login):
    page = login(world.a.secretary).get(reverse("dues:ledger", args=[world.a.branch.pk]) + "?month=9999-12")
    assert page.status_code == 200
    assert "“9999-12” is not a month" in page.content.decode()


def test_the_base_pay_is_masked_until_shown_and_the_viewing_is_audited(world, login):
    from dangjian.audit.models import AuditEvent
    from dangjian.dues.models import DuesBase

    base(world.a.member, this_month(), "4321.09")
    row = DuesBase.objects.get()
    client = login(world.a.secretary)
    page = client.get(reverse("dues:member", args=[world.a.member.pk])).content.decode()
    assert "4,321.09" not in page and "¥••••" in page
    assert not AuditEvent.objects.filter(action="reveal").exists()
    shown = client.post(reverse("dues:base_reveal", args=[row.pk]), HTTP_HX_REQUEST="true")
    assert "¥4,321.09" in shown.content.decode()
    assert AuditEvent.objects.filter(action="reveal", object_type="dues.DuesBase", object_id=str(row.pk)).exists()
    # Side B reaches nothing of A's.
    assert login(world.b.secretary).post(reverse("dues:base_reveal", args=[row.pk])).status_code == 404
