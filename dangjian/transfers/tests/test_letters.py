"""Issuing, accepting, returning and cancelling letters within the platform: the rules a user
meets (validity, same branch, one open letter, expiry) and where the member belongs after."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from dangjian.audit.models import AuditEvent
from dangjian.notifications.models import Notification
from dangjian.people import services as people_services
from dangjian.people.models import Membership
from dangjian.testing.factories import PersonFactory
from dangjian.testing.transfers import issued, other_county_branch
from dangjian.transfers import services
from dangjian.transfers.models import Status, Transfer

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


def _issue(world, **kw):
    params = {
        "actor": world.a.secretary,
        "person": world.a.member,
        "to_org": world.b.branch,
        "issued_on": TODAY,
        "dues_paid_to": dt.date(2026, 11, 15),
        "today": TODAY,
    }
    params.update(kw)
    return services.issue(**params)


def test_an_issued_letter_leaves_the_member_with_the_sender_until_accepted(world):
    t = _issue(world)
    assert t.status == Status.ISSUED
    assert t.number == f"2026-{world.a.branch.pk:04d}-001"
    assert t.valid_until == TODAY + dt.timedelta(days=30)
    assert t.dues_paid_to == dt.date(2026, 11, 1)
    assert (t.person_name, t.member_status, t.admitted_on) == ("A党员", "full", dt.date(2015, 7, 1))
    world.a.member.refresh_from_db()
    assert world.a.member.party_org == world.a.branch
    # The receiving branch's secretary is told; the sender (the actor) is not.
    told = Notification.objects.filter(key=f"transfer:{t.pk}:issued")
    assert [n.user for n in told] == [world.b.secretary]
    assert AuditEvent.objects.filter(object_type="transfers.Transfer", object_id=str(t.pk), action="create").exists()


def test_numbers_count_per_issuing_organisation_and_year(world):
    first = _issue(world)
    services.cancel(actor=world.a.secretary, transfer=first, reason="写错了", today=TODAY)
    second = _issue(world, to_org=other_county_branch(world))
    assert second.number == f"2026-{world.a.branch.pk:04d}-002"
    b_letter = _issue(world, actor=world.b.secretary, person=world.b.member, to_org=world.a.branch)
    assert b_letter.number == f"2026-{world.b.branch.pk:04d}-001"


def test_validity_of_exactly_three_months_is_allowed_and_a_day_more_refused(world):
    issued_on = dt.date(2026, 11, 30)  # three months on is 28 February (the month's last day)
    with pytest.raises(ValidationError) as exc:
        _issue(world, issued_on=issued_on, valid_until=dt.date(2027, 3, 1))
    assert "2027-02-28" in exc.value.message_dict["valid_until"][0]
    assert not Transfer.objects.exists()
    t = _issue(world, issued_on=issued_on, valid_until=dt.date(2027, 2, 28))
    assert t.valid_until == dt.date(2027, 2, 28)


def test_a_letter_valid_for_no_day_is_refused_and_one_day_allowed(world):
    with pytest.raises(ValidationError) as exc:
        _issue(world, valid_until=TODAY)
    assert "valid_until" in exc.value.message_dict
    assert _issue(world, valid_until=TODAY + dt.timedelta(days=1)).valid_until == TODAY + dt.timedelta(days=1)


def test_a_transfer_to_the_members_own_branch_or_its_group_is_refused(world):
    for org in (world.a.branch, world.a.group):
        with pytest.raises(ValidationError) as exc:
            _issue(world, to_org=org)
        assert "own branch" in exc.value.message_dict["to_org"][0]
    assert not Transfer.objects.exists()


def test_a_second_letter_while_one_is_on_its_way_is_refused(world):
    first = _issue(world)
    with pytest.raises(ValidationError) as exc:
        _issue(world, to_org=other_county_branch(world))
    assert first.number in exc.value.message_dict["person"][0]
    assert Transfer.objects.count() == 1


def test_the_dues_month_comes_from_the_ledger_and_is_asked_for_when_it_has_none(world):
    from dangjian.dues import services as dues_services
    from dangjian.testing import dues as dues_scene

    # Nothing in the ledger: the issuer must say.
    with pytest.raises(ValidationError) as exc:
        _issue(world, dues_paid_to=None)
    assert "dues_paid_to" in exc.value.message_dict
    assert not Transfer.objects.exists()
    # Paid January to March in the ledger: the letter states March, and the form offers it.
    jan = dt.date(2026, 1, 1)
    newcomer = PersonFactory(name="新党员", employer=world.a.enterprise)
    people_services.add_membership(actor=None, person=newcomer, organization=world.a.branch, admitted_on=jan)
    dues_scene.base(newcomer, jan, "3000.00")
    dues_services.record_payment(actor=None, person=newcomer, first_month=jan, months=3)
    assert _issue(world, person=newcomer, dues_paid_to=None).dues_paid_to == dt.date(2026, 3, 1)


def test_a_non_member_has_no_letter(world):
    with pytest.raises(ValidationError) as exc:
        _issue(world, person=world.a.worker)
    assert "person" in exc.value.message_dict


def test_acceptance_moves_the_membership_with_its_dates(world):
    t = _issue(world, issued_on=TODAY - dt.timedelta(days=3))
    services.accept(actor=world.b.secretary, transfer=t, on=TODAY, today=TODAY)
    records = list(Membership.objects.filter(person=world.a.member).order_by("pk"))
    assert [(m.organization, m.ended_on, m.end_reason) for m in records] == [
        (world.a.branch, TODAY, "transferred"),
        (world.b.branch, None, ""),
    ]
    new = records[1]
    assert (new.admitted_on, new.converted_on, new.joined_org_on) == (
        dt.date(2015, 7, 1),
        dt.date(2016, 7, 1),
        TODAY,
    )
    world.a.member.refresh_from_db()
    assert world.a.member.party_org == world.b.branch
    assert world.a.member.political_status == "full"
    t.refresh_from_db()
    assert (t.status, t.done_on, t.done_by) == (Status.ACCEPTED, TODAY, world.b.secretary)
    assert Notification.objects.filter(key=f"transfer:{t.pk}:accepted", user=world.a.secretary).exists()


def test_accepting_an_expired_letter_is_refused_with_its_date(world):
    t = _issue(world, issued_on=TODAY - dt.timedelta(days=40), valid_until=TODAY - dt.timedelta(days=10))
    with pytest.raises(ValidationError) as exc:
        services.accept(actor=world.b.secretary, transfer=t, on=TODAY, today=TODAY)
    assert (TODAY - dt.timedelta(days=10)).isoformat() in exc.value.message_dict["on"][0]
    t.refresh_from_db()
    assert t.status == Status.ISSUED
    assert Membership.objects.get(person=world.a.member, ended_on__isnull=True).organization == world.a.branch
    # On its last valid day it is still accepted.
    services.accept(actor=world.b.secretary, transfer=t, on=t.valid_until, today=t.valid_until)
    assert Membership.objects.get(person=world.a.member, ended_on__isnull=True).organization == world.b.branch


def test_an_expired_letter_cannot_be_accepted_by_backdating_the_acceptance(world):
    # Valid until 30 November; on 15 December the receiver types 30 November as the day.
    t = _issue(world, issued_on=dt.date(2026, 11, 1), valid_until=dt.date(2026, 11, 30))
    with pytest.raises(ValidationError) as exc:
        services.accept(actor=world.b.secretary, transfer=t, on=dt.date(2026, 11, 30), today=dt.date(2026, 12, 15))
    message = exc.value.message_dict["on"][0]
    assert "2026-11-30" in message and "new one" in message
    t.refresh_from_db()
    assert t.status == Status.ISSUED
    # The sender's membership is not ended retroactively.
    assert Membership.objects.get(person=world.a.member, ended_on__isnull=True).organization == world.a.branch


def test_acceptance_is_dated_between_the_letters_date_and_today(world):
    t = _issue(world, issued_on=dt.date(2026, 11, 20), valid_until=dt.date(2026, 12, 20))
    for on in (dt.date(2026, 11, 19), dt.date(2026, 12, 8)):
        with pytest.raises(ValidationError) as exc:
            services.accept(actor=world.b.secretary, transfer=t, on=on, today=TODAY)
        assert on.isoformat() in exc.value.message_dict["on"][0] or "2026-11-20" in exc.value.message_dict["on"][0]
    assert Membership.objects.get(person=world.a.member, ended_on__isnull=True).organization == world.a.branch


def test_a_returned_letter_leaves_the_member_and_tells_the_sender_why(world):
    t = _issue(world)
    with pytest.raises(ValidationError):
        services.return_letter(actor=world.b.secretary, transfer=t, reason="  ", today=TODAY)
    services.return_letter(actor=world.b.secretary, transfer=t, reason="本人未到岗", today=TODAY)
    t.refresh_from_db()
    assert (t.status, t.returned_reason) == (Status.RETURNED, "本人未到岗")
    assert Membership.objects.get(person=world.a.member, ended_on__isnull=True).organization == world.a.branch
    told = Notification.objects.get(key=f"transfer:{t.pk}:returned")
    assert told.user == world.a.secretary and "本人未到岗" in told.body
    # The member may be sent again.
    assert _issue(world).status == Status.ISSUED
    with pytest.raises(ValidationError):
        services.accept(actor=world.b.secretary, transfer=t, today=TODAY)  # a returned letter stays returned


def test_a_cancelled_letter_needs_a_reason_and_cannot_be_accepted(world):
    t = _issue(world)
    with pytest.raises(ValidationError) as exc:
        services.cancel(actor=world.a.secretary, transfer=t, reason="", today=TODAY)
    assert "reason" in exc.value.message_dict
    services.cancel(actor=world.a.secretary, transfer=t, reason="开错了", today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.accept(actor=world.b.secretary, transfer=t, today=TODAY)
    assert "Cancelled" in exc.value.messages[0] or "取消" in exc.value.messages[0]


def test_expiry_is_flagged_once_to_both_sides(world):
    t = issued(world, on=TODAY - dt.timedelta(days=31), today=TODAY)
    assert services.flag_expired(today=TODAY - dt.timedelta(days=1))["expired"] == 0  # its last valid day
    result = services.flag_expired(today=TODAY)
    assert result == {"expired": 1, "notifications": 2}
    users = {n.user for n in Notification.objects.filter(key=f"transfer:{t.pk}:expired")}
    assert users == {world.a.secretary, world.b.secretary}
    assert services.flag_expired(today=TODAY + dt.timedelta(days=1)) == {"expired": 0, "notifications": 0}


def test_a_paper_transfer_of_the_past_is_kept_with_the_members_earlier_record(world):
    newcomer = PersonFactory(name="A新党员", employer=world.a.enterprise)
    joined = dt.date(2026, 3, 1)
    m = people_services.add_membership(
        actor=None,
        person=newcomer,
        organization=world.a.branch,
        admitted_on=dt.date(2018, 6, 1),
        converted_on=dt.date(2019, 6, 1),
        joined_org_on=joined,
    )
    t = services.record_past_transfer(
        actor=None,
        membership=m,
        from_org=world.b.branch,
        issued_on=dt.date(2026, 2, 20),
        valid_until=dt.date(2026, 3, 20),
        dues_paid_to=dt.date(2026, 1, 1),
        today=TODAY,
    )
    assert (t.status, t.done_on, t.from_org, t.to_org) == (Status.ACCEPTED, joined, world.b.branch, world.a.branch)
    before = Membership.objects.get(person=newcomer, organization=world.b.branch)
    assert (before.ended_on, before.end_reason, before.admitted_on) == (joined, "transferred", dt.date(2018, 6, 1))
    newcomer.refresh_from_db()
    assert newcomer.party_org == world.a.branch
    with pytest.raises(ValidationError):  # the letter had expired before the day it was joined
        services.record_past_transfer(
            actor=None,
            membership=m,
            from_org=world.b.branch,
            issued_on=dt.date(2026, 1, 1),
            valid_until=dt.date(2026, 1, 31),
            dues_paid_to=dt.date(2026, 1, 1),
            today=TODAY,
        )


def test_the_daily_commands_run_from_cron_say_what_they_did(world):
    issued(world, on=TODAY - dt.timedelta(days=31), today=TODAY)
    out = StringIO()
    call_command("flag_expired_transfers", "--today", TODAY.isoformat(), stdout=out)
    assert "1 expired, 2 notifications" in out.getvalue()
    out = StringIO()
    call_command("purge_transfer_stubs", "--today", TODAY.isoformat(), stdout=out)
    assert "0 emptied" in out.getvalue()


def test_a_letter_cancelled_meanwhile_is_not_accepted_from_a_page_read_before(world):
    t = _issue(world)
    # The pages opened before the sender cancelled it: the receiver's (twice) and another sender's.
    to_accept, to_return, to_cancel = (Transfer.objects.get(pk=t.pk) for _ in range(3))
    services.cancel(actor=world.a.secretary, transfer=t, reason="写错了", today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.accept(actor=world.b.secretary, transfer=to_accept, today=TODAY)
    assert "Cancelled" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.return_letter(actor=world.b.secretary, transfer=to_return, reason="本人未到岗", today=TODAY)
    with pytest.raises(ValidationError):
        services.cancel(actor=world.a.secretary, transfer=to_cancel, reason="又写错了", today=TODAY)
    t.refresh_from_db()
    assert (t.status, t.cancelled_reason) == (Status.CANCELLED, "写错了")
    assert Membership.objects.get(person=world.a.member, ended_on__isnull=True).organization == world.a.branch
