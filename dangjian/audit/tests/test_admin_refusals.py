"""When a domain service refuses an admin write, the admin shows the service's message on the
form (or as an error) and nothing is written: no row, no audit event, no admin log entry."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.organizations.models import Organization, OrgKind
from dangjian.testing.factories import make_org


@pytest.fixture
def admin_client(admin_client, settings):
    """The superuser's admin in English, so that the services' messages can be read here."""
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return admin_client


def _counts():
    return AuditEvent.objects.count(), LogEntry.objects.count()


def test_add_refused_by_the_service_shows_its_message_on_the_field(world, admin_client):
    before = _counts()
    response = admin_client.post(
        reverse("admin:organizations_organization_add"),
        {"kind": OrgKind.PARTY_GROUP, "name": "园区党小组", "parent": world.park.pk},
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "cannot sit under" in form.errors["parent"][0]
    assert form.data["name"] == "园区党小组"  # what was typed is kept
    assert not Organization.objects.filter(name="园区党小组").exists()
    assert _counts() == before


def test_change_refused_by_the_service_leaves_the_row_as_it_was(world, admin_client):
    person = world.a.worker
    mark, log_entries = AuditEvent.objects.latest("id").id, LogEntry.objects.count()
    data = {
        "name": person.name,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "birth_date": "1970-01-01",  # the ID number says otherwise
        "id_number": person.id_number,
        "phone": person.phone,
        "employer": world.a.enterprise.pk,
        "team": world.a.team.pk,
    }
    response = admin_client.post(reverse("admin:people_person_change", args=[person.pk]), data)
    assert response.status_code == 200
    assert "birth_date" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.birth_date != dt.date(1970, 1, 1)
    # Nothing is logged: the form shown again keeps the numbers masked (people.admin.PersonAdminForm).
    assert not AuditEvent.objects.filter(id__gt=mark).exists()
    assert LogEntry.objects.count() == log_entries


def _covering_branch(world) -> Organization:
    # No sub-organisations and no members, so Django's own delete page lets it through;
    # but an enterprise counts it as its party organisation, which the service protects.
    branch = make_org(OrgKind.BRANCH, "联合党支部", world.park)
    world.b.enterprise.party_org = branch
    world.b.enterprise.save()
    return branch


def test_delete_refused_by_the_service_is_explained_and_undone(world, admin_client):
    branch = _covering_branch(world)
    before = _counts()
    url = reverse("admin:organizations_organization_delete", args=[branch.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert response.url == reverse("admin:organizations_organization_change", args=[branch.pk])
    (message,) = get_messages(response.wsgi_request)
    assert "cannot be deleted because enterprises are attached to it" in str(message)
    assert Organization.objects.filter(pk=branch.pk).exists()
    assert _counts() == before


def test_bulk_delete_is_all_or_nothing(world, admin_client):
    pks = [make_org(OrgKind.BRANCH, name, world.park).pk for name in ("空支部一", "空支部二")]
    # In the order the admin deletes them: the first would go, the second is refused.
    deletable, refused = Organization.objects.filter(pk__in=pks)
    world.b.enterprise.party_org = refused
    world.b.enterprise.save()
    before = _counts()
    response = admin_client.post(
        reverse("admin:organizations_organization_changelist"),
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )
    assert response.status_code == 302
    assert "enterprises are attached" in str(next(iter(get_messages(response.wsgi_request))))
    assert Organization.objects.filter(pk__in=pks).count() == 2
    assert _counts() == before
