"""The one update helper (audit.services.update_model): what a user of an update service notices
is what is stored and what the audit log says."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.audit import services as audit
from dangjian.audit.models import AuditEvent
from dangjian.organizations import services as org_services
from dangjian.organizations.models import Enterprise

pytestmark = pytest.mark.django_db


def _events(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by("id"))


def test_an_update_that_changes_nothing_writes_nothing_and_records_nothing(world):
    ent = world.a.enterprise
    events = len(_events(ent))
    with CaptureQueriesContext(connection) as queries:
        org_services.update_enterprise(actor=world.county_admin, enterprise=ent, name=ent.name)
    assert not [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{Enterprise._meta.db_table}"')]
    _, changed = audit.update_model(actor=world.county_admin, instance=ent, data={"name": ent.name}, clean=False)
    assert changed is False
    assert len(_events(ent)) == events


def test_only_the_named_fields_are_applied_and_the_event_lists_the_change(world):
    ent = world.a.enterprise
    old_name, old_uscc = ent.name, ent.uscc
    ent, changed = audit.update_model(
        actor=world.county_admin, instance=ent, data={"name": "新名字", "uscc": "not a code"}, fields=("name",)
    )
    assert changed is True
    stored = Enterprise.objects.get(pk=ent.pk)
    assert (stored.name, stored.uscc) == ("新名字", old_uscc)
    last = _events(ent)[-1]
    assert last.action == "update"
    assert last.actor_name == world.county_admin.username
    assert last.changes == {"name": [old_name, "新名字"]}


def test_a_refused_update_leaves_the_row_and_the_log_as_they_were(world):
    ent = world.b.enterprise
    name = ent.name
    events = len(_events(ent))
    with pytest.raises(ValidationError):
        org_services.update_enterprise(actor=world.county_admin, enterprise=ent, name="", uscc="bad")
    assert Enterprise.objects.get(pk=ent.pk).name == name
    assert len(_events(ent)) == events
