"""Every admin page of the project opens for a superuser, and only the audited admin is used."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from dangjian.access import services as access_services
from dangjian.access.audited_admin import AuditedModelAdmin
from dangjian.access.models import ApiToken, RoleAssignment, User
from dangjian.audit.models import AuditEvent
from dangjian.birthdays import services as birthdays
from dangjian.birthdays.models import BirthdayConfig
from dangjian.branchlife import services as branchlife
from dangjian.branchlife.models import FrequencyRule, Meeting
from dangjian.development.models import Candidacy
from dangjian.jobs.models import WorkerBeat
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit
from dangjian.people.models import Membership, Person
from dangjian.ui.admin import ReadOnlyModelAdmin

MODELS = [
    Organization,
    Enterprise,
    ProductionUnit,
    Person,
    Membership,
    Candidacy,
    User,
    RoleAssignment,
    ApiToken,
    AuditEvent,
    Meeting,
    FrequencyRule,
    BirthdayConfig,
    WorkerBeat,
]


def test_every_model_is_registered_with_an_audited_admin():
    for model in MODELS:
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, AuditedModelAdmin | ReadOnlyModelAdmin), model
    project = [m for m in admin.site._registry if m.__module__.startswith("dangjian.")]
    for model in project:
        assert isinstance(admin.site._registry[model], AuditedModelAdmin | ReadOnlyModelAdmin), model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_list_add_and_change_pages_open(world, admin_client, model):
    access_services.create_token(actor=world.a.manager, user=world.a.manager, name="ERP")
    Candidacy.objects.create(person=world.a.worker, organization=world.a.branch, applied_on=dt.date(2025, 5, 4))
    branchlife.plan_meeting(
        actor=None, organization=world.a.branch, kind="general", held_on=dt.date(2025, 5, 4), topic="A大会"
    )
    FrequencyRule.objects.get_or_create(organization=None, kind="general", defaults={"period": "quarter"})
    birthdays.save_config(actor=None, organization=world.county)
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{info}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"{info}_changelist"), {"q": "A"}).status_code == 200
    WorkerBeat.objects.create(
        worker_id="host:1:0",
        host="host",
        pid=4242,
        queues="rosters",
        started_at=timezone.now(),
        last_seen=timezone.now(),
    )
    add = admin_client.get(reverse(f"{info}_add"))
    assert add.status_code == (403 if model in (ApiToken, AuditEvent, WorkerBeat) else 200)
    obj = model._default_manager.order_by("pk").last()
    assert admin_client.get(reverse(f"{info}_change", args=[obj.pk])).status_code == 200
    assert admin_client.get(reverse(f"{info}_history", args=[obj.pk])).status_code == 200


def test_admin_index_lists_the_scoped_models_for_staff_with_permissions(world, client):
    user = world.a.secretary
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_person", "view_organization"]))
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    models = {m["object_name"] for app in response.context["app_list"] for m in app["models"]}
    assert models == {"Person", "Organization"}
