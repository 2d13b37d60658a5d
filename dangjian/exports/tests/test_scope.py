"""A download holds what its page shows: the user's scope, never the other enterprise."""

from __future__ import annotations

from django.urls import reverse

from dangjian.audit.models import Action, AuditEvent
from dangjian.testing.exports import column
from dangjian.testing.factories import UserFactory

B_NAMES = {"B公司", "B工人", "B党员", "B书记", "B公司党支部", "B第一党小组", "B一车间", "B缝纫一组"}


def _cells(rows):
    return {str(value) for row in rows for value in row if value is not None}


def test_secretary_exports_their_side_and_none_of_the_other(world, export):
    _, people = export(world.a.secretary, "people")
    assert sorted(column(people, "姓名" if "姓名" in people[0] else "Name")) == ["A书记", "A党员", "A工人"]
    for kind in ("people", "members", "organizations", "enterprises", "units"):
        _, rows = export(world.a.secretary, kind)
        assert len(rows) > 1, kind
        assert not _cells(rows) & B_NAMES, kind


def test_each_list_has_its_rows(world, export):
    _, orgs = export(world.a.secretary, "organizations")
    assert [row[0] for row in orgs[1:]] == ["A公司党支部", "A第一党小组"]
    assert orgs[1][-1] == 2  # members of the branch's subtree
    _, ents = export(world.a.secretary, "enterprises")
    assert [row[:2] for row in ents[1:]] == [("A公司", world.a.enterprise.uscc)]
    assert ents[1][-1] == 3  # employees
    _, units = export(world.a.secretary, "units")
    assert [(row[0], row[2], row[3], row[4]) for row in units[1:]] == [
        ("A公司", "A一车间", None, 2),  # a workshop counts the people of its teams
        ("A公司", "A缝纫一组", "A一车间", 2),
    ]


def test_an_outsider_gets_an_empty_sheet(world, export):
    outsider = UserFactory(username="outsider")
    for kind in ("people", "members", "organizations", "enterprises", "units"):
        _, rows = export(outsider, kind)
        assert len(rows) == 1, kind  # the header only
    assert AuditEvent.objects.filter(action=Action.EXPORT, actor_id=outsider.pk).count() == 5


def test_a_filter_naming_the_other_side_exports_nothing(world, login):
    client = login(world.a.secretary)
    for kind, query in (
        ("people", f"enterprise={world.b.enterprise.pk}"),
        ("members", f"team={world.b.team.pk}"),
        ("units", f"enterprise={world.b.enterprise.pk}"),
    ):
        response = client.post(reverse(f"exports:{kind}") + f"?{query}")
        assert response.status_code == 302, kind
        assert query in response["Location"]
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
    page = client.get(reverse("people:list")).content.decode()
    assert "筛选条件无法应用，因此未导出任何内容。请检查筛选条件后重试。" in page  # the default language


def test_opening_an_export_shows_it_and_downloads_nothing(world, login):
    client = login(world.a.secretary)
    response = client.get(reverse("exports:people"), {"status": "members"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'method="post"' in body and f"{reverse('people:list')}?status=members" in body
    assert response.context["count"] == 2
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
