"""List pages and dashboards run a fixed number of queries, however many rows they show."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.testing.factories import EnterpriseFactory, PersonFactory, UnitFactory


def _grow(world, n: int) -> None:
    """Add n employees in new teams to A and n enterprises to the park."""
    for i in range(n):
        team = UnitFactory(enterprise=world.a.enterprise, kind="team", name=f"新增班组{i}", parent=world.a.workshop)
        PersonFactory(employer=world.a.enterprise, team=team)
        EnterpriseFactory(supervising_org=world.park)


def _count(client, url) -> int:
    cache.clear()  # the dashboards keep their figures for a while: count them afresh each time
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# Every signed-in page also counts the user's unread notifications (one query, the bell); lists
# fetch a page's ids, then its rows (ui.paging.page_rows); a searchable choice list first asks
# whether it is long (ui.lookups). A branch's figures and status chart share one grouped count of
# its people by status (organizations.selectors.subtree_statuses).
PAGES = {
    # (user attribute path, url name, args, pinned query count)
    "people list (secretary)": ("a.secretary", "people:list", [], 14),
    "enterprise list (county)": ("county_admin", "organizations:enterprise_list", [], 6),
    # The enterprise's and the branch's pages list their pacesetter rounds (one query, with their
    # counts: selections' template tags).
    "enterprise page (manager)": ("a.manager", "organizations:enterprise_detail", ["a.enterprise"], 13),
    # Dashboards also gather the to-do list (pages.todo): a secretary's own calendar, due
    # development steps, the birthday cohort, imports waiting (for an organisation department,
    # its county's set-up files too: one query, the committees it sets up), the production
    # work (uncovered teams, quiet pairings, posts awaiting recognition), guidance (the follow-ups in the
    # user's hands; for an organisation department, its county's overdue items and the
    # instructors' table behind "who is behind"; last year's appraisals: one query for the
    # department — who is appraised — and one for a secretary or manager — whose opinion is not
    # given —, asked in every month so that the count does not change with the season, shown
    # in the first quarter), pacesetter selections (a person's open ballots and nominations to
    # answer, one query each; the rounds the user runs as the branch's officer or the
    # enterprise's manager, one query; none for a committee above), production indicators
    # (last month's figures still missing: three queries for an enterprise's HR, none for
    # anyone else), transfers (the letters waiting on a branch's officers: one query, none for
    # anyone else), party dues (a member's own unpaid months, one query; for a branch's own
    # officer, their branch, its members unpaid this month, the six-month flags — members,
    # charges, attendance —, last month's closing and whether it was charged: seven), the
    # democratic appraisal (a member's open self- and mutual assessments and
    # open ballots, one query each; the rounds the user runs as the branch's officer, one query;
    # none for anyone who is no branch's officer) — a fixed number per capability.
    "dashboard (county)": ("county_admin", "home", [], 19),
    "dashboard (secretary)": ("a.secretary", "home", [], 49),
    "dashboard (manager)": ("a.manager", "home", [], 15),
    "branch page (secretary)": ("a.secretary", "organizations:detail", ["a.branch"], 17),
    # and the seals: newest, those above its floor, what waits; and the records the page's
    # events name, one query per kind of record (people twice: names, and which the reader may
    # see), however many events name them (auditlog.reading)
    "audit log (county)": ("county_admin", "audit:log", [], 16),
    # The transfers' list: its ids, then its rows with both organisations (flat as letters grow:
    # transfers/tests/test_pages.py), and whether the user registers letters from outside.
    "transfers list (secretary)": ("a.secretary", "transfers:list", [], 7),
    "transfers list (county)": ("county_admin", "transfers:list", [], 6),
    # The county set-up page: the county, whether the user sets up other committees, the last
    # file of each kind, the tree's kinds, the enterprises, the people and the role holders
    # counted, the tree with its codes, the rosters step's enterprises and organisations with
    # their imported rosters, the last logins job, and each settings group's values in force.
    "county set-up (county)": ("county_admin", "onboarding:county", ["county"], 24),
}


def _resolve(world, dotted):
    obj = world
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("page", sorted(PAGES))
def test_query_count_is_pinned_and_flat(world, client, page):
    user_path, name, args, pinned = PAGES[page]
    client.force_login(_resolve(world, user_path))
    url = reverse(name, args=[_resolve(world, a).pk for a in args])
    small = _count(client, url)
    _grow(world, 12)
    large = _count(client, url)
    assert large == small, f"{page}: {small} queries with few rows, {large} with more"
    assert large == pinned, f"{page}: {large} queries; pinned {pinned}"


def test_a_dashboard_seen_again_within_minutes_reuses_its_figures(world, client):
    client.force_login(world.county_admin)
    cold = _count(client, reverse("home"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("home"))
    assert len(ctx.captured_queries) <= cold - 5  # the subtree's counts are not run again


@pytest.mark.parametrize("page", ["people list (secretary)"])
def test_the_other_sides_rows_cost_no_query_and_never_show(world, client, page):
    user_path, name, args, pinned = PAGES[page]
    client.force_login(_resolve(world, user_path))
    url = reverse(name, args=[_resolve(world, a).pk for a in args])
    before = _count(client, url)
    for i in range(12):
        team = UnitFactory(enterprise=world.b.enterprise, kind="team", name=f"B新增班组{i}", parent=world.b.workshop)
        PersonFactory(employer=world.b.enterprise, team=team, name=f"B新员工{i}")
    assert _count(client, url) == before == pinned
    assert "B新员工" not in client.get(url).content.decode()


# The dues pages: the ledger reads the month's members with their names, charges and whether each
# has a base (one query), the closing of the month (twice: closed above, its own row);
# the unpaid list one grouped query and the six-month flags (members, charges, attendance).
DUES_PAGES = {
    "dues ledger (secretary)": ("a.secretary", "dues:ledger", ["a.branch"], 10),
    "dues unpaid list (county)": ("county_admin", "dues:unpaid", ["county"], 10),
}


def _grow_dues(world, n: int) -> None:
    """Add n members to A's branch, each with a base and this month charged (half of them paid)."""
    from dangjian.dues import selectors as dues_selectors
    from dangjian.dues import services as dues_services
    from dangjian.people import services as people_services

    month = dues_selectors.this_month()
    for i in range(n):
        person = PersonFactory(employer=world.a.enterprise, name=f"新党员{i}")
        people_services.add_membership(actor=None, person=person, organization=world.a.branch, admitted_on=month)
        dues_services.set_base(actor=None, person=person, month=month, category="employed", base_pay="4000.00")
        if i % 2:
            dues_services.record_payment(actor=None, person=person, first_month=month)
    dues_services.charge_month(actor=None, organization=world.a.branch, month=month)


@pytest.mark.parametrize("page", sorted(DUES_PAGES))
def test_dues_pages_query_count_is_pinned_and_flat(world, client, page):
    user_path, name, args, pinned = DUES_PAGES[page]
    client.force_login(_resolve(world, user_path))
    url = reverse(name, args=[_resolve(world, a).pk for a in args])
    _grow_dues(world, 2)
    small = _count(client, url)
    _grow_dues(world, 12)
    large = _count(client, url)
    assert large == small, f"{page}: {small} queries with few rows, {large} with more"
    assert large == pinned, f"{page}: {large} queries; pinned {pinned}"


@pytest.mark.parametrize(("step", "pinned"), [("mutual", 12), ("proposal", 16)])
def test_an_appraisal_round_page_is_pinned_and_flat(world, client, step, pinned):
    """The round page as the branch's secretary reads it while members comment on each other and
    while the committee proposes (the count, the cap, the proposal form): the same queries for a
    roll of 2 as of 14 (appraisal.views._round_page)."""
    from dangjian.appraisal.models import Step
    from dangjian.testing import appraisal as scene

    client.force_login(world.a.secretary)
    small = scene.round_of(world.a, year=2025)
    scene.members(world.a, full=9, probationary=3)
    large = scene.round_of(world.a, year=2026)
    counts = []
    for r in (small, large):
        if step == "mutual":
            scene.at_step(r, Step.MUTUAL)
        else:
            scene.counted(r)
        counts.append(_count(client, reverse("appraisal:round", args=[r.pk])))
    assert counts == [pinned, pinned], counts
