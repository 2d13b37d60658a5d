"""/enterprises: who sees which enterprise, coverage filters, and who may edit them."""

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.organizations.models import Enterprise
from dangjian.testing.api import API
from dangjian.testing.factories import EnterpriseFactory, UserFactory, make_uscc


def _names(response):
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def test_secretary_and_manager_see_their_own_enterprise_only(world, api_as):
    for user in (world.a.secretary, world.a.manager):
        assert _names(api_as(user).get(f"{API}/enterprises")) == {"A公司"}


def test_county_department_sees_both_enterprises(world, api_as):
    assert _names(api_as(world.county_admin).get(f"{API}/enterprises")) == {"A公司", "B公司"}


def test_filters_coverage_ownership_supervisor_and_name(world, api_as):
    EnterpriseFactory(name="未覆盖公司", supervising_org=world.park, ownership="state")
    client = api_as(world.county_admin)
    assert _names(client.get(f"{API}/enterprises", {"covered": "false"})) == {"未覆盖公司"}
    assert _names(client.get(f"{API}/enterprises", {"covered": "true"})) == {"A公司", "B公司"}
    assert _names(client.get(f"{API}/enterprises", {"ownership": "state"})) == {"未覆盖公司"}
    assert _names(client.get(f"{API}/enterprises", {"supervising_org_id": world.county.pk})) == set()
    assert _names(client.get(f"{API}/enterprises", {"q": "B公"})) == {"B公司"}


def test_detail_counts_employees_and_members(world, api_as):
    body = api_as(world.a.manager).get(f"{API}/enterprises/{world.a.enterprise.pk}").json()
    assert body["employee_count"] == 3
    assert body["member_count"] == 2
    assert body["covered"] is True


def test_other_sides_enterprise_is_not_found(world, api_as):
    assert api_as(world.a.manager).get(f"{API}/enterprises/{world.b.enterprise.pk}").status_code == 404
    assert api_as(world.a.manager).patch(f"{API}/enterprises/{world.b.enterprise.pk}", {}).status_code == 404


def test_manager_edits_own_enterprise_secretary_may_only_read_it(world, api_as):
    url = f"{API}/enterprises/{world.a.enterprise.pk}"
    assert api_as(world.a.secretary).patch(url, {"industry": "服装"}).status_code == 403
    response = api_as(world.a.manager).patch(url, {"industry": "服装", "supervising_org_id": world.park.pk})
    assert response.status_code == 200, response.content
    assert response.json()["industry"] == "服装"
    assert AuditEvent.objects.filter(action="update", source="api", object_id=str(world.a.enterprise.pk)).exists()


def test_manager_cannot_attach_the_enterprise_to_the_other_sides_branch(world, api_as):
    response = api_as(world.a.manager).patch(
        f"{API}/enterprises/{world.a.enterprise.pk}", {"party_org_id": world.b.branch.pk}
    )
    assert response.status_code == 422
    assert "party_org_id" in response.json()["errors"]


def test_county_department_registers_an_enterprise(world, api_as):
    response = api_as(world.county_admin).post(
        f"{API}/enterprises",
        {"name": "新希望服装厂", "uscc": make_uscc(777), "ownership": "private", "supervising_org_id": world.park.pk},
    )
    assert response.status_code == 201, response.content
    assert response.json()["covered"] is False
    ent = Enterprise.objects.get(name="新希望服装厂")
    assert AuditEvent.objects.filter(action="create", source="api", object_id=str(ent.pk)).exists()


def test_registering_under_a_committee_one_may_only_read_is_refused_and_rolled_back(world, api_as):
    reader = UserFactory(username="park_committee_member")
    access_services.assign_role(actor=None, user=reader, role=Role.COMMITTEE_MEMBER, organization=world.park)
    client = api_as(reader)
    events_before = AuditEvent.objects.count()
    response = client.post(
        f"{API}/enterprises",
        {"name": "另一家", "uscc": make_uscc(778), "ownership": "private", "supervising_org_id": world.park.pk},
    )
    assert response.status_code == 403
    assert not Enterprise.objects.filter(name="另一家").exists()
    assert AuditEvent.objects.count() == events_before


def test_invalid_credit_code_is_a_field_error(world, api_as):
    response = api_as(world.county_admin).post(
        f"{API}/enterprises",
        {"name": "错码公司", "uscc": "91652827MA0000000X", "ownership": "private", "supervising_org_id": world.park.pk},
    )
    assert response.status_code == 422
    assert "uscc" in response.json()["errors"]


def test_list_query_count_does_not_grow_with_rows(world, api_as, django_assert_num_queries):
    client = api_as(world.county_admin)
    client.get(f"{API}/enterprises")
    for _ in range(5):
        EnterpriseFactory(supervising_org=world.park)
    # token, roles, count, page (the county user has no person record)
    with django_assert_num_queries(5):
        assert client.get(f"{API}/enterprises").json()["count"] == 7
