"""Each way in stamps its events with where the write came from: services called by code
("system"), management commands ("command") and the Django admin ("admin"). Web pages and the
API are covered with their views."""

from django.urls import reverse

from dangjian.audit.context import audit_source
from dangjian.audit.models import Action, AuditEvent, Source
from dangjian.organizations import services as org_services
from dangjian.organizations.models import Organization, OrgKind


def _last(**filters) -> AuditEvent:
    return AuditEvent.objects.filter(**filters).latest("id")


def test_a_service_called_directly_is_system(world):
    org_services.update_organization(actor=world.a.secretary, org=world.a.branch, name="A公司党支部（改）")
    event = _last(object_type="organizations.Organization", action=Action.UPDATE)
    assert (event.source, event.actor_id, event.ip) == (Source.SYSTEM, world.a.secretary.pk, None)


def test_a_service_inside_a_command_is_command(world):
    with audit_source("command"):
        org_services.update_organization(actor=None, org=world.b.branch, name="B公司党支部（改）")
    event = _last(object_type="organizations.Organization", action=Action.UPDATE)
    assert (event.source, event.actor_id, event.actor_name) == (Source.COMMAND, None, "")
    # and the context does not leak past the block
    org_services.update_organization(actor=None, org=world.b.branch, name="B公司党支部")
    assert _last(action=Action.UPDATE).source == Source.SYSTEM


def test_admin_add_change_and_delete_are_admin(world, admin_client, admin_user):
    add_url = reverse("admin:organizations_organization_add")
    response = admin_client.post(
        add_url, {"kind": OrgKind.BRANCH, "name": "巴润哈尔莫敦党支部", "parent": world.park.pk}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    org = Organization.objects.get(name="巴润哈尔莫敦党支部")
    created = _last(action=Action.CREATE, object_id=str(org.pk))
    assert (created.source, created.actor_id, created.ip) == (Source.ADMIN, admin_user.pk, "127.0.0.1")
    assert created.org_path == org.path and org.path.startswith(world.park.path)

    change_url = reverse("admin:organizations_organization_change", args=[org.pk])
    response = admin_client.post(
        change_url, {"kind": OrgKind.BRANCH, "name": "巴润哈尔莫敦镇党支部", "parent": world.park.pk}
    )
    assert response.status_code == 302
    changed = _last(action=Action.UPDATE, object_id=str(org.pk))
    assert changed.source == Source.ADMIN
    assert changed.changes == {"name": ["巴润哈尔莫敦党支部", "巴润哈尔莫敦镇党支部"]}

    delete_url = reverse("admin:organizations_organization_delete", args=[org.pk])
    response = admin_client.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    deleted = _last(action=Action.DELETE, object_id=str(org.pk))
    assert (deleted.source, deleted.actor_id) == (Source.ADMIN, admin_user.pk)
    assert not Organization.objects.filter(pk=org.pk).exists()
