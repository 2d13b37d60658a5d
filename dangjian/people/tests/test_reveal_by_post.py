"""A clear ID number or phone is shown only by an explicit POST ("Show"), each one audited: never
by opening a page, so a link or an image on another site cannot make a user "view" them. The
edit form shows the stored values masked; saving it untouched keeps them."""

from __future__ import annotations

import re

from django.urls import reverse

from dangjian.audit.models import Action, AuditEvent
from dangjian.people.models import Person
from dangjian.testing.factories import make_id_number


def _reveals():
    return AuditEvent.objects.filter(action=Action.REVEAL)


def _form_data(person: Person, **changes) -> dict:
    data = {
        "name": person.name,
        "ethnicity": person.ethnicity,
        "gender": person.gender,
        "birth_date": person.birth_date.isoformat(),
        "employer": person.employer_id,
        "team": person.team_id or "",
        "post": person.post,
        "id_number": "",
        "phone": "",
    }
    data.update(changes)
    return data


def test_opening_the_edit_page_reveals_nothing(world, login):
    worker = world.a.worker
    response = login(world.a.secretary).get(reverse("people:edit", args=[worker.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert worker.id_number not in page and worker.phone not in page
    assert worker.id_number_masked in page and worker.phone_masked in page
    # A "Show" button per stored value, posting to the detail page's reveal.
    assert reverse("people:reveal", args=[worker.pk, "id_number"]) in page
    assert reverse("people:reveal", args=[worker.pk, "phone"]) in page
    assert not _reveals().exists()


def test_show_fills_the_field_for_editing_and_is_recorded_once(world, login):
    worker = world.a.worker
    client = login(world.a.secretary)
    url = reverse("people:reveal", args=[worker.pk, "id_number"]) + "?into=form"
    response = client.post(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'name="id_number"[^>]*value="{worker.id_number}"', html)
    assert 'name="id_number_shown"' in html
    events = list(_reveals())
    assert [(e.actor_id, e.object_id, e.changes) for e in events] == [
        (world.a.secretary.pk, str(worker.pk), {"field": "id_number"})
    ]


def test_a_shown_field_takes_as_many_characters_as_the_form_does(world, login):
    from dangjian.people.forms import PersonForm

    client = login(world.a.secretary)
    for name in ("id_number", "phone"):
        html = client.post(reverse("people:reveal", args=[world.a.worker.pk, name]) + "?into=form").content.decode()
        shown = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert f'maxlength="{PersonForm.base_fields[name].max_length}"' in shown, shown


def test_a_cross_site_get_of_the_reveal_url_is_refused(world, login):
    client = login(world.a.secretary)
    for suffix in ("", "?into=form"):
        response = client.get(reverse("people:reveal", args=[world.a.worker.pk, "id_number"]) + suffix)
        assert response.status_code == 405
    assert not _reveals().exists()


def test_saving_an_unrevealed_form_keeps_the_id_number_and_phone(world, login):
    worker = world.a.worker
    number, phone = worker.id_number, worker.phone
    response = login(world.a.secretary).post(
        reverse("people:edit", args=[worker.pk]), _form_data(worker, post="质检员")
    )
    assert response.status_code == 302, response.content.decode()
    worker.refresh_from_db()
    assert (worker.id_number, worker.phone, worker.post) == (number, phone, "质检员")
    assert not _reveals().exists()


def test_the_masked_value_sent_back_never_overwrites_the_clear_one(world, login):
    worker = world.a.worker
    number, phone = worker.id_number, worker.phone
    data = _form_data(worker, id_number=worker.id_number_masked, phone=worker.phone_masked)
    response = login(world.a.secretary).post(reverse("people:edit", args=[worker.pk]), data)
    assert response.status_code == 302, response.content.decode()
    worker.refresh_from_db()
    assert (worker.id_number, worker.phone) == (number, phone)


def test_a_new_value_replaces_the_old_without_revealing_it(world, login):
    worker = world.a.worker
    new_number = make_id_number(worker.birth_date, worker.gender, 777)
    data = _form_data(worker, id_number=new_number, phone="13900001111")
    response = login(world.a.secretary).post(reverse("people:edit", args=[worker.pk]), data)
    assert response.status_code == 302, response.content.decode()
    worker.refresh_from_db()
    assert (worker.id_number, worker.phone) == (new_number, "13900001111")
    assert not _reveals().exists()


def test_after_show_an_emptied_phone_is_removed(world, login):
    worker = world.a.worker
    client = login(world.a.secretary)
    client.post(reverse("people:reveal", args=[worker.pk, "phone"]) + "?into=form")
    data = _form_data(worker, phone="", phone_shown="1")
    assert client.post(reverse("people:edit", args=[worker.pk]), data).status_code == 302
    worker.refresh_from_db()
    assert worker.phone == "" and worker.id_number  # the ID number, not shown, is kept


def test_side_b_cannot_reveal_or_open_as_person(world, login):
    client = login(world.b.secretary)
    worker = world.a.worker
    assert client.post(reverse("people:reveal", args=[worker.pk, "id_number"])).status_code == 404
    assert client.post(reverse("people:reveal", args=[worker.pk, "phone"]) + "?into=form").status_code == 404
    assert client.get(reverse("people:edit", args=[worker.pk])).status_code == 404
    assert not _reveals().exists()


def test_a_role_without_reveal_has_no_show_button_and_cannot_mark_a_value_shown(world, login):
    from dangjian.access.models import Role
    from dangjian.access.services import assign_role
    from dangjian.testing.factories import UserFactory

    committee = UserFactory(username="committee_a")
    assign_role(actor=None, user=committee, role=Role.COMMITTEE_MEMBER, organization=world.a.branch)
    member = world.a.member
    phone = member.phone
    client = login(committee)
    page = client.get(reverse("people:edit", args=[member.pk])).content.decode()
    assert reverse("people:reveal", args=[member.pk, "phone"]) not in page
    # A forged "shown" marker does not let an empty field clear what the user may not see.
    data = _form_data(member, phone="", phone_shown="1")
    assert client.post(reverse("people:edit", args=[member.pk]), data).status_code == 302
    member.refresh_from_db()
    assert member.phone == phone
