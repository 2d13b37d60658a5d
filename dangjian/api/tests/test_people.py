"""/people: scoped lists and records, exact ID-number lookup, and no clear sensitive values."""

import datetime as dt

from dangjian.audit.models import AuditEvent
from dangjian.people.models import Membership, Person
from dangjian.testing.api import API
from dangjian.testing.factories import PersonFactory, make_id_number


def _names(response):
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def test_secretary_lists_own_enterprises_people_not_the_others(world, api_as):
    names = _names(api_as(world.a.secretary).get(f"{API}/people"))
    assert names == {"A党员", "A工人", "A书记"}


def test_member_lists_branch_members_not_the_workforce(world, api_as, member_user):
    assert _names(api_as(member_user).get(f"{API}/people")) == {"A党员", "A书记"}


def test_filters(world, api_as):
    client = api_as(world.county_admin)
    assert _names(client.get(f"{API}/people", {"organization": world.b.branch.pk})) == {"B党员", "B工人", "B书记"}
    assert _names(client.get(f"{API}/people", {"organization": world.park.pk, "political_status": "full"})) == {
        "A党员",
        "A书记",
        "B党员",
        "B书记",
    }
    assert _names(
        client.get(f"{API}/people", {"enterprise_id": world.a.enterprise.pk, "team_id": world.a.team.pk})
    ) == {
        "A党员",
        "A工人",
    }
    assert _names(client.get(f"{API}/people", {"q": "工人"})) == {"A工人", "B工人"}
    assert _names(client.get(f"{API}/people", {"ethnicity": "05"})) == set()
    assert _names(client.get(f"{API}/people", {"gender": "F", "enterprise_id": world.b.enterprise.pk})) == {
        "B党员",
        "B工人",
        "B书记",
    }


def test_organisation_filter_on_an_invisible_organisation_finds_nothing(world, api_as):
    assert _names(api_as(world.a.secretary).get(f"{API}/people", {"organization": world.b.branch.pk})) == set()


def test_ordering(world, api_as):
    client = api_as(world.a.secretary)
    items = client.get(f"{API}/people", {"ordering": "-birth_date"}).json()["items"]
    dates = [item["birth_date"] for item in items]
    assert dates == sorted(dates, reverse=True)
    assert client.get(f"{API}/people", {"ordering": "id_number"}).status_code == 422


def test_exact_id_number_lookup_finds_the_person_without_returning_clear_values(world, api_as):
    worker = world.a.worker
    typed = worker.id_number[:6] + " " + worker.id_number[6:].lower()  # spaces and a lower-case x are folded
    response = api_as(world.a.secretary).get(f"{API}/people", {"id_number": typed})
    assert _names(response) == {"A工人"}
    item = response.json()["items"][0]
    assert item["id_number_masked"] == worker.id_number[:4] + "*" * 13 + worker.id_number[-1:]
    assert item["phone_masked"].startswith("139****")
    assert worker.id_number not in response.content.decode()
    assert worker.phone not in response.content.decode()
    assert "id_number" not in item and "phone" not in item


def test_id_number_lookup_does_not_cross_scopes(world, api_as):
    response = api_as(world.a.secretary).get(f"{API}/people", {"id_number": world.b.worker.id_number})
    assert response.json()["count"] == 0


def test_no_person_output_contains_clear_sensitive_values(world, api_as):
    client = api_as(world.county_admin)
    everyone = Person.objects.exclude(id_number="")
    pages = [client.get(f"{API}/people").content.decode()]
    pages += [client.get(f"{API}/people/{p.pk}").content.decode() for p in everyone]
    for text in pages:
        for person in everyone:
            assert person.id_number not in text
            assert person.phone not in text


def test_detail_of_the_other_sides_person_is_not_found(world, api_as):
    response = api_as(world.a.secretary).get(f"{API}/people/{world.b.worker.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_patching_the_other_sides_person_is_not_found_and_changes_nothing(world, api_as):
    response = api_as(world.a.secretary).patch(f"{API}/people/{world.b.worker.pk}", {"post": "改"})
    assert response.status_code == 404
    world.b.worker.refresh_from_db()
    assert world.b.worker.post == ""


def test_member_gets_403_patching_a_person_they_can_see(world, api_as, member_user):
    sec_person = world.a.secretary.person
    client = api_as(member_user)
    assert client.get(f"{API}/people/{sec_person.pk}").status_code == 200
    response = client.patch(f"{API}/people/{sec_person.pk}", {"post": "改"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_secretary_updates_a_person_and_the_change_is_audited_without_clear_values(world, api_as):
    new_phone = "13812345678"
    response = api_as(world.a.secretary).patch(
        f"{API}/people/{world.a.worker.pk}", {"post": "质检员", "phone": new_phone}
    )
    assert response.status_code == 200, response.content
    assert response.json()["post"] == "质检员"
    assert response.json()["phone_masked"] == "138****5678"
    event = AuditEvent.objects.filter(action="update", object_id=str(world.a.worker.pk)).latest("id")
    assert event.source == "api"
    assert new_phone not in str(event.changes)


def test_political_status_cannot_be_typed_in(world, api_as):
    response = api_as(world.a.secretary).patch(f"{API}/people/{world.a.worker.pk}", {"political_status": "full"})
    assert response.status_code == 200
    assert response.json()["political_status"] == "masses"


def test_secretary_registers_a_person_in_own_enterprise(world, api_as):
    id_number = make_id_number(dt.date(1995, 3, 8), "M", 901)
    response = api_as(world.a.secretary).post(
        f"{API}/people",
        {
            "name": "阿比巴汗",
            "ethnicity": "05",
            "id_number": id_number,
            "employer_id": world.a.enterprise.pk,
            "team_id": world.a.team.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["birth_date"], body["gender"], body["political_status"]) == ("1995-03-08", "M", "masses")
    assert id_number not in response.content.decode()
    assert AuditEvent.objects.filter(action="create", source="api", object_id=str(body["id"])).exists()


def test_registering_a_person_in_the_other_sides_enterprise_is_refused(world, api_as):
    response = api_as(world.a.secretary).post(
        f"{API}/people",
        {"name": "越界", "ethnicity": "01", "birth_date": "1990-01-01", "employer_id": world.b.enterprise.pk},
    )
    assert response.status_code == 422
    assert "employer_id" in response.json()["errors"]
    assert not Person.objects.filter(name="越界").exists()


def test_registering_a_person_outside_ones_reach_is_refused_and_rolled_back(world, api_as, member_user):
    client = api_as(member_user)
    events = AuditEvent.objects.count()
    response = client.post(
        f"{API}/people", {"name": "无主", "gender": "M", "ethnicity": "01", "birth_date": "1990-01-01"}
    )
    assert response.status_code == 403
    assert not Person.objects.filter(name="无主").exists()
    assert AuditEvent.objects.count() == events


def test_moving_a_person_to_the_other_sides_enterprise_is_refused(world, api_as):
    response = api_as(world.a.manager).patch(
        f"{API}/people/{world.a.worker.pk}", {"employer_id": world.b.enterprise.pk, "team_id": None}
    )
    assert response.status_code == 422
    world.a.worker.refresh_from_db()
    assert world.a.worker.employer_id == world.a.enterprise.pk


def test_duplicate_id_number_is_a_field_error(world, api_as):
    response = api_as(world.a.secretary).post(
        f"{API}/people",
        {
            "name": "重复",
            "ethnicity": "01",
            "id_number": world.a.worker.id_number,
            "employer_id": world.a.enterprise.pk,
        },
    )
    assert response.status_code == 422
    assert "id_number" in response.json()["errors"]


def test_memberships_list_and_add(world, api_as):
    client = api_as(world.a.secretary)
    listed = client.get(f"{API}/people/{world.a.member.pk}/memberships").json()
    assert listed["count"] == 1
    assert listed["items"][0]["organization_id"] == world.a.branch.pk
    response = client.post(
        f"{API}/people/{world.a.worker.pk}/memberships",
        {"organization_id": world.a.branch.pk, "admitted_on": "2024-07-01"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["is_open"] is True
    worker = client.get(f"{API}/people/{world.a.worker.pk}").json()
    assert (worker["political_status"], worker["party_org_id"]) == ("probationary", world.a.branch.pk)
    assert AuditEvent.objects.filter(
        action="create", source="api", object_type="people.Membership", object_id=str(response.json()["id"])
    ).exists()


def test_membership_in_the_other_sides_branch_is_refused(world, api_as):
    response = api_as(world.a.secretary).post(
        f"{API}/people/{world.a.worker.pk}/memberships",
        {"organization_id": world.b.branch.pk, "admitted_on": "2024-07-01"},
    )
    assert response.status_code == 422
    assert not Membership.objects.filter(person=world.a.worker).exists()


def test_member_cannot_add_memberships(world, api_as, member_user):
    sec_person = world.a.secretary.person
    response = api_as(member_user).post(
        f"{API}/people/{sec_person.pk}/memberships",
        {
            "organization_id": world.a.group.pk,
            "admitted_on": "2024-07-01",
            "ended_on": "2024-08-01",
            "end_reason": "transferred",
        },
    )
    assert response.status_code == 403


def test_membership_rule_violations_are_field_errors(world, api_as):
    response = api_as(world.a.secretary).post(
        f"{API}/people/{world.a.member.pk}/memberships",
        {"organization_id": world.a.branch.pk, "admitted_on": "2024-07-01"},
    )
    assert response.status_code == 422
    assert "organization_id" in response.json()["errors"]


def test_list_query_count_does_not_grow_with_rows(world, api_as, django_assert_num_queries):
    client = api_as(world.a.secretary)
    client.get(f"{API}/people")
    for _ in range(5):
        PersonFactory(employer=world.a.enterprise, team=world.a.team)
    # token, roles, own person with their branch, count, page with employer, team and branch joined
    with django_assert_num_queries(6):
        assert client.get(f"{API}/people").json()["count"] == 8


def test_memberships_query_count_is_fixed(world, api_as, django_assert_num_queries):
    client = api_as(world.a.secretary)
    client.get(f"{API}/people")
    # token, roles, own person with their branch, the person, count, page
    with django_assert_num_queries(7):
        client.get(f"{API}/people/{world.a.member.pk}/memberships")
