"""The audit log is a hash chain the database will not let anyone rewrite, and `verify_audit`
finds the first broken link if someone with the keys to the database does."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from dangjian.audit.models import AuditEvent
from dangjian.audit.services import GENESIS, compute_hash
from dangjian.organizations import services as org_services

TABLE = AuditEvent._meta.db_table


def _verify() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("verify_audit", stdout=out)
    return out.getvalue()


def _lift_append_only() -> None:
    """What an attacker with the database owner's password would do first. Inside the test's
    transaction, so it is undone with everything else."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_event_no_change")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")


@pytest.fixture
def chain(world):
    """The world's events plus a few of A's secretary's: at least a dozen links."""
    for name in ("一", "二", "三"):
        org_services.update_organization(actor=world.a.secretary, org=world.a.branch, name=f"A公司党支部{name}")
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) >= 12
    return events


def test_events_are_linked_from_the_genesis_hash(chain):
    assert chain[0].prev_hash == GENESIS
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash
    assert all(compute_hash(e) == e.hash for e in chain)


def test_verify_audit_passes_on_an_intact_chain(chain):
    assert f"Audit chain intact: {len(chain)} events verified." in _verify()


def test_the_database_refuses_update_and_delete(chain):
    victim = chain[len(chain) // 2]
    statements = [
        (f"UPDATE {TABLE} SET object_repr = %s WHERE id = %s", ["改写", victim.pk]),
        (f"DELETE FROM {TABLE} WHERE id = %s", [victim.pk]),
    ]
    if connection.vendor == "postgresql":
        statements.append((f"TRUNCATE {TABLE}", []))
    for sql, params in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=victim.pk).update(changes={})
    assert AuditEvent.objects.get(pk=victim.pk).object_repr == victim.object_repr
    assert AuditEvent.objects.count() == len(chain)


def test_the_model_refuses_to_save_or_delete_a_stored_event(chain):
    event = chain[-1]
    event.object_repr = "改写"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_a_changed_event_is_found_by_its_id(chain):
    victim = next(e for e in chain[3:] if e.action == "update")
    _lift_append_only()
    AuditEvent.objects.filter(pk=victim.pk).update(changes={"name": ["A公司党支部", "无事发生"]})
    with pytest.raises(CommandError, match=rf"event #{victim.pk} .*contents do not match"):
        _verify()


def test_a_deleted_event_in_the_middle_breaks_the_next_link(chain):
    middle, following = chain[len(chain) // 2], chain[len(chain) // 2 + 1]
    _lift_append_only()
    AuditEvent.objects.filter(pk=middle.pk).delete()
    with pytest.raises(CommandError, match=rf"event #{following.pk} .*link to the event before it"):
        _verify()


def test_deleting_the_newest_events_is_found_at_the_chain_head(chain):
    _lift_append_only()
    AuditEvent.objects.filter(pk=chain[-1].pk).delete()
    with pytest.raises(CommandError, match="end of chain.*newest events are missing"):
        _verify()


def test_a_rehashed_event_still_breaks_the_next_link(chain):
    # Recomputing the changed event's own hash is not enough: the next event points at the old one.
    victim, following = chain[4], chain[5]
    _lift_append_only()
    victim.changes = {"forged": [None, True]}
    AuditEvent.objects.filter(pk=victim.pk).update(changes=victim.changes, hash=compute_hash(victim))
    with pytest.raises(CommandError, match=rf"event #{following.pk} "):
        _verify()


def test_nested_services_move_the_head_once_and_keep_the_chain_whole(world):
    """A writing service that calls others (an import creating every row's person) appends all
    their events under one lock and moves the chain head once, at its end; an inner service that
    fails and is rolled back leaves no gap."""
    from django.test.utils import CaptureQueriesContext

    from dangjian.audit.models import ChainHead
    from dangjian.audit.services import write_transaction
    from dangjian.people import services as people_services

    @write_transaction
    def rename_three_and_fail_once():
        for name in ("甲", "乙"):
            org_services.update_organization(actor=world.a.secretary, org=world.a.branch, name=f"A支部{name}")
        try:
            with transaction.atomic():
                people_services.update_person(actor=world.a.secretary, person=world.a.worker, name="改名")
                raise RuntimeError("the row fails after its event was written")
        except RuntimeError:
            pass
        org_services.update_organization(actor=world.a.secretary, org=world.a.branch, name="A支部丙")

    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        rename_three_and_fail_once()
    head_moves = [q for q in ctx.captured_queries if q["sql"].startswith('UPDATE "audit_chainhead"')]
    assert len(head_moves) == 1
    assert AuditEvent.objects.count() == before + 3  # the failed row's event went with its row
    newest = AuditEvent.objects.latest("id")
    assert ChainHead.objects.get().last_hash == newest.hash
    assert "Audit chain intact" in _verify()


def test_deleting_the_newest_events_stays_visible_after_more_writes(world, chain):
    """The next event links to the head's hash, not to whatever event is newest now."""
    _lift_append_only()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [chain[-1].pk])
    org_services.update_organization(actor=world.a.secretary, org=world.a.branch, name="A公司党支部之后")
    with pytest.raises(CommandError, match="link to the event before it is broken"):
        _verify()
