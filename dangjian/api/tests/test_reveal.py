"""POST /people/{id}/reveal: the clear value, only with REVEAL, always audited."""

from dangjian.audit.models import AuditEvent
from dangjian.testing.api import API


def _reveal(client, person, field="id_number"):
    return client.post(f"{API}/people/{person.pk}/reveal", {"field": field})


def test_reveal_returns_the_clear_value_and_writes_an_audit_event(world, api_as):
    response = _reveal(api_as(world.a.secretary), world.a.worker)
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": world.a.worker.id_number}
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.filter(action="reveal").get()
    assert (event.actor_id, event.object_id, event.source) == (world.a.secretary.pk, str(world.a.worker.pk), "api")
    assert event.changes == {"field": "id_number"}


def test_reveal_of_phone(world, api_as):
    response = _reveal(api_as(world.a.manager), world.a.worker, "phone")
    assert response.json()["value"] == world.a.worker.phone


def test_reveal_is_forbidden_for_a_role_without_reveal(world, api_as, member_user):
    response = _reveal(api_as(member_user), world.a.secretary.person)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_reveal_of_the_other_sides_person_is_not_found(world, api_as):
    response = _reveal(api_as(world.a.secretary), world.b.worker)
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_only_sensitive_fields_can_be_revealed(world, api_as):
    response = _reveal(api_as(world.a.secretary), world.a.worker, "name")
    assert response.status_code == 422
    assert "field" in response.json()["errors"]


def test_a_person_may_reveal_their_own_values(world, api_as, member_user):
    response = _reveal(api_as(member_user), world.a.member)
    assert response.status_code == 200
    assert response.json()["value"] == world.a.member.id_number
