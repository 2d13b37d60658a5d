"""/organizations: the party tree as each role may see and change it."""

from dangjian.audit.models import AuditEvent
from dangjian.organizations.models import Organization, OrgKind
from dangjian.testing.api import API
from dangjian.testing.factories import make_org


def _names(response):
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def test_secretary_lists_own_branch_and_below_only(world, api_as):
    response = api_as(world.a.secretary).get(f"{API}/organizations")
    assert _names(response) == {"A公司党支部", "A第一党小组"}
    assert response.json()["count"] == 2


def test_county_department_lists_its_county_not_the_neighbour(world, api_as):
    names = _names(api_as(world.county_admin).get(f"{API}/organizations"))
    assert {"和静县委", "工业园区党委", "A公司党支部", "B公司党支部"} <= names
    assert "焉耆县委" not in names and "巴音郭楞州委" not in names


def test_filters_kind_parent_subtree_and_name(world, api_as):
    client = api_as(world.county_admin)
    assert _names(client.get(f"{API}/organizations", {"kind": "branch"})) == {"A公司党支部", "B公司党支部"}
    assert _names(client.get(f"{API}/organizations", {"parent_id": world.a.branch.pk})) == {"A第一党小组"}
    assert _names(client.get(f"{API}/organizations", {"under": world.b.branch.pk})) == {"B公司党支部", "B第一党小组"}
    assert _names(client.get(f"{API}/organizations", {"q": "第一党小组"})) == {"A第一党小组", "B第一党小组"}


def test_subtree_filter_on_an_invisible_organisation_finds_nothing(world, api_as):
    response = api_as(world.a.secretary).get(f"{API}/organizations", {"under": world.park.pk})
    assert _names(response) == set()


def test_detail_counts_children_and_members(world, api_as):
    body = api_as(world.a.secretary).get(f"{API}/organizations/{world.a.branch.pk}").json()
    assert body["children_count"] == 1
    assert body["member_count"] == 2  # A党员 and A书记; the worker is not a member


def test_other_sides_organisation_is_not_found(world, api_as):
    response = api_as(world.a.secretary).get(f"{API}/organizations/{world.b.branch.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    missing = api_as(world.a.secretary).get(f"{API}/organizations/999999")
    assert missing.json() == response.json()


def test_secretary_adds_a_party_group_under_own_branch(world, api_as):
    response = api_as(world.a.secretary).post(
        f"{API}/organizations", {"kind": "group", "name": "A第二党小组", "parent_id": world.a.branch.pk}
    )
    assert response.status_code == 201, response.content
    org = Organization.objects.get(pk=response.json()["id"])
    assert org.path == f"{world.a.branch.path}{org.pk}/"
    event = AuditEvent.objects.filter(object_type="organizations.Organization", object_id=str(org.pk)).get()
    assert (event.action, event.source, event.actor_id) == ("create", "api", world.a.secretary.pk)


def test_creating_under_the_other_sides_branch_is_refused_as_unknown_parent(world, api_as):
    response = api_as(world.a.secretary).post(
        f"{API}/organizations", {"kind": "group", "name": "越界小组", "parent_id": world.b.branch.pk}
    )
    assert response.status_code == 422
    assert "parent_id" in response.json()["errors"]
    assert not Organization.objects.filter(name="越界小组").exists()


def test_member_cannot_create_under_a_branch_they_can_see(world, api_as, member_user):
    response = api_as(member_user).post(
        f"{API}/organizations", {"kind": "group", "name": "党员小组", "parent_id": world.a.branch.pk}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_only_an_unrestricted_administrator_creates_a_root(world, api_as):
    response = api_as(world.county_admin).post(f"{API}/organizations", {"kind": "county", "name": "新县委"})
    assert response.status_code == 403


def test_tree_rule_violations_are_field_errors(world, api_as):
    response = api_as(world.a.secretary).post(
        f"{API}/organizations", {"kind": "county", "name": "错层", "parent_id": world.a.branch.pk}
    )
    assert response.status_code == 422
    assert "parent_id" in response.json()["errors"]


def test_secretary_renames_own_branch_but_member_may_not(world, api_as, member_user):
    url = f"{API}/organizations/{world.a.branch.pk}"
    assert api_as(member_user).patch(url, {"name": "改名"}).status_code == 403
    response = api_as(world.a.secretary).patch(url, {"name": "A公司第一党支部"})
    assert response.status_code == 200
    assert response.json()["name"] == "A公司第一党支部"
    assert AuditEvent.objects.filter(action="update", source="api", object_id=str(world.a.branch.pk)).exists()


def test_county_department_moves_a_group_between_branches(world, api_as):
    response = api_as(world.county_admin).post(
        f"{API}/organizations/{world.a.group.pk}/move", {"parent_id": world.b.branch.pk}
    )
    assert response.status_code == 200, response.content
    world.a.group.refresh_from_db()
    assert world.a.group.path.startswith(world.b.branch.path)


def test_secretary_cannot_move_own_group_into_the_other_branch(world, api_as):
    response = api_as(world.a.secretary).post(
        f"{API}/organizations/{world.a.group.pk}/move", {"parent_id": world.b.branch.pk}
    )
    assert response.status_code == 422
    world.a.group.refresh_from_db()
    assert world.a.group.parent_id == world.a.branch.pk


def test_list_query_count_does_not_grow_with_rows(world, api_as, django_assert_num_queries):
    client = api_as(world.a.secretary)
    client.get(f"{API}/organizations")  # the token's last-use stamp is written once
    for i in range(5):
        make_org(OrgKind.PARTY_GROUP, f"A小组{i}", world.a.branch)
    # token, roles, own person with their branch, count, page
    with django_assert_num_queries(6):
        assert client.get(f"{API}/organizations").json()["count"] == 7
