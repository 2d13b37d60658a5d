"""The audit log in the admin can be read, searched and filtered, never added to, changed or
deleted — not even by a superuser."""

from django.urls import reverse

from dangjian.audit.models import AuditEvent


def test_superuser_can_read_an_event(world, admin_client):
    event = AuditEvent.objects.filter(object_type="people.Person").latest("id")
    response = admin_client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert response.status_code == 200
    assert response.context["title"].startswith(("View", "查看"))
    assert not response.context["adminform"].form.fields


def test_superuser_cannot_add_change_or_delete(world, admin_client):
    event = AuditEvent.objects.latest("id")
    count = AuditEvent.objects.count()
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"object_repr": "x"}).status_code
        == 403
    )
    assert (
        admin_client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
    response = admin_client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(response.wsgi_request)
    assert AuditEvent.objects.count() == count
    assert AuditEvent.objects.get(pk=event.pk).object_repr == event.object_repr


def test_change_list_can_be_filtered_and_searched(world, admin_client):
    url = reverse("admin:audit_auditevent_changelist")
    response = admin_client.get(url, {"object_type": "access.RoleAssignment"})
    events = list(response.context["cl"].queryset)
    assert events and {e.object_type for e in events} == {"access.RoleAssignment"}
    response = admin_client.get(url, {"q": "A公司党支部"})
    assert any(e.object_repr == "A公司党支部" for e in response.context["cl"].queryset)
