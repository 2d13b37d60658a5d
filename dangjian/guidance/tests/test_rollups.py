"""The roll-ups a county and a prefecture steer by, as their readers use them: the county's
organisation department reads a row per park (and per enterprise it supervises directly) with
the total, opens the list behind a figure and finds the same count, downloads the table; the
prefecture reads a row per county; the large screen shows the same figures. A branch secretary,
and another county's department, read none of it; the queries stay flat as the county grows."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.development import services as development_services
from dangjian.guidance import rollups, selectors
from dangjian.organizations.models import OrgKind
from dangjian.testing.factories import EnterpriseFactory, UserFactory, make_org
from dangjian.testing.guidance import follow_up_of, instructor_of, visit_of
from dangjian.testing.production import charge_of, post_of

TODAY = dt.date(2026, 6, 30)


def _scene(world):
    """A's enterprise state-owned with an instructor, a visit and an open follow-up overdue, a
    team in a member's charge and a pioneer post; B's private; the worker of A applying; one
    private enterprise the county supervises itself, without a party organisation."""
    world.a.enterprise.ownership = "state"
    world.a.enterprise.save()
    world.b.enterprise.ownership = "private"
    world.b.enterprise.save()
    lone = EnterpriseFactory(name="C商贸公司", supervising_org=world.county, ownership="private")
    instructor = instructor_of(world.a)
    visit = visit_of(world.a, instructor, on=dt.date(2026, 3, 2), today=TODAY)
    follow_up_of(world.a, visit, due_on=dt.date(2026, 4, 1))
    development_services.apply(
        actor=None, person=world.a.worker, organization=world.a.branch, applied_on=dt.date(2026, 1, 10)
    )
    charge_of(world.a)
    post_of(world.a)
    return lone


def test_the_county_reads_a_row_per_park_and_lone_enterprise_with_the_total(world, login):
    lone = _scene(world)
    r = rollups.rollup(world.county, TODAY)
    rows = {row.label: row for row in r.rows}
    assert set(rows) == {"工业园区党委", "C商贸公司"}
    park = rows["工业园区党委"].figures
    assert (park.enterprises, park.covered, park.state, park.state_covered) == (2, 2, 1, 1)
    assert (park.non_public, park.non_public_covered) == (1, 1)
    assert (park.members, park.applicants, park.pipeline_applicants) == (4, 1, 1)
    assert (park.teams, park.teams_covered, park.posts) == (2, 1, 1)
    assert (park.assignments, park.visits, park.follow_ups_open, park.follow_ups_overdue) == (1, 1, 1, 1)
    assert park.branches == 2
    c = rows["C商贸公司"]
    assert c.enterprise_id == lone.pk and (c.figures.enterprises, c.figures.covered, c.figures.non_public) == (1, 0, 1)
    total = r.total
    assert (total.enterprises, total.covered, total.non_public, total.non_public_covered) == (3, 2, 2, 1)
    assert (total.members, total.teams, total.visits) == (4, 2, 1)


def test_the_prefecture_reads_a_row_per_county(world):
    _scene(world)
    r = rollups.rollup(world.prefecture, TODAY)
    rows = {row.label: row.figures for row in r.rows}
    assert set(rows) == {"和静县委", "焉耆县委"}
    assert (rows["和静县委"].enterprises, rows["和静县委"].members, rows["和静县委"].teams_covered) == (3, 4, 1)
    assert rows["焉耆县委"].enterprises == 0
    assert r.total.enterprises == 3 and r.total.posts == 1


def _count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_each_figure_opens_a_list_with_the_same_count(world, login):
    _scene(world)
    client = login(world.county_admin)
    page = client.get(reverse("guidance:rollup") + f"?org={world.county.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "工业园区党委" in html and "C商贸公司" in html
    park_row = next(row for row, _links in page.context["rows"] if row.org_id == world.park.pk)
    links = dict(next(links for row, links in page.context["rows"] if row.org_id == world.park.pk))
    f = park_row.figures
    assert _count(client, links["enterprises"]) == f.enterprises
    assert _count(client, links["covered"]) == f.covered
    assert _count(client, links["state"]) == f.state
    assert _count(client, links["non_public"]) == f.non_public
    assert _count(client, links["members"]) == f.members
    assert _count(client, links["applicants"]) == f.applicants
    for key in ("meetings", "pipeline", "teams", "posts", "behind", "follow_ups"):
        assert client.get(links[key]).status_code == 200, key
    assert links["members"].replace("&", "&amp;") in html  # the figure in the table is the link


def test_the_table_downloads_as_excel_with_its_rows_and_is_audited(world, login):
    _scene(world)
    client = login(world.county_admin)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("guidance:rollup") + f"?org={world.county.pk}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    labels = [row[0] for row in values]
    assert "工业园区党委" in labels and "C商贸公司" in labels and "Total" in labels
    total = values[labels.index("Total")]
    assert total[1] == 3 and total[2] == 2  # enterprises, with a party organisation
    event = AuditEvent.objects.filter(object_type="guidance.rollup").get()
    assert event.actor == world.county_admin and event.org_path == world.county.path


def test_the_large_screen_shows_the_cached_figures_and_refreshes_itself(world, login):
    _scene(world)
    client = login(world.county_admin)
    screen = client.get(reverse("guidance:screen") + f"?org={world.county.pk}").content.decode()
    assert 'hx-trigger="every 60s"' in screen and "echarts.min.js" in screen
    assert 'data-figure="members">4<' in screen
    for name in ("A党员", "A书记", "A工人", "A指导员"):  # no person's name on the wall
        assert name not in screen
    fragment = client.get(reverse("guidance:screen_figures") + f"?org={world.county.pk}")
    assert fragment.status_code == 200 and 'data-figure="members">4<' in fragment.content.decode()
    # Served from the cache: no roll-up counted again.
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("guidance:screen_figures") + f"?org={world.county.pk}")
    assert len(queries.captured_queries) <= 6


def test_committee_members_read_their_county_and_nobody_else_does(world, login):
    member = UserFactory(username="county_committee")
    access_services.assign_role(actor=None, user=member, role=Role.COMMITTEE_MEMBER, organization=world.county)
    url = reverse("guidance:rollup")
    assert login(member).get(f"{url}?org={world.county.pk}").status_code == 200
    # Another county is not there, for the county's people; nor the prefecture above them.
    assert login(world.county_admin).get(f"{url}?org={world.outsider_county.pk}").status_code == 404
    assert login(world.county_admin).get(f"{url}?org={world.prefecture.pk}").status_code == 404
    for name in ("rollup", "screen", "screen_figures"):
        assert login(world.a.secretary).get(reverse(f"guidance:{name}")).status_code == 403
        assert login(world.b.manager).get(reverse(f"guidance:{name}")).status_code == 403
    # The prefecture's department reads its counties.
    pref = UserFactory(username="prefecture_admin")
    access_services.assign_role(actor=None, user=pref, role=Role.ORG_DEPARTMENT, organization=world.prefecture)
    page = login(pref).get(url)
    assert page.status_code == 200 and page.context["org"] == world.prefecture
    assert login(pref).get(f"{url}?org={world.outsider_county.pk}").status_code == 200


def test_the_roll_up_counts_in_the_same_number_of_queries_as_the_county_grows(world, django_assert_num_queries):
    _scene(world)

    def queries():
        with CaptureQueriesContext(connection) as q:
            rollups.rollup(world.prefecture, TODAY)
        return len(q.captured_queries)

    before = queries()
    for i in range(3):
        park = make_org(OrgKind.PARK_COMMITTEE, f"第{i}园区党委", world.outsider_county)
        for j in range(2):
            ent = EnterpriseFactory(name=f"新{i}{j}公司", supervising_org=park, ownership="private")
            branch = make_org(OrgKind.BRANCH, f"新{i}{j}公司党支部", park)
            ent.party_org = branch
            ent.save()
        instructor = UserFactory(username=f"new_instructor_{i}")
        access_services.assign_role(
            actor=None, user=instructor, role=Role.INSTRUCTOR, enterprise=ent, started_on=dt.date(2026, 1, 5)
        )
    assert queries() == before
    with django_assert_num_queries(before):
        rollups.rollup(world.prefecture, TODAY)


def test_the_api_gives_the_same_figures_to_the_same_readers(world, api_as):
    _scene(world)
    body = api_as(world.county_admin).get(f"/api/v1/guidance/rollups/{world.county.pk}").json()
    rows = {row["label"]: row for row in body["rows"]}
    assert rows["工业园区党委"]["figures"]["members"] == 4 and rows["工业园区党委"]["organization_id"] == world.park.pk
    assert body["total"]["enterprises"] == 3 and body["total"]["rated"] == 0
    assert api_as(world.county_admin).get(f"/api/v1/guidance/rollups/{world.outsider_county.pk}").status_code == 404
    assert api_as(world.a.secretary).get(f"/api/v1/guidance/rollups/{world.county.pk}").status_code == 404


def test_the_instructors_counts_are_the_committee_tables(world):
    _scene(world)
    instructor_of(world.b, started_on=dt.date(2025, 12, 1))  # no visit in the first quarter: behind
    rows = selectors.instructors_of(world.county, TODAY)
    counts = selectors.instructor_counts(world.county, TODAY)
    for ent in (world.a.enterprise, world.b.enterprise):
        mine = [r for r in rows if r.enterprise.pk == ent.pk]
        c = counts[ent.pk]
        assert (c.assignments, c.behind, c.visits) == (
            len(mine),
            sum(r.cadence.behind for r in mine),
            sum(r.visits for r in mine),
        )
        assert (c.open, c.overdue) == (mine[0].open, mine[0].overdue)
    assert counts[world.b.enterprise.pk].behind == 1


def test_an_enterprise_of_the_countys_own_links_to_its_page(world, login):
    lone = _scene(world)
    page = login(world.county_admin).get(reverse("guidance:rollup") + f"?org={world.county.pk}")
    links = next(links for row, links in page.context["rows"] if row.enterprise_id == lone.pk)
    assert links["covered"] == reverse("organizations:enterprise_detail", args=[lone.pk])
    assert login(world.county_admin).get(links["behind"]).status_code == 200
