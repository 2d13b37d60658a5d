"""The audit log is sealed in batches the database will not let anyone rewrite, each event and
seal keyed with a secret the database does not hold, and `verify_audit` names what was changed,
deleted, inserted or swapped — in sealed and in not-yet-sealed events — and, against checkpoints
kept outside the database, what someone holding the secrets rewrote (docs/architecture.md)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from dangjian.audit import hashing, sealing
from dangjian.audit.models import AuditEvent, AuditSeal
from dangjian.audit.services import record
from dangjian.organizations import services as org_services

# A seal's floor follows PostgreSQL's transaction horizon, which other test workers' open
# transactions would hold back: these run on their own, after the parallel part (Makefile).
pytestmark = pytest.mark.alone

TABLE = AuditEvent._meta.db_table
SEALS = AuditSeal._meta.db_table


def _verify(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def _lift_append_only() -> None:
    """What an attacker with the database owner's password would do first. Inside the test's
    transaction, so it is undone with everything else."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_event_no_change")
            cursor.execute(f"ALTER TABLE {SEALS} DISABLE TRIGGER audit_seal_no_change")
        else:
            for name in (
                "audit_event_no_update",
                "audit_event_no_delete",
                "audit_seal_no_update",
                "audit_seal_no_delete",
            ):
                cursor.execute(f"DROP TRIGGER {name}")


def _rename(world, *names: str) -> None:
    for name in names:
        org_services.update_organization(actor=world.a.secretary, org=world.a.branch, name=f"A公司党支部{name}")


def _forge(event: AuditEvent, *, with_key: bool, **fields) -> None:
    """Rewrite a stored event's fields and recompute its hash (anyone can), and its MAC (only
    who holds the audit key)."""
    for name, value in fields.items():
        setattr(event, name, value)
    event.hash = hashing.compute_hash(event)
    mac = hashing.mac(event.hash) if with_key else "0" * 64
    AuditEvent.objects.filter(pk=event.pk).update(**fields, hash=event.hash, mac=mac)


@pytest.fixture
def sealed(world):
    """The world's events plus a few of A's secretary's, all sealed, then three more not sealed."""
    _rename(world, "一", "二", "三")
    assert sealing.seal() is not None
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) >= 12
    _rename(world, "四", "五", "六")
    unsealed = list(AuditEvent.objects.filter(pk__gt=events[-1].pk).order_by("id"))
    assert len(unsealed) == 3
    return events, unsealed


def _update_event(events):
    return next(e for e in events[3:] if e.action == "update")


# --- what an intact log looks like -----------------------------------------------------------


def test_each_event_carries_a_hash_and_a_mac_over_its_id(sealed):
    events, unsealed = sealed
    for event in events + unsealed:
        assert event.hash == hashing.compute_hash(event)
        assert event.mac == hashing.mac(event.hash)
        assert not event.prev_hash
    # The id is in the hashed text: the same contents under another id hash differently.
    twin = AuditEvent(**{f.attname: getattr(events[5], f.attname) for f in AuditEvent._meta.concrete_fields})
    twin.pk = events[6].pk
    assert hashing.compute_hash(twin) != events[5].hash


def test_a_seal_covers_every_committed_event_once_and_links_to_the_one_before(sealed):
    events, unsealed = sealed
    first = AuditSeal.objects.get()
    assert first.count == len(events) and first.prev == hashing.GENESIS
    second = sealing.seal()
    assert second is not None and second.prev == first.hash
    assert second.count == 3 and hashing.from_ranges(second.ids) == [(unsealed[0].pk, unsealed[-1].pk)]
    assert sealing.seal() is None  # nothing new: no empty seal
    report = sealing.verify()
    assert report.problem == "" and report.checked == len(events) + 3 and report.seals == 2
    assert report.unsealed == 0 and report.gaps == []


def test_verify_audit_reports_the_intact_log_and_what_waits_for_a_seal(sealed):
    events, unsealed = sealed
    out = _verify()
    assert f"Audit log intact: {len(events) + 3} events verified, 1 seals." in out
    assert "3 events not sealed yet" in out


def test_status_says_how_many_events_wait_and_when_that_is_too_long(sealed, settings):
    events, unsealed = sealed
    found = sealing.status()
    assert found.unsealed == 3 and found.oldest_unsealed_at == unsealed[0].at and not found.late
    settings.AUDIT_SEAL_MAX_AGE_SECONDS = -1  # any wait is too long
    assert sealing.status().late
    sealing.seal()  # nothing waits now, however strict the limit
    assert not sealing.status().late and sealing.status().unsealed == 0


def test_the_database_refuses_update_and_delete_of_events_and_seals(sealed):
    events, _unsealed = sealed
    victim = events[len(events) // 2]
    statements = [
        (f"UPDATE {TABLE} SET object_repr = %s WHERE id = %s", ["改写", victim.pk]),
        (f"DELETE FROM {TABLE} WHERE id = %s", [victim.pk]),
        (f"UPDATE {SEALS} SET root = %s", ["0" * 64]),
        (f"DELETE FROM {SEALS}", []),
    ]
    if connection.vendor == "postgresql":
        statements += [(f"TRUNCATE {TABLE}", []), (f"TRUNCATE {SEALS}", [])]
    for sql, params in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert AuditEvent.objects.get(pk=victim.pk).object_repr == victim.object_repr
    assert AuditSeal.objects.count() == 1


def test_the_models_refuse_to_save_or_delete_a_stored_event_or_seal(sealed):
    events, _unsealed = sealed
    for stored in (events[-1], AuditSeal.objects.get()):
        with pytest.raises(RuntimeError):
            stored.save()
        with pytest.raises(RuntimeError):
            stored.delete()


# --- tampering with sealed events ------------------------------------------------------------


def test_sealed_a_changed_field_is_found_by_its_id(sealed):
    victim = _update_event(sealed[0])
    _lift_append_only()
    AuditEvent.objects.filter(pk=victim.pk).update(changes={"name": ["A公司党支部", "无事发生"]})
    with pytest.raises(CommandError, match=rf"event #{victim.pk} .*contents do not match"):
        _verify()


def test_sealed_a_rehashed_event_fails_its_mac(sealed):
    victim = _update_event(sealed[0])
    _lift_append_only()
    _forge(victim, with_key=False, changes={"forged": [None, True]})
    with pytest.raises(CommandError, match=rf"event #{victim.pk} .*MAC does not match"):
        _verify()


def test_sealed_an_event_rewritten_with_the_key_fails_its_seal(sealed):
    victim = _update_event(sealed[0])
    _lift_append_only()
    _forge(victim, with_key=True, changes={"forged": [None, True]})
    with pytest.raises(CommandError, match=r"seal #\d+ does not match its events"):
        _verify()


def test_sealed_a_deleted_event_in_the_middle_is_named(sealed):
    events, _unsealed = sealed
    middle = events[len(events) // 2]
    _lift_append_only()
    AuditEvent.objects.filter(pk=middle.pk).delete()
    with pytest.raises(
        CommandError, match=rf"event #{middle.pk}: event #{middle.pk} was sealed in seal #\d+ and is missing"
    ):
        _verify()


def test_sealed_deleting_the_newest_events_is_named(sealed):
    events, unsealed = sealed
    sealing.seal()
    _lift_append_only()
    AuditEvent.objects.filter(pk__gte=unsealed[1].pk).delete()
    with pytest.raises(CommandError, match=rf"event #{unsealed[1].pk} was sealed .* missing"):
        _verify()


def test_sealed_two_swapped_events_are_found(sealed):
    events, _unsealed = sealed
    a, b = events[4], events[5]
    _lift_append_only()
    fields = [
        "at",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes",
        "org_path",
        "actor_id",
        "actor_name",
    ]
    a_values = {f: getattr(a, f) for f in fields}
    b_values = {f: getattr(b, f) for f in fields}
    AuditEvent.objects.filter(pk=a.pk).update(hash=f"swap{a.pk}")  # the hash column is unique
    AuditEvent.objects.filter(pk=b.pk).update(**a_values, hash=a.hash, mac=a.mac)
    AuditEvent.objects.filter(pk=a.pk).update(**b_values, hash=b.hash, mac=b.mac)
    with pytest.raises(CommandError, match=rf"event #{a.pk} .*contents do not match"):
        _verify()
    # Recomputing both (with the key) still leaves the seal's tree head wrong.
    _forge(AuditEvent.objects.get(pk=a.pk), with_key=True)
    _forge(AuditEvent.objects.get(pk=b.pk), with_key=True)
    with pytest.raises(CommandError, match=r"seal #\d+ does not match its events"):
        _verify()


def test_sealed_an_inserted_event_is_found(sealed):
    events, unsealed = sealed
    sealing.seal()
    _lift_append_only()
    fake = AuditEvent(**{f.attname: getattr(events[5], f.attname) for f in AuditEvent._meta.concrete_fields})
    fake.pk = unsealed[-1].pk + 50
    fake.object_repr = "无中生有"
    fake.hash = hashing.compute_hash(fake)
    fake.mac = "0" * 64
    AuditEvent.objects.bulk_create([fake])
    with pytest.raises(CommandError, match=rf"event #{fake.pk} .*MAC does not match"):
        _verify()


def test_a_removed_or_changed_seal_is_found(sealed):
    first = AuditSeal.objects.get()
    sealing.seal()
    _lift_append_only()
    AuditSeal.objects.filter(pk=first.pk).update(root="0" * 64)
    with pytest.raises(CommandError, match=rf"seal #{first.pk} was changed"):
        _verify()
    AuditSeal.objects.filter(pk=first.pk).delete()
    with pytest.raises(CommandError, match=r"does not link to the seal before it"):
        _verify()


# --- tampering with events not sealed yet ----------------------------------------------------


def test_unsealed_a_changed_or_rehashed_event_is_found(sealed):
    _events, unsealed = sealed
    _lift_append_only()
    AuditEvent.objects.filter(pk=unsealed[0].pk).update(object_repr="改写")
    with pytest.raises(CommandError, match=rf"event #{unsealed[0].pk} .*contents do not match"):
        _verify()
    _forge(AuditEvent.objects.get(pk=unsealed[1].pk), with_key=False, object_repr="改写")
    AuditEvent.objects.filter(pk=unsealed[0].pk).update(object_repr=unsealed[0].object_repr)
    with pytest.raises(CommandError, match=rf"event #{unsealed[1].pk} .*MAC does not match"):
        _verify()


def test_unsealed_two_swapped_events_are_found(sealed):
    _events, unsealed = sealed
    a, b = unsealed[0], unsealed[1]
    _lift_append_only()
    AuditEvent.objects.filter(pk=a.pk).update(hash=f"swap{a.pk}")
    AuditEvent.objects.filter(pk=b.pk).update(changes=a.changes, object_repr=a.object_repr, hash=a.hash, mac=a.mac)
    AuditEvent.objects.filter(pk=a.pk).update(changes=b.changes, object_repr=b.object_repr, hash=b.hash, mac=b.mac)
    with pytest.raises(CommandError, match=rf"event #{a.pk} .*contents do not match"):
        _verify()


def test_unsealed_an_inserted_event_is_found(sealed):
    _events, unsealed = sealed
    _lift_append_only()
    fake = AuditEvent(**{f.attname: getattr(unsealed[0], f.attname) for f in AuditEvent._meta.concrete_fields})
    fake.pk = unsealed[-1].pk + 1
    fake.object_repr = "无中生有"
    fake.hash = hashing.compute_hash(fake)
    fake.mac = hashing.mac("something else")
    AuditEvent.objects.bulk_create([fake])
    with pytest.raises(CommandError, match=rf"event #{fake.pk} .*MAC does not match"):
        _verify()


def test_unsealed_deleted_events_leave_gaps_that_verify_names(sealed):
    """Before its seal, an event removed by someone holding the database leaves only the gap in
    the ids it took: verify names the gap (a rolled-back write leaves one too), and the next seal
    cannot take the gap in: the log is not 'intact' about ids it never saw."""
    _events, unsealed = sealed
    _lift_append_only()
    AuditEvent.objects.filter(pk__in=[unsealed[1].pk, unsealed[2].pk]).delete()
    out = _verify()
    assert f"2 event ids were given out and hold no event: #{unsealed[1].pk}–#{unsealed[2].pk}" in out
    sealing.seal()
    assert f"#{unsealed[1].pk}–#{unsealed[2].pk}" in _verify()


# --- a write that rolls back, and writers side by side -----------------------------------------


def test_a_rolled_back_write_leaves_a_gap_and_the_log_verifies(sealed, world):
    _events, unsealed = sealed
    with pytest.raises(RuntimeError), transaction.atomic():
        _rename(world, "七")
        raise RuntimeError("the write fails after its event")
    _rename(world, "八")
    sealing.seal()
    report = sealing.verify()
    assert report.problem == ""
    if connection.vendor == "postgresql":  # a sequence does not roll back
        assert report.gaps == [(unsealed[-1].pk + 1, unsealed[-1].pk + 1)]
    else:  # SQLite gives the id again
        assert report.gaps == []


def test_record_many_writes_the_same_events_as_record(world):
    from dangjian.audit.services import Draft, record_many

    before = AuditEvent.objects.count()
    drafts = [Draft("update", world.a.branch, changes={"n": [i, i + 1]}) for i in range(5)]
    assert record_many(actor=world.a.secretary, drafts=drafts, batch_size=2) == 5
    single = record(actor=world.a.secretary, action="update", obj=world.a.branch, changes={"n": [5, 6]})
    made = list(AuditEvent.objects.order_by("id")[before:])
    assert [e.changes["n"] for e in made] == [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6]]
    assert {(e.object_type, e.object_id, e.actor_id) for e in made} == {
        (single.object_type, single.object_id, world.a.secretary.pk)
    }
    assert [e.pk for e in made] == list(range(made[0].pk, made[0].pk + 6))
    assert sealing.seal().count >= 6 and sealing.verify().problem == ""


# --- anchored outside the database ------------------------------------------------------------


def _checkpoints(tmp_path, *seals) -> str:
    path = tmp_path / "checkpoints.jsonl"
    path.write_text("".join(json.dumps(sealing.checkpoint(s)) + "\n" for s in seals), encoding="utf-8")
    return str(path)


def test_verify_against_checkpoints_passes_on_the_intact_log(sealed, tmp_path):
    second = sealing.seal()
    path = _checkpoints(tmp_path, AuditSeal.objects.order_by("pk").first(), second)
    assert "Checked against 2 checkpoints" in _verify("--against", path)


def test_the_sealer_appends_each_seal_to_the_checkpoint_file(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "kept" / "checkpoints.jsonl")
    with django_capture_on_commit_callbacks(execute=True):
        first = sealing.seal()
    _rename(world, "九")
    with django_capture_on_commit_callbacks(execute=True):
        second = sealing.seal()
    points = sealing.read_checkpoints(settings.AUDIT_CHECKPOINT_FILE)
    assert [p["seal"] for p in points] == [first.pk, second.pk]
    assert sealing.verify_against(points) == []


def test_a_log_rewritten_with_every_secret_is_caught_by_a_checkpoint_kept_elsewhere(sealed, tmp_path):
    """Someone holding the database and the audit key rewrites a sealed event, recomputes its
    hash and MAC, the seal and every seal after it: the database alone says intact, the
    checkpoint kept off the server does not."""
    events, _unsealed = sealed
    first = AuditSeal.objects.get()
    path = _checkpoints(tmp_path, first)
    victim = _update_event(events)
    _lift_append_only()
    _forge(victim, with_key=True, changes={"name": ["真", "假"]})
    rows = list(AuditEvent.objects.filter(pk__lte=first.last_id).order_by("pk").values_list("pk", "hash"))
    AuditSeal.objects.all().delete()
    forged = sealing.seal(now=first.sealed_at)
    assert forged is not None and forged.count == len(rows) + 3
    assert "Audit log intact" in _verify()
    with pytest.raises(
        CommandError, match=rf"seal #{first.pk} .*(missing from the database|differs from the checkpoint)"
    ):
        _verify("--against", path)


def test_cutting_back_the_seals_is_caught_by_a_checkpoint(sealed, tmp_path):
    second = sealing.seal()
    path = _checkpoints(tmp_path, second)
    _lift_append_only()
    AuditSeal.objects.filter(pk=second.pk).delete()
    with pytest.raises(CommandError, match=rf"seal #{second.pk} of the checkpoint is missing"):
        _verify("--against", path)


def test_an_edited_checkpoint_is_refused(sealed, tmp_path):
    first = AuditSeal.objects.get()
    point = sealing.checkpoint(first)
    point["hash"] = "0" * 64
    path = tmp_path / "edited.jsonl"
    path.write_text(json.dumps(point) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="MAC does not match"):
        _verify("--against", str(path))


def test_a_log_checked_with_another_key_is_not_intact(sealed, settings):
    settings.AUDIT_KEY = "some other installation's key"
    with pytest.raises(CommandError, match="MAC does not match"):
        _verify()


def test_events_of_the_old_chain_are_checked_by_their_links(world):
    """Events written before seals existed carry prev_hash and no MAC; they are checked link by
    link, and one that does not link is found."""
    _lift_append_only()
    AuditEvent.objects.all().delete()
    old = []
    prev = hashing.GENESIS
    template = AuditEvent(at=world.a.branch.created_at, source="web", action="update", object_type="x", object_id="1")
    for n in range(1, 4):
        event = AuditEvent(**{f.attname: getattr(template, f.attname) for f in AuditEvent._meta.concrete_fields})
        event.pk, event.prev_hash, event.object_repr = n, prev, f"old {n}"
        event.hash = prev = hashing.compute_hash(event)
        old.append(event)
    AuditEvent.objects.bulk_create(old)
    _rename(world, "新")
    sealing.seal()
    report = sealing.verify()
    assert report.problem == "" and report.checked == 4
    AuditEvent.objects.filter(pk=2).update(prev_hash="f" * 64)
    with translation.override("en"):
        assert "link to the event before it is broken" in sealing.verify().problem


@pytest.mark.django_db(transaction=True)
def test_an_event_committed_after_a_higher_one_was_sealed_joins_a_later_seal():
    """PostgreSQL: writers commit out of id order. A seal takes what has committed; the slower
    writer's lower id joins the next seal, and the floor never passes an id still in flight."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: ids commit in order")
    started, release, slow = threading.Event(), threading.Event(), {}

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                slow["event"] = record(actor=None, action="update", object_type="x", object_id="slow")
                started.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert started.wait(10)
    fast = record(actor=None, action="update", object_type="x", object_id="fast")
    first = sealing.seal()
    assert first is not None and fast.pk > slow["event"].pk
    assert hashing.from_ranges(first.ids)[-1][1] == fast.pk
    assert all(not (a <= slow["event"].pk <= b) for a, b in hashing.from_ranges(first.ids))
    assert first.floor < slow["event"].pk
    release.set()
    thread.join(10)
    waiting = sealing.status()  # above the floor, between sealed ids
    assert waiting.unsealed == 1 and waiting.oldest_unsealed_at == slow["event"].at
    second = sealing.seal()
    assert second is not None and hashing.from_ranges(second.ids) == [(slow["event"].pk, slow["event"].pk)]
    record(actor=None, action="update", object_type="x", object_id="later")
    third = sealing.seal()
    assert third is not None and third.floor >= fast.pk  # every transaction of the first seal has ended
    report = sealing.verify()
    assert report.problem == "" and report.unsealed == 0 and report.gaps == []


# --- ids reserved ahead of their events (a roster import's) -------------------------------------


def _reserved_drafts(n: int):
    from dangjian.audit.services import Draft

    return [Draft("create", object_type="people.Person", object_id=str(i), changes={"n": [None, i]}) for i in range(n)]


def test_events_written_later_with_reserved_ids_are_sealed_and_hold_the_floor_meanwhile(sealed, world):
    """An import reserves ids, builds its events outside any transaction, writes them later: the
    writes in between are sealed on time, the floor stays under the reserved ids until they are
    written, and then they join a seal like any other."""
    from dangjian.audit import services

    _events, unsealed = sealed
    reserved = services.reserve_event_ids(4)
    assert reserved.ids == list(range(reserved.ids[0], reserved.ids[0] + 4)) and reserved.ids[0] > unsealed[-1].pk
    staging = services.event_staging()
    try:
        drafts = _reserved_drafts(4)
        services.stage_events(staging, world.a.manager, drafts[:3], reserved.ids[:3])
        _rename(world, "七")  # another writer meanwhile: after the reserved ids
        after = AuditEvent.objects.order_by("-pk").first()
        assert after.pk > reserved.ids[-1]
        meanwhile = sealing.seal()
        assert hashing.from_ranges(meanwhile.ids)[-1] == (after.pk, after.pk)
        assert meanwhile.floor < reserved.ids[0]  # the reserved ids may still commit
        assert sealing.verify().problem == ""
        with transaction.atomic():
            assert services.claim(reserved)
            assert services.write_staged_events(staging) == 3
            services.record_reserved(world.a.manager, [(reserved.ids[3], drafts[3])])
    finally:
        staging.drop()
    written = list(AuditEvent.objects.filter(pk__in=reserved.ids).order_by("pk"))
    assert [e.changes["n"][1] for e in written] == [0, 1, 2, 3]
    assert all(e.actor_id == world.a.manager.pk and e.hash == hashing.compute_hash(e) for e in written)
    later = sealing.seal()
    assert hashing.from_ranges(later.ids) == [(reserved.ids[0], reserved.ids[-1])]
    report = sealing.verify()
    assert report.problem == "" and report.unsealed == 0 and report.gaps == []
    assert not services.claim(reserved)  # claimed once


def test_a_reservation_never_written_lapses_and_its_ids_become_gaps(sealed, world, settings):
    """Side B: an import killed after reserving holds the floor back only until its reservation
    lapses; coming back later, it finds the reservation gone (and prepares again)."""
    from dangjian.audit import services

    reserved = services.reserve_event_ids(3)
    _rename(world, "七")
    assert sealing.seal().floor < reserved.ids[0]
    settings.AUDIT_RESERVATION_TTL_SECONDS = -1  # lapsed at once
    _rename(world, "八")
    lapsed = sealing.seal()
    assert lapsed.floor >= reserved.ids[-1]
    with transaction.atomic():
        assert not services.claim(reserved)
    report = sealing.verify()
    assert report.problem == "" and (reserved.ids[0], reserved.ids[-1]) in report.gaps
