"""The set-up page's last step: one action gives the county's role holders — and, if asked,
every member and employee — login codes on sheets, in a background job with its progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.accounts import services as account_services
from dangjian.accounts.models import Activation, LoginSheet
from dangjian.jobs.models import Job
from dangjian.onboarding import logins
from dangjian.people import services as people_services
from dangjian.testing.factories import PersonFactory, UserFactory


@pytest.fixture(autouse=True)
def _in_english(client, world):
    """The pages and the job (in its requester's language) speak English here."""
    client.cookies["django_language"] = "en"
    world.county_admin.language = "en"
    world.county_admin.save(update_fields=["language"])


def _give(client, county, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("onboarding:logins", args=[county.pk]), data)
    assert response.status_code == 302
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    return job


def test_every_member_and_employee_gets_a_code_on_their_enterprises_sheet(
    world, login, django_capture_on_commit_callbacks
):
    client = login(world.county_admin)
    job = _give(client, world.county, django_capture_on_commit_callbacks, everyone="on")
    assert job.status == "done", job.message
    assert job.total == job.done > 0
    sheets = {s.label: s for s in LoginSheet.objects.filter(issued_by=world.county_admin)}
    # One sheet an enterprise, with its employees (the secretaries hold a role: not on theirs).
    for side in (world.a, world.b):
        sheet = sheets[str(side.enterprise)]
        assert set(sheet.codes.values_list("user__person__name", flat=True)) == {side.member.name, side.worker.name}
    assert job.result["codes"] == 4
    assert {s["label"] for s in job.result["sheets"]} >= {"A公司", "B公司"}
    # The page links the sheets of its last job.
    body = client.get(reverse("onboarding:county", args=[world.county.pk])).content.decode()
    for s in job.result["sheets"]:
        assert reverse("access:sheet", args=[s["pk"]]) in body
    # Given again (a week later, for people imported since), the codes on the sheets handed out
    # stay valid: nobody who holds one unused gets another, and the page says why.
    newcomer = PersonFactory(name="新来工人", employer=world.a.enterprise)
    open_before = set(
        Activation.objects.filter(used_at__isnull=True, revoked_at__isnull=True).values_list("pk", flat=True)
    )
    again = _give(client, world.county, django_capture_on_commit_callbacks, everyone="on")
    assert again.status == "done"
    assert list(
        Activation.objects.filter(sheet__pk__in=[s["pk"] for s in again.result["sheets"]]).values_list(
            "user__person__name", flat=True
        )
    ) == [newcomer.name]
    assert set(Activation.objects.filter(revoked_at__isnull=True).values_list("pk", flat=True)) >= open_before
    assert dict(again.result["skipped"])["holds a code from an earlier sheet, not used yet"] == 4
    assert (
        "4 people got no code: holds a code from an earlier sheet"
        in client.get(reverse("onboarding:county", args=[world.county.pk])).content.decode()
    )


def test_members_without_an_employer_get_their_organisations_sheet(world, login, django_capture_on_commit_callbacks):
    retired = PersonFactory(name="退休党员")
    people_services.add_membership(
        actor=None, person=retired, organization=world.a.branch, admitted_on=dt.date(2010, 7, 1)
    )
    job = _give(login(world.county_admin), world.county, django_capture_on_commit_callbacks, everyone="on")
    sheet = LoginSheet.objects.get(label=str(world.a.branch))
    assert list(sheet.codes.values_list("user__person__name", flat=True)) == ["退休党员"]
    assert job.status == "done"


def test_without_the_checkbox_only_role_holders_get_codes(world, login, django_capture_on_commit_callbacks):
    # A role holder imported with the role-holder file: a login made, no password chosen yet.
    person = PersonFactory(name="新书记", employer=world.a.enterprise)
    (made,) = access_services.create_users_without_password(actor=None, people=[("dj100001", person)])
    access_services.assign_role(actor=None, user=made, role=Role.SECRETARY, organization=world.a.group)
    job = _give(login(world.county_admin), world.county, django_capture_on_commit_callbacks)
    assert job.status == "done", job.message
    codes = Activation.objects.filter(sheet__issued_by=world.county_admin)
    # Nobody but the role holder who never signed in (members and employees were not asked for).
    assert list(codes.values_list("user__person__name", flat=True)) == ["新书记"]
    assert codes.get().sheet.label.startswith("Role holders")


def test_a_group_larger_than_a_sheet_is_split(world, monkeypatch, django_capture_on_commit_callbacks):
    for i in range(5):
        PersonFactory(name=f"多人{i}", employer=world.a.enterprise)
    monkeypatch.setattr(account_services, "MAX_PER_SHEET", 3)
    result = logins.give_county_logins(
        actor=world.county_admin, county=world.county, everyone=True, progress=lambda done, total: None
    )
    labels = sorted(s["label"] for s in result["sheets"] if s["label"].startswith("A公司"))
    assert labels == ["A公司 (1/3)", "A公司 (2/3)", "A公司 (3/3)"]  # 7 people: 3 + 3 + 1
    assert sum(s["codes"] for s in result["sheets"] if s["label"].startswith("A公司")) == 7


def test_another_countys_department_cannot_give_this_countys_logins(world, login):
    other = UserFactory(username="yanqi")
    access_services.assign_role(actor=None, user=other, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    assert (
        login(other).post(reverse("onboarding:logins", args=[world.county.pk]), {"everyone": "on"}).status_code == 404
    )
    assert not Job.objects.exists() and not LoginSheet.objects.exists()


def test_the_logins_are_not_given_twice_at_once(world, login):
    client = login(world.county_admin)
    url = reverse("onboarding:logins", args=[world.county.pk])
    first = client.post(url, {"everyone": "on"})  # queued: its task runs once the request commits
    assert first.status_code == 302 and Job.objects.count() == 1
    second = client.post(url, {"everyone": "on"}, follow=True)
    assert Job.objects.count() == 1
    assert "being given already" in second.content.decode()
    # The page shows the job under way, with its progress.
    assert 'id="job-progress"' in second.content.decode()


def test_nor_by_two_people_at_once(world, login):
    """The prefecture's department cannot start a second run while the county's is under way:
    it would withdraw the codes the first is printing."""
    client = login(world.county_admin)
    url = reverse("onboarding:logins", args=[world.county.pk])
    assert client.post(url, {"everyone": "on"}).status_code == 302
    above = UserFactory(username="bazhou_dept", language="en")
    access_services.assign_role(actor=None, user=above, role=Role.ORG_DEPARTMENT, organization=world.prefecture)
    other = login(above)
    other.cookies["django_language"] = "en"
    response = other.post(url, {"everyone": "on"}, follow=True)
    assert Job.objects.count() == 1
    assert "being given already" in response.content.decode()


def test_who_is_beyond_the_giver_is_counted_not_dropped(world):
    """Those on the county's lists whom the giver may not give a login are said, with the reason,
    never dropped in silence: here a giver who reaches the non-members of one enterprise."""
    found = logins.give_county_logins(
        actor=world.a.manager, county=world.county, everyone=True, progress=lambda done, total: None
    )
    reasons = dict(found["skipped"])
    # B's three people and A's member and secretary are beyond A's manager: five, each counted.
    assert reasons.get(str(logins.OUTSIDE), 0) == 5
    assert found["codes"] == 1  # A's worker
