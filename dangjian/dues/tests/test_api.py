"""The dues API as a branch's keeper and a member use it; B's branch and members are 404 to A."""

from dangjian.dues.models import Payment
from dangjian.testing.api import API
from dangjian.testing.dues import base, charge, month
from dangjian.testing.factories import UserFactory

JAN = month(2026, 1)


def test_the_keeper_records_an_advance_payment_and_reads_the_ledger(world, api_as):
    base(world.a.member, JAN, "5000.00")
    client = api_as(world.a.secretary)
    r = client.post(
        f"{API}/dues/members/{world.a.member.pk}/payments",
        data={"first_month": "2026-01", "months": 2, "paid_by_id": world.a.secretary.person_id},
    )
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == "100.00"
    ledger = client.get(f"{API}/dues/ledger", {"org": world.a.branch.pk, "month": "2026-02"}).json()
    row = next(x for x in ledger["rows"] if x["person_id"] == world.a.member.pk)
    assert row["status"] == "paid" and row["paid"] == "50.00" and row["paid_by_id"] == world.a.secretary.person_id


def test_a_negative_amount_is_refused_in_the_users_words(world, api_as):
    base(world.a.member, JAN, "5000.00")
    r = api_as(world.a.secretary).post(
        f"{API}/dues/members/{world.a.member.pk}/payments", data={"first_month": "2026-01", "amount": "-1.00"}
    )
    assert r.status_code == 422 and not Payment.objects.exists()


def test_a_member_reads_their_own_base_and_a_manager_reads_nothing(world, api_as):
    base(world.a.member, JAN, "5000.00")
    own = api_as(UserFactory(username="member_a", person=world.a.member)).get(
        f"{API}/dues/members/{world.a.member.pk}", {"reveal": "base_pay"}
    )
    assert own.status_code == 200 and own.json()["base_pay"] == "5000.00"
    assert api_as(world.a.manager).get(f"{API}/dues/members/{world.a.member.pk}").status_code == 403
    assert api_as(world.a.manager).get(f"{API}/dues/ledger", {"org": world.a.branch.pk}).status_code == 404


def test_side_a_never_reads_side_bs_lists(world, api_as):
    base(world.b.member, JAN, "3000.00")
    charge(world.b.branch, JAN)
    client = api_as(world.a.secretary)
    assert client.get(f"{API}/dues/ledger", {"org": world.b.branch.pk}).status_code == 404
    assert client.get(f"{API}/dues/unpaid", {"org": world.b.branch.pk, "month": "2026-01"}).status_code == 404
    assert client.get(f"{API}/dues/unpaid", {"org": world.a.branch.pk, "month": "2026-01"}).json() == []
    bands = api_as(world.b.secretary).get(f"{API}/dues/bands").json()
    assert any(b["category"] == "employed" and b["up_to"] == "3000.00" and b["rate"] == "0.005" for b in bands)


def test_the_base_pay_comes_only_when_asked_for_and_is_audited(world, api_as):
    from dangjian.audit.models import AuditEvent

    base(world.a.member, month(2026, 1), "4321.09")
    client = api_as(world.a.secretary)
    assert client.get(f"{API}/dues/members/{world.a.member.pk}").json()["base_pay"] is None
    assert not AuditEvent.objects.filter(action="reveal").exists()
    body = client.get(f"{API}/dues/members/{world.a.member.pk}", {"reveal": "base_pay"}).json()
    assert body["base_pay"] == "4321.09"
    assert AuditEvent.objects.filter(action="reveal", object_type="dues.DuesBase").count() == 1


def test_a_month_past_2100_is_refused_in_words_not_a_server_error(world, api_as):
    """A month is read as YYYY-MM of 1900–2100 everywhere in the API (as on the pages): 9999-12
    was carried into date arithmetic that ends at year 9999."""
    client = api_as(world.a.secretary)
    for odd in ("9999-12", "2101-01", "1899-12"):
        r = client.get(f"{API}/dues/ledger", {"org": world.a.branch.pk, "month": odd})
        assert r.status_code == 422, (odd, r.status_code)
        assert "YYYY-MM" in r.content.decode()
    assert client.get(f"{API}/dues/ledger", {"org": world.a.branch.pk, "month": "2100-12"}).status_code == 200
