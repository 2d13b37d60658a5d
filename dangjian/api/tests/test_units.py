"""/units: workshops and teams, within the enterprise the caller reaches."""

from dangjian.audit.models import AuditEvent
from dangjian.organizations.models import ProductionUnit
from dangjian.testing.api import API
from dangjian.testing.factories import UnitFactory


def _names(response):
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def test_each_side_lists_its_own_units(world, api_as):
    assert _names(api_as(world.a.secretary).get(f"{API}/units")) == {"A一车间", "A缝纫一组"}
    assert _names(api_as(world.b.manager).get(f"{API}/units")) == {"B一车间", "B缝纫一组"}


def test_filters_by_enterprise_and_kind(world, api_as):
    client = api_as(world.county_admin)
    assert _names(client.get(f"{API}/units", {"enterprise_id": world.b.enterprise.pk})) == {"B一车间", "B缝纫一组"}
    assert _names(client.get(f"{API}/units", {"kind": "workshop"})) == {"A一车间", "B一车间"}


def test_other_sides_unit_is_not_found(world, api_as):
    client = api_as(world.a.manager)
    assert client.get(f"{API}/units/{world.b.team.pk}").status_code == 404
    assert client.patch(f"{API}/units/{world.b.team.pk}", {"name": "x"}).status_code == 404


def test_manager_adds_a_team_under_a_workshop(world, api_as):
    response = api_as(world.a.manager).post(
        f"{API}/units",
        {"enterprise_id": world.a.enterprise.pk, "kind": "team", "name": "质检组", "parent_id": world.a.workshop.pk},
    )
    assert response.status_code == 201, response.content
    unit = ProductionUnit.objects.get(pk=response.json()["id"])
    assert AuditEvent.objects.filter(action="create", source="api", object_id=str(unit.pk)).exists()


def test_adding_a_unit_to_the_other_enterprise_is_refused(world, api_as):
    response = api_as(world.a.manager).post(
        f"{API}/units", {"enterprise_id": world.b.enterprise.pk, "kind": "workshop", "name": "越界车间"}
    )
    assert response.status_code == 422
    assert "enterprise_id" in response.json()["errors"]
    assert not ProductionUnit.objects.filter(name="越界车间").exists()


def test_member_may_see_units_but_not_change_them(world, api_as, member_user):
    client = api_as(member_user)
    assert client.get(f"{API}/units/{world.a.team.pk}").status_code == 200
    assert client.patch(f"{API}/units/{world.a.team.pk}", {"name": "x"}).status_code == 403
    response = client.post(
        f"{API}/units", {"enterprise_id": world.a.enterprise.pk, "kind": "workshop", "name": "二车间"}
    )
    assert response.status_code == 403
    assert not ProductionUnit.objects.filter(name="二车间").exists()


def test_a_team_must_sit_under_a_workshop_of_the_same_enterprise(world, api_as):
    response = api_as(world.county_admin).patch(f"{API}/units/{world.a.team.pk}", {"parent_id": world.b.workshop.pk})
    assert response.status_code == 422
    assert "parent_id" in response.json()["errors"]


def test_list_query_count_does_not_grow_with_rows(world, api_as, django_assert_num_queries):
    client = api_as(world.a.manager)
    client.get(f"{API}/units")
    for i in range(5):
        UnitFactory(enterprise=world.a.enterprise, kind="team", name=f"班组{i}", parent=world.a.workshop)
    # token, roles, count, page (the manager has no person record)
    with django_assert_num_queries(5):
        assert client.get(f"{API}/units").json()["count"] == 7
