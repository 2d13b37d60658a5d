"""The Person admin never shows ID numbers or phones in clear, in its lists or on its change form:
opening a page must not count as viewing them (a link from another site could open it). The
change form edits them as a plain line of text that starts empty; empty keeps the stored value."""

import datetime as dt

from django.contrib.auth.models import Permission
from django.urls import reverse

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import Action, AuditEvent
from dangjian.people.models import Person
from dangjian.people.services import id_number_lookup
from dangjian.testing.factories import UserFactory, make_id_number


def test_change_list_shows_masked_values_only(world, admin_client):
    response = admin_client.get(reverse("admin:people_person_changelist"))
    page = response.content.decode()
    for person in (world.a.worker, world.b.worker):
        assert person.id_number not in page and person.phone not in page
        assert person.id_number_masked in page and person.phone_masked in page
    assert not AuditEvent.objects.filter(action=Action.REVEAL).exists()


def test_change_form_edits_the_numbers_as_one_line_and_shows_nothing_in_clear(world, admin_client):
    person = world.a.worker
    response = admin_client.get(reverse("admin:people_person_change", args=[person.pk]))
    form = response.context["adminform"].form
    assert form.fields["id_number"].widget.input_type == "text"
    assert form.initial["id_number"] == "" and form.initial["phone"] == ""
    page = response.content.decode()
    assert '<textarea name="id_number"' not in page
    assert person.id_number not in page and person.phone not in page
    assert person.id_number_masked in page
    assert not AuditEvent.objects.filter(action=Action.REVEAL).exists()


def test_saving_the_change_form_untouched_keeps_the_numbers(world, admin_client):
    person = world.a.worker
    number, phone = person.id_number, person.phone
    data = {
        "name": "A工人（改名）",
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "birth_date": person.birth_date.isoformat(),
        "id_number": "",
        "phone": person.phone_masked,  # the mask sent back as shown
        "employer": world.a.enterprise.pk,
        "team": world.a.team.pk,
    }
    response = admin_client.post(reverse("admin:people_person_change", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.id_number, person.phone) == ("A工人（改名）", number, phone)
    assert not AuditEvent.objects.filter(action=Action.REVEAL).exists()


def test_a_new_id_number_typed_in_the_admin_is_stored_encrypted_and_findable(world, admin_client):
    person = world.a.worker
    new_number = make_id_number(person.birth_date, person.gender, 321)
    data = {
        "name": person.name,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "birth_date": person.birth_date.isoformat(),
        "id_number": new_number.lower(),
        "phone": person.phone,
        "employer": world.a.enterprise.pk,
        "team": world.a.team.pk,
    }
    response = admin_client.post(reverse("admin:people_person_change", args=[person.pk]), data)
    assert response.status_code == 302
    found = Person.objects.get(id_number_index=id_number_lookup(new_number))
    assert found == person and found.id_number == new_number.upper()


def test_search_by_exact_id_number_uses_the_blind_index(world, admin_client):
    target = world.b.member
    response = admin_client.get(reverse("admin:people_person_changelist"), {"q": target.id_number})
    assert list(response.context["cl"].result_list) == [target]


def test_staff_without_reveal_see_masked_values_and_cannot_overwrite_them(world, client):
    # A committee member may view and change persons of the branch, but not see their numbers.
    user = UserFactory(username="committee_a", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_person", "change_person"]))
    access_services.assign_role(actor=None, user=user, role=Role.COMMITTEE_MEMBER, organization=world.a.branch)
    client.force_login(user)
    member = world.a.member
    number, phone = member.id_number, member.phone

    response = client.get(reverse("admin:people_person_change", args=[member.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert number not in page and phone not in page and member.id_number_masked in page
    assert "id_number" not in response.context["adminform"].form.fields
    assert not AuditEvent.objects.filter(action=Action.REVEAL).exists()

    data = {
        "name": "A党员（改名）",
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "birth_date": member.birth_date.isoformat(),
        "employer": world.a.enterprise.pk,
        "team": world.a.team.pk,
        "id_number": "11010519491231002X",
        "phone": "",  # not on the form: ignored
    }
    assert client.post(reverse("admin:people_person_change", args=[member.pk]), data).status_code == 302
    member.refresh_from_db()
    assert member.name == "A党员（改名）"
    assert (member.id_number, member.phone) == (number, phone)


def test_adding_a_person_in_the_admin_needs_a_valid_id_number(world, admin_client):
    valid = make_id_number(dt.date(1988, 9, 9), "M", 5)
    mistyped = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    data = {
        "name": "木合塔尔",
        "gender": "M",
        "ethnicity": "05",
        "birth_date": "1988-09-09",
        "id_number": mistyped,
        "employer": world.b.enterprise.pk,
    }
    response = admin_client.post(reverse("admin:people_person_add"), data)
    assert response.status_code == 200
    assert "id_number" in response.context["adminform"].form.errors
    assert not Person.objects.filter(name="木合塔尔").exists()
