"""Writes through the pages: validated, explained in the user's language, scoped and audited."""

from __future__ import annotations

from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.organizations.models import Organization
from dangjian.people.models import Person
from dangjian.testing.factories import make_id_number


def test_secretary_adds_a_party_group_and_the_event_says_web(world, login):
    client = login(world.a.secretary)
    response = client.post(
        reverse("organizations:create") + f"?parent={world.a.branch.pk}", {"kind": "group", "name": "第二党小组"}
    )
    group = Organization.objects.get(name="第二党小组")
    assert response["Location"] == reverse("organizations:detail", args=[group.pk])
    assert group.path == f"{world.a.branch.path}{group.pk}/"
    event = AuditEvent.objects.get(object_type="organizations.Organization", object_id=str(group.pk))
    assert (event.action, event.source, event.actor_id) == ("create", "web", world.a.secretary.pk)
    assert event.changes["name"] == [None, "第二党小组"]


def test_a_branch_under_a_party_group_is_refused_in_chinese(world, login):
    client = login(world.a.secretary)
    response = client.post(
        reverse("organizations:create") + f"?parent={world.a.group.pk}", {"kind": "branch", "name": "错位支部"}
    )
    assert response.status_code == 400
    assert "党支部不能隶属于党小组" in response.content.decode()
    assert not Organization.objects.filter(name="错位支部").exists()


def test_a_mistyped_id_number_is_explained_and_nothing_is_saved(world, login):
    client = login(world.a.manager)
    good = make_id_number(__import__("datetime").date(1995, 3, 8), "M", 4242)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    before = Person.objects.count()
    response = client.post(
        reverse("people:create"),
        {
            "name": "吐尔逊·买买提",
            "ethnicity": "05",
            "id_number": bad,
            "employer": world.a.enterprise.pk,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "该身份证号码有误：18 位中有一位输错了" in body
    assert "应为" not in body  # no "right" last character offered: the mistake may be in any digit
    assert Person.objects.count() == before


def test_manager_adds_an_employee_with_birth_date_and_gender_taken_from_the_id_number(world, login):
    import datetime as dt

    number = make_id_number(dt.date(1995, 3, 8), "M", 4243)
    response = login(world.a.manager).post(
        reverse("people:create"),
        {
            "name": "吐尔逊·买买提",
            "ethnicity": "05",
            "id_number": number.lower(),
            "employer": world.a.enterprise.pk,
            "team": world.a.team.pk,
        },
    )
    person = Person.objects.get(name="吐尔逊·买买提")
    assert response.status_code == 302
    assert (person.birth_date, person.gender, person.id_number) == (dt.date(1995, 3, 8), "M", number.upper())
    event = AuditEvent.objects.get(object_type="people.Person", object_id=str(person.pk), action="create")
    assert event.changes["id_number"] == [None, "***"]
    assert number not in str(event.changes)


def test_manager_cannot_put_an_employee_into_another_enterprise(world, login):
    response = login(world.a.manager).post(
        reverse("people:create"),
        {
            "name": "越界",
            "ethnicity": "01",
            "birth_date": "1990-01-01",
            "gender": "F",
            "employer": world.b.enterprise.pk,
        },
    )
    assert response.status_code == 400
    assert not Person.objects.filter(name="越界").exists()


def test_editing_without_reveal_keeps_the_stored_id_number(world, login):
    from dangjian.access.models import Role
    from dangjian.access.services import assign_role
    from dangjian.testing.factories import UserFactory

    committee = UserFactory(username="committee_a")
    assign_role(actor=None, user=committee, role=Role.COMMITTEE_MEMBER, organization=world.a.branch)
    worker = world.a.member
    stored = worker.id_number
    client = login(committee)
    page = client.get(reverse("people:edit", args=[worker.pk])).content.decode()
    assert stored not in page
    response = client.post(
        reverse("people:edit", args=[worker.pk]),
        {
            "name": worker.name,
            "ethnicity": worker.ethnicity,
            "employer": worker.employer_id,
            "post": "质检员",
            "birth_date": worker.birth_date.isoformat(),
            "gender": worker.gender,
        },
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.id_number, worker.post) == (stored, "质检员")


def test_revealing_an_id_number_is_logged(world, login):
    client = login(world.a.secretary)
    response = client.post(reverse("people:reveal", args=[world.a.worker.pk, "id_number"]))
    assert world.a.worker.id_number in response.content.decode()
    event = AuditEvent.objects.filter(action="reveal").latest("id")
    assert (event.actor_id, event.object_id, event.changes) == (
        world.a.secretary.pk,
        str(world.a.worker.pk),
        {"field": "id_number"},
    )


def test_a_member_cannot_reveal(world, login):
    from dangjian.testing.factories import UserFactory

    user = UserFactory(person=world.a.member)
    response = login(user).post(reverse("people:reveal", args=[world.a.member.pk, "id_number"]))
    assert response.status_code == 200  # one's own record
    other = Person.objects.get(name="A书记")
    assert login(user).post(reverse("people:reveal", args=[other.pk, "id_number"])).status_code == 403


def test_moving_a_branch_under_itself_is_refused(world, login):
    client = login(world.county_admin)
    response = client.post(reverse("organizations:move", args=[world.park.pk]), {"parent": world.a.branch.pk})
    assert response.status_code == 400
    world.park.refresh_from_db()
    assert world.park.parent_id == world.county.pk


def test_language_choice_is_remembered_for_the_user(world, client):
    client.force_login(world.a.secretary)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    world.a.secretary.refresh_from_db()
    assert world.a.secretary.language == "en"
    client.cookies.clear()
    client.force_login(world.a.secretary)
    assert "Welcome" in client.get("/").content.decode()
    event = AuditEvent.objects.filter(object_type="access.User", action="update").latest("id")
    assert event.changes["language"] == ["", "en"]


def test_branch_page_warns_when_too_few_full_members(world, login):
    body = login(world.a.secretary).get(reverse("organizations:detail", args=[world.a.branch.pk])).content.decode()
    assert "党支部至少需要 3 名正式党员，本支部现有 2 名" in body


def test_history_names_fields_and_choices_in_the_readers_language(world, login):
    from dangjian.people import services as people_services

    people_services.update_person(
        actor=world.a.manager, person=world.a.worker, education="college", phone="13900001111"
    )
    body = login(world.a.secretary).get(reverse("audit:history", args=["person", world.a.worker.pk])).content.decode()
    assert "学历" in body and "大专" in body  # field name and choice label, not "education: college"
    assert "13900001111" not in body and "***" in body
