"""Letters out of the platform (the receipt closes the record; stubs kept, then emptied) and in
from outside (registered, verified, placed: the person and their record created)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from dangjian.audit.models import AuditEvent
from dangjian.people.models import Membership, Person
from dangjian.testing.factories import make_id_number
from dangjian.transfers import services
from dangjian.transfers.models import Status, Transfer

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


def _outgoing(world, on=TODAY):
    return services.issue(
        actor=world.a.secretary,
        person=world.a.member,
        outside_org_name="乌鲁木齐市某公司党支部",
        issued_on=on,
        dues_paid_to=dt.date(2026, 11, 1),
        today=max(on, TODAY),
    )


def test_the_sender_keeps_the_member_until_the_receipt_comes_back(world):
    t = _outgoing(world)
    assert t.kind == "outgoing" and t.to_org is None and t.receiver_name == "乌鲁木齐市某公司党支部"
    world.a.member.refresh_from_db()
    assert world.a.member.party_org == world.a.branch
    with pytest.raises(ValidationError) as exc:
        services.record_receipt(
            actor=world.a.secretary, transfer=t, received_on=TODAY - dt.timedelta(days=1), receipt_org_name="x"
        )
    assert "received_on" in exc.value.message_dict
    services.record_receipt(
        actor=world.a.secretary, transfer=t, received_on=TODAY, receipt_org_name="乌鲁木齐市某公司党支部", today=TODAY
    )
    ended = Membership.objects.get(person=world.a.member)
    assert (ended.ended_on, ended.end_reason) == (TODAY, "transferred")
    world.a.member.refresh_from_db()
    assert world.a.member.party_org is None
    assert world.a.member.political_status == "masses"  # no longer a member here: the new branch keeps them


@override_settings(TRANSFER_STUB_RETENTION_YEARS=10)
def test_a_stub_keeps_its_detail_for_the_retention_and_loses_it_after(world):
    t = _outgoing(world, on=dt.date(2016, 3, 1))
    services.record_receipt(
        actor=world.a.secretary, transfer=t, received_on=dt.date(2016, 3, 20), receipt_org_name="某党委", today=TODAY
    )
    with pytest.raises(ValidationError) as exc:
        services.purge_stub(actor=None, transfer=t, today=dt.date(2026, 2, 28))
    assert "2026-03-01" in exc.value.messages[0]
    assert services.purge_old_stubs(today=dt.date(2026, 2, 28)) == {"purged": 0}
    assert services.purge_old_stubs(today=dt.date(2026, 3, 1)) == {"purged": 1}
    t.refresh_from_db()
    assert (t.person_id, t.person_name, t.birth_date, t.purged_on) == (None, "", None, dt.date(2026, 3, 1))
    assert t.number and t.outside_org_name  # the letter's own facts stay
    event = (
        AuditEvent.objects.filter(object_type="transfers.Transfer", object_id=str(t.pk), action="update")
        .order_by("pk")
        .last()
    )
    # The removal is recorded by the names of what was removed, not their values.
    assert "person_name" in event.changes["personal_detail_removed"]
    assert "birth_date" in event.changes["personal_detail_removed"]


@override_settings(TRANSFER_STUB_RETENTION_YEARS=10)
def test_the_audit_log_never_holds_the_letters_personal_detail(world):
    name, birth = world.a.member.name, world.a.member.birth_date.isoformat()
    t = _outgoing(world, on=dt.date(2016, 3, 1))
    services.record_receipt(
        actor=world.a.secretary, transfer=t, received_on=dt.date(2016, 3, 20), receipt_org_name="某党委", today=TODAY
    )
    services.purge_stub(actor=None, transfer=t, today=dt.date(2026, 3, 1))
    events = AuditEvent.objects.filter(object_type="transfers.Transfer", object_id=str(t.pk))
    assert {e.action for e in events} >= {"create", "update"}
    for event in events:
        held = json.dumps(event.changes, ensure_ascii=False) + event.object_repr
        assert name not in held and birth not in held, event.changes


def _register(world, **kw):
    fields = {
        "outside_org_name": "库尔勒市某公司党支部",
        "number": "库组转〔2026〕15号",
        "issued_on": TODAY - dt.timedelta(days=5),
        "valid_until": TODAY + dt.timedelta(days=25),
        "dues_paid_to": dt.date(2026, 11, 1),
        "person_name": "吐尔洪",
        "gender": "M",
        "ethnicity": "02",
        "birth_date": dt.date(1990, 5, 4),
        "member_status": "full",
        "admitted_on": dt.date(2015, 6, 1),
        "converted_on": dt.date(2016, 6, 1),
    }
    fields.update(kw)
    return services.register_incoming(actor=world.a.secretary, to_org=world.a.branch, today=TODAY, **fields)


def test_the_same_letter_from_outside_is_not_registered_twice(world):
    first = _register(world)
    with pytest.raises(ValidationError) as exc:
        _register(world, number=" 库组转〔2026〕15号 ")
    assert "already registered" in exc.value.message_dict["number"][0]
    assert Transfer.objects.filter(kind="incoming").count() == 1
    # Once it is placed, a letter of the same number is another matter (another year's, say).
    services.verify_incoming(actor=world.a.secretary, transfer=first, today=TODAY)
    services.place_incoming(
        actor=world.a.secretary, transfer=first, id_number=make_id_number(dt.date(1990, 5, 4), "M", 771), today=TODAY
    )
    assert _register(world).status == Status.REGISTERED


def test_a_letter_from_outside_is_registered_verified_and_its_member_placed(world):
    t = _register(world)
    number = make_id_number(dt.date(1990, 5, 4), "M", 771)
    with pytest.raises(ValidationError):  # verified first
        services.place_incoming(actor=world.a.secretary, transfer=t, id_number=number, today=TODAY)
    services.verify_incoming(actor=world.a.secretary, transfer=t, today=TODAY)
    assert (t.status, t.verified_by, t.verified_on) == (Status.VERIFIED, world.a.secretary, TODAY)
    services.place_incoming(actor=world.a.secretary, transfer=t, id_number=number, on=TODAY, today=TODAY)
    person = Person.objects.get(name="吐尔洪")
    m = Membership.objects.get(person=person)
    assert (m.organization, m.admitted_on, m.converted_on, m.joined_org_on) == (
        world.a.branch,
        dt.date(2015, 6, 1),
        dt.date(2016, 6, 1),
        TODAY,
    )
    assert (person.party_org, person.political_status, person.ethnicity) == (world.a.branch, "full", "02")
    t.refresh_from_db()
    assert (t.status, t.person) == (Status.PLACED, person)


def test_an_incoming_letter_says_what_is_missing_and_stores_nothing(world):
    with pytest.raises(ValidationError) as exc:
        _register(world, number="", member_status="full", converted_on=None, valid_until=TODAY + dt.timedelta(days=200))
    errors = exc.value.message_dict
    assert {"number", "converted_on", "valid_until"} <= set(errors)
    assert not Person.objects.filter(name="吐尔洪").exists()


def test_placing_with_someone_elses_id_number_is_refused(world):
    t = _register(world)
    services.verify_incoming(actor=world.a.secretary, transfer=t, today=TODAY)
    with pytest.raises(ValidationError) as exc:  # A's own worker: a different name
        services.place_incoming(actor=world.a.secretary, transfer=t, id_number=world.a.worker.id_number, today=TODAY)
    assert "A工人" in exc.value.message_dict["id_number"][0]
    with pytest.raises(ValidationError) as exc:  # B's worker: registered elsewhere, not disclosed
        services.place_incoming(actor=world.a.secretary, transfer=t, id_number=world.b.worker.id_number, today=TODAY)
    assert "B工人" not in exc.value.message_dict["id_number"][0]
    t.refresh_from_db()
    assert (
        t.status == Status.VERIFIED
        and not Membership.objects.filter(organization=world.a.branch, person__name="吐尔洪").exists()
    )


def test_placing_an_expired_incoming_letter_is_refused_with_its_date(world):
    t = _register(world, issued_on=TODAY - dt.timedelta(days=60), valid_until=TODAY - dt.timedelta(days=1))
    services.verify_incoming(actor=world.a.secretary, transfer=t, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.place_incoming(
            actor=world.a.secretary, transfer=t, id_number=make_id_number(dt.date(1990, 5, 4), "M", 772), today=TODAY
        )
    assert (TODAY - dt.timedelta(days=1)).isoformat() in exc.value.message_dict["on"][0]
    # Backdating the placement into the validity does not help either.
    with pytest.raises(ValidationError) as exc:
        services.place_incoming(
            actor=world.a.secretary,
            transfer=t,
            id_number=make_id_number(dt.date(1990, 5, 4), "M", 772),
            on=TODAY - dt.timedelta(days=1),
            today=TODAY,
        )
    assert (TODAY - dt.timedelta(days=1)).isoformat() in exc.value.message_dict["on"][0]
    assert not Person.objects.filter(name="吐尔洪").exists()
