"""Whether an ID number is registered is an answer about people the asker may not see. Inside
the asker's scope it names the person and links to them; outside, it says only "registered
outside your organisation", each such answer is audited (who asked, the masked number), and a
user gets at most ID_NUMBER_ELSEWHERE_PER_HOUR of them an hour: after that, ID-number checks pause
until the hour is over, whatever the number, so the pause itself tells nothing. The same for the
person form, the API, the admin and roster imports (rosters/tests/test_id_number_answers.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangjian.audit.models import Action, AuditEvent
from dangjian.people.models import Person
from dangjian.testing.api import API, JsonClient, token_for
from dangjian.testing.factories import make_id_number
from dangjian.testing.id_numbers import ELSEWHERE, NOON, answers, b_people

pytestmark = pytest.mark.usefixtures("a_in_english")


def _add(client, world, number, name="新员工"):
    data = {"name": name, "ethnicity": "01", "id_number": number, "employer": world.a.enterprise.pk}
    return client.post(reverse("people:create"), data)


def test_inside_the_scope_the_answer_names_the_person_and_links_to_them(world, login):
    response = _add(login(world.a.manager), world, world.a.worker.id_number)
    assert response.status_code == 400
    page = response.content.decode()
    assert "already registered" in page and world.a.worker.name in page
    assert reverse("people:detail", args=[world.a.worker.pk]) in page
    assert not AuditEvent.objects.filter(action=Action.REVEAL).exists()


def test_outside_the_scope_the_answer_says_elsewhere_and_is_audited(world, login):
    b_worker = world.b.worker
    response = _add(login(world.a.manager), world, b_worker.id_number)
    assert response.status_code == 400
    page = response.content.decode()
    assert ELSEWHERE in page
    assert b_worker.name not in page and world.b.enterprise.name not in page
    assert reverse("people:detail", args=[b_worker.pk]) not in page
    (event,) = answers(world.a.manager)
    assert (event.object_type, event.object_id, event.source) == ("people.Person", str(b_worker.pk), "web")
    assert event.changes == {
        "field": "id_number",
        "answer": "registered elsewhere",
        "id_number": b_worker.id_number_masked,
    }
    assert b_worker.id_number not in str(event.changes)
    # B's organisation department reads it in its part of the log: who probed its person.
    assert event.org_path.startswith(world.b.branch.path) or event.org_path.startswith(world.park.path)
    assert not Person.objects.filter(name="新员工").exists()


def test_the_answers_are_limited_per_user_and_hour_then_checks_pause(world, login, settings):
    settings.ID_NUMBER_ELSEWHERE_PER_HOUR = 2
    others = b_people(world, 3)
    unregistered = make_id_number(dt.date(1993, 4, 5), "M", 901)
    with time_machine.travel(NOON, tick=False) as traveller:
        client = login(world.a.manager)
        for person in others[:2]:
            assert ELSEWHERE in _add(client, world, person.id_number).content.decode()
        # Asking again about a number already answered tells nothing new and costs nothing.
        assert ELSEWHERE in _add(client, world, others[0].id_number).content.decode()
        # The limit reached: a third registered number and an unregistered one get the same pause.
        for number in (others[2].id_number, unregistered):
            page = _add(client, world, number).content.decode()
            assert ELSEWHERE not in page and "paused until 2026-03-10 13:00" in page
        assert not Person.objects.filter(name="新员工").exists()
        assert answers(world.a.manager).count() == 2
        # Side B's secretary has a quota of their own; A's is back after the hour.
        assert _add(login(world.b.manager), world, unregistered).status_code == 400  # A's enterprise: not theirs
        traveller.shift(dt.timedelta(minutes=50))
        assert _add(login(world.a.manager), world, unregistered).status_code == 302
        assert Person.objects.filter(name="新员工").exists()


def test_editing_a_persons_id_number_asks_the_same_question(world, login):
    worker = world.a.worker
    data = {
        "name": worker.name,
        "ethnicity": worker.ethnicity,
        "gender": world.b.worker.gender,
        "employer": worker.employer_id,
        "id_number": world.b.worker.id_number,
        "phone": "",
    }
    response = login(world.a.manager).post(reverse("people:edit", args=[worker.pk]), data)
    assert response.status_code == 400 and ELSEWHERE in response.content.decode()
    assert answers(world.a.manager).count() == 1
    worker.refresh_from_db()
    assert worker.id_number != world.b.worker.id_number


def test_the_api_answers_alike_and_audits(world):
    client = JsonClient(headers={"authorization": f"Bearer {token_for(world.a.manager)}"})
    body = {"name": "新员工", "ethnicity": "01", "employer_id": world.a.enterprise.pk}
    inside = client.post(f"{API}/people", {**body, "id_number": world.a.worker.id_number})
    assert inside.status_code == 422
    assert inside.json()["errors"]["existing_person_id"] == [str(world.a.worker.pk)]
    outside = client.post(f"{API}/people", {**body, "id_number": world.b.worker.id_number})
    assert outside.status_code == 422
    assert (
        ELSEWHERE in outside.json()["errors"]["id_number"][0] and "existing_person_id" not in outside.json()["errors"]
    )
    assert world.b.worker.name not in outside.content.decode()
    patch = client.patch(f"{API}/people/{world.a.worker.pk}", {"id_number": world.b.member.id_number})
    assert patch.status_code == 422 and ELSEWHERE in patch.json()["errors"]["id_number"][0]
    events = answers(world.a.manager)
    assert {e.object_id for e in events} == {str(world.b.worker.pk), str(world.b.member.pk)}
    assert {e.source for e in events} == {"api"}


def test_the_system_itself_is_answered_in_full(world):
    from django.core.exceptions import ValidationError

    from dangjian.people import services

    with pytest.raises(ValidationError) as exc:
        services.create_person(actor=None, name="重复", ethnicity="01", id_number=world.b.worker.id_number)
    assert "already registered" in str(exc.value)
    assert not AuditEvent.objects.filter(action=Action.REVEAL).exists()


def test_the_admin_answers_alike_and_audits(world, client):
    from django.contrib.auth.models import Permission

    from dangjian.access import services as access_services
    from dangjian.access.models import Role
    from dangjian.testing.factories import UserFactory

    staff = UserFactory(username="hr_staff_a", is_staff=True, language="en")
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_person", "add_person", "change_person"]))
    access_services.assign_role(actor=None, user=staff, role=Role.MANAGER, enterprise=world.a.enterprise)
    client.force_login(staff)
    data = {
        "name": "新员工",
        "ethnicity": "01",
        "id_number": world.b.worker.id_number,
        "employer": world.a.enterprise.pk,
    }
    response = client.post(reverse("admin:people_person_add"), data)
    assert response.status_code == 200
    assert ELSEWHERE in response.content.decode() and world.b.worker.name not in response.content.decode()
    assert [e.object_id for e in answers(staff)] == [str(world.b.worker.pk)]
    assert not Person.objects.filter(name="新员工").exists()
