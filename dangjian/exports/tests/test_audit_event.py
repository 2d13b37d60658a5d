"""Every download is one audit event: who took which list, how many rows, how many in clear."""

from __future__ import annotations

from urllib.parse import quote

from dangjian.audit.models import Action, AuditEvent, Source


def test_the_export_is_recorded_once_with_its_rows_and_filters(world, export):
    response, rows = export(world.a.manager, "people", "status=members&q=&sort=-name&page=2")
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.actor_id == world.a.manager.pk
    assert event.object_type == "exports.people"
    assert quote(event.object_repr) in response["Content-Disposition"]
    assert event.source == Source.WEB
    assert event.changes == {"rows": 2, "revealed": 2, "filters": {"status": "members", "sort": "-name"}}
    assert len(rows) == 3
    # Filed under the enterprise's supervising committee, whose log readers see it.
    assert event.org_path == world.park.path


def test_the_event_is_filed_under_the_narrowest_organisation_covering_the_scope(world, export):
    export(world.a.secretary, "people")
    export(world.county_admin, "enterprises")
    events = AuditEvent.objects.filter(action=Action.EXPORT).order_by("id")
    assert [e.org_path for e in events] == [world.a.branch.path, world.county.path]
    assert events[0].changes["revealed"] == 3  # a secretary may reveal their branch's people


def test_the_event_counts_only_the_exporters_side(world, export):
    """B's people are neither in A's file nor counted in A's audit event."""
    _, rows = export(world.a.manager, "people")
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.changes["rows"] == len(rows) - 1 == 3
    assert not {world.b.worker.name, world.b.member.name} & {row[0] for row in rows}
