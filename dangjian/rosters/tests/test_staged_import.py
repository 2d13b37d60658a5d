"""A confirmed import is prepared outside any transaction, then merged in one short step: a
bounded number of queries whatever the number of rows, the same audit events as the services
record one at a time, and a file whose records changed meanwhile prepared again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.audit import services as audit
from dangjian.audit.models import AuditEvent
from dangjian.people import services as people
from dangjian.people.models import Membership, Person
from dangjian.rosters import pipeline, services
from dangjian.rosters.models import ImportStatus
from dangjian.testing.rosters import MEMBER_HEADER, ident, xlsx

pytestmark = pytest.mark.django_db


def _rows(n, start, phone="", team="A缝纫一组"):
    return [[i, f"员工{start + i}", "女", "汉族", ident(start + i), "", team, "缝纫工", phone, ""] for i in range(n)]


def _checked(world, rows, **kw):
    imp = services.upload(
        actor=world.a.manager, target=world.a.enterprise, file_name="q.xlsx", data=xlsx(rows), background=False, **kw
    )
    pipeline.check(imp)
    services.confirm(actor=world.a.manager, imp=imp, background=False)
    return imp


def _apply_queries(imp):
    with CaptureQueriesContext(connection) as ctx:
        pipeline.apply(imp)
    assert imp.status == ImportStatus.IMPORTED, imp.message
    return len(ctx.captured_queries)


def test_a_confirm_costs_the_same_queries_for_any_number_of_rows(world):
    """New persons in a team created by the import, then the same persons changed: the merge
    writes them a batch at a time, never a query a row. (SQLite takes at most 999 values a
    statement, so Django splits a bulk INSERT of 60 rows in two: 40 more rows may cost a
    statement or two more, not 40.)"""
    new = [_apply_queries(_checked(world, _rows(n, 1000 * n, team=f"新班组{n}"), create_teams=True)) for n in (20, 60)]
    assert new[1] - new[0] <= (3 if connection.vendor == "sqlite" else 0)
    changed = [_apply_queries(_checked(world, _rows(n, 1000 * n, "13912345678", f"新班组{n}"))) for n in (20, 60)]
    assert changed[1] - changed[0] <= (3 if connection.vendor == "sqlite" else 0)
    assert Person.objects.filter(name__startswith="员工", phone="").count() == 0  # phones are encrypted
    assert Person.objects.filter(name="员工60059").get().phone == "13912345678"


def test_the_merged_events_are_those_the_services_record(world):
    imp = _checked(world, _rows(3, 500, "13912345678", "新班组"), create_teams=True)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    pipeline.apply(imp)
    events = list(AuditEvent.objects.filter(pk__gt=before).order_by("pk"))
    # The team first (the services create it for the row that names it), then each person, then
    # the import's own event.
    assert [(e.action, e.object_type) for e in events] == [
        ("create", "organizations.ProductionUnit"),
        ("create", "people.Person"),
        ("create", "people.Person"),
        ("create", "people.Person"),
        ("import", "rosters.RosterImport"),
    ]
    team = world.a.enterprise.units.get(name="新班组")
    assert events[0].changes == audit.create_draft(team).changes
    for event in events[1:4]:
        person = Person.objects.get(pk=event.object_id)
        # What record_create says of the person as stored: sensitive values redacted.
        assert event.changes == audit.create_draft(person).changes
        assert event.changes["id_number"] == [None, "***"] and event.changes["team_id"] == [None, team.pk]
        assert (event.object_repr, event.org_path) == (person.name, person.audit_org_path())
        assert event.actor_id == world.a.manager.pk
    assert audit.verify_chain()[2] == ""


def test_member_rosters_merge_memberships_and_settle_the_status(world):
    rows = [
        [1, "新党员", "男", "汉族", ident(71, "M"), "2020-07-01", "2021-07-01", ""],
        [2, world.a.member.name, "女", "汉族", world.a.member.id_number, "2015-07-01", "2016-07-01", "13711112222"],
    ]
    imp = services.upload(
        actor=world.a.secretary,
        target=world.a.branch,
        file_name="m.xlsx",
        data=xlsx(rows, header=MEMBER_HEADER),
        background=False,
    )
    pipeline.check(imp)
    services.confirm(actor=world.a.secretary, imp=imp, background=False)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    pipeline.apply(imp)
    assert imp.status == ImportStatus.IMPORTED, imp.message
    new = Person.objects.get(name="新党员")
    assert (new.political_status, new.party_org) == ("full", world.a.branch)
    events = [(e.action, e.object_type, e.object_id) for e in AuditEvent.objects.filter(pk__gt=before).order_by("pk")]
    m = Membership.objects.get(person=new)
    assert events[:3] == [
        ("create", "people.Person", str(new.pk)),  # as create_person records it: before the membership
        ("create", "people.Membership", str(m.pk)),
        ("update", "people.Person", str(world.a.member.pk)),  # the phone
    ]
    created = AuditEvent.objects.get(object_type="people.Person", object_id=str(new.pk), action="create")
    assert created.changes["political_status"] == [None, "masses"]  # settled after the event, as today
    changed = AuditEvent.objects.get(object_type="people.Person", object_id=str(world.a.member.pk), pk__gt=before)
    assert changed.changes == {"phone": ["***", "***"]} or set(changed.changes) == {"phone"}


def test_records_changed_while_preparing_are_prepared_again(world):
    """A person the file touches is changed by someone else after the rows were prepared and
    before the merge: the merge notices (their updated_at moved), writes nothing, and the file
    is prepared again from what is now stored."""
    first = _checked(world, _rows(3, 800))
    pipeline.apply(first)
    imp = _checked(world, _rows(3, 800, "13912345678"))
    someone = Person.objects.get(name="员工800")
    changed = []

    def meanwhile(done, total):
        if not changed and done * 2 == total:  # the rows are prepared, the merge comes next
            changed.append(people.update_person(actor=world.a.manager, person=someone, post="质检员"))

    pipeline.apply(imp, progress=meanwhile)
    assert imp.status == ImportStatus.IMPORTED, imp.message
    someone.refresh_from_db()
    # Prepared again: the file's post is written back, with the file's phone.
    assert (someone.post, someone.phone) == ("缝纫工", "13912345678")
    assert imp.counts == {"rows": 3, "updated": 3}
    assert AuditEvent.objects.filter(object_id=str(someone.pk), changes__post=["缝纫工", "质检员"]).count() == 1
    assert AuditEvent.objects.filter(object_id=str(someone.pk), changes__post=["质检员", "缝纫工"]).count() == 1
    assert audit.verify_chain()[2] == ""


def test_a_second_run_of_a_merged_import_writes_nothing(world):
    imp = _checked(world, _rows(3, 900))
    pipeline.apply(imp)
    people_count, events = Person.objects.count(), AuditEvent.objects.count()
    pipeline.apply(imp)  # the job run again, e.g. after its worker was restarted
    assert imp.status == ImportStatus.IMPORTED
    assert (Person.objects.count(), AuditEvent.objects.count()) == (people_count, events)


def test_a_file_whose_numbers_were_taken_meanwhile_is_not_merged(world):
    """Side B: a number found free while preparing but registered elsewhere before the merge:
    nothing is written, and the report says why (prepared again, then the fresh check)."""
    imp = _checked(world, _rows(2, 950))
    count = []

    def meanwhile(done, total):
        if not count and done * 2 == total:
            people.create_person(
                actor=None, name="别处", ethnicity="01", id_number=ident(951), employer=world.b.enterprise
            )
            count.append(Person.objects.count())

    pipeline.apply(imp, progress=meanwhile)
    assert imp.status == ImportStatus.FAILED
    assert "Nothing was imported" in imp.message or "未导入" in imp.message
    assert Person.objects.count() == count[0]
    assert imp.rows.filter(outcome="rejected").count() == 1
