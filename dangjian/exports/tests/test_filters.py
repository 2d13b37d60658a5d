"""A download is the page's current view: its filters and its order."""

from __future__ import annotations

from dangjian.choices import PoliticalStatus
from dangjian.testing.exports import by_name, column, header
from dangjian.testing.factories import PersonFactory


def test_status_members_exports_only_members(world, export):
    _, rows = export(world.a.secretary, "people", "status=members")
    assert set(by_name(rows, "political_status").values()) == {str(PoliticalStatus.FULL.label)}
    assert sorted(by_name(rows, "id_number")) == ["A书记", "A党员"]


def test_name_search_and_sort_are_honoured(world, export):
    _, rows = export(world.county_admin, "people", "q=工人&sort=-name")
    assert column(rows, header("name")) == ["B工人", "A工人"]


def test_team_filter_and_workshop_column(world, export):
    PersonFactory(name="A无班组", employer=world.a.enterprise)
    _, rows = export(world.a.manager, "people", f"enterprise={world.a.enterprise.pk}&team={world.a.team.pk}")
    assert by_name(rows, "workshop") == {"A党员": "A一车间", "A工人": "A一车间"}
    assert set(by_name(rows, "team").values()) == {"A缝纫一组"}
    _, rows = export(world.a.manager, "people")
    assert by_name(rows, "team")["A无班组"] is None


def test_enterprise_filters_and_units_of_one_enterprise(world, export):
    _, rows = export(world.county_admin, "enterprises", "q=B公司")
    assert [r[0] for r in rows[1:]] == ["B公司"]
    _, rows = export(world.county_admin, "enterprises", "covered=no")
    assert len(rows) == 1
    _, rows = export(world.county_admin, "units", f"enterprise={world.b.enterprise.pk}")
    assert {r[0] for r in rows[1:]} == {"B公司"} and len(rows) == 3


def test_a_value_starting_with_equals_stays_text(world, export):
    PersonFactory(name="公式", post='=HYPERLINK("http://x","y")', employer=world.a.enterprise)
    _, rows = export(world.a.manager, "people", "q=公式")
    assert by_name(rows, "post") == {"公式": '=HYPERLINK("http://x","y")'}


def test_the_cell_is_a_string_not_a_formula(world, login):
    import io

    import openpyxl
    from django.urls import reverse

    PersonFactory(name="公式", post="=1+2", employer=world.a.enterprise)
    response = login(world.a.manager).post(reverse("exports:people") + "?q=公式")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    post = [c for c in sheet[2] if c.value == "=1+2"]
    assert post and post[0].data_type == "s"
