"""Excel downloads of the production lists: coverage, pairings, the post registry and trainees.
Each holds what the page lists, through the same scopes (side B never gets A's rows; A's
secretary is refused B's branch; a manager gets coverage, posts and training but no pairings; a
member their own pairing and their own assessment), is a POST and leaves one EXPORT event."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from dangjian.audit.models import AuditEvent
from dangjian.people import services as people_services
from dangjian.production import downloads, services
from dangjian.sheets import XLSX_CONTENT_TYPE
from dangjian.testing.exports import read_rows
from dangjian.testing.factories import PersonFactory, UnitFactory

TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=30)
NAMES = ("coverage", "pairings", "posts", "trainees")


def _url(kind, org=None):
    url = reverse(f"production:download_{kind}")
    return f"{url}?org={org.pk}" if org is not None else url


def _download(client, kind, org=None):
    response = client.post(_url(kind, org))
    assert response.status_code == 200, response
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Cache-Control"] == "private, no-store"
    rows = read_rows(response.content)
    return rows[1], rows[2:]  # the title line first, then the header


def _exports():
    return list(AuditEvent.objects.filter(action="export").order_by("id"))


def _charge(side, team=None):
    return services.take_charge(
        actor=None, organization=side.branch, team=team or side.team, member=side.member, started_on=START
    )


def _pairing(side, member=None, partner=None, purposes=("skills",)):
    return services.pair(
        actor=None,
        organization=side.branch,
        member=member or side.member,
        partners=[partner or side.worker],
        purposes=list(purposes),
        started_on=START,
    )


def _post(side, title="质检先锋岗"):
    return services.propose_post(
        actor=None,
        organization=side.branch,
        kind="vanguard",
        title=title,
        holder=side.member,
        commitment="质量第一",
        started_on=START,
        unit=side.team,
    )


def _course(side, trainer=None, title="质检培训"):
    return services.open_course(
        actor=None,
        organization=side.branch,
        title=title,
        skill="质量检验",
        trainer=trainer or side.member,
        starts_on=START,
        ends_on=TODAY,
        hours=Decimal("8"),
    )


# --- the workbooks --------------------------------------------------------------------------


def test_the_coverage_workbook_lists_every_team_covered_or_not(world):
    _charge(world.a)
    UnitFactory(enterprise=world.a.enterprise, kind="team", name="A缝纫二组", parent=world.a.workshop)
    _charge(world.b)
    with translation.override("en"):
        data, name, count = downloads.coverage_workbook(world.a.branch, TODAY)
    rows = read_rows(data)
    assert name == f"Teams in charge-{TODAY.isoformat()}.xlsx" and count == 2
    assert rows[0][0] == f"Teams in charge · A公司党支部 · {TODAY.isoformat()} · 1 of 2 teams covered"
    assert rows[1][:5] == ("Enterprise", "Workshop", "Production team", "Covered", "Responsible member")
    by_team = {r[2]: r for r in rows[2:]}
    assert set(by_team) == {"A缝纫一组", "A缝纫二组"}
    assert by_team["A缝纫一组"][:5] == ("A公司", "A一车间", "A缝纫一组", "yes", "A党员")
    assert by_team["A缝纫一组"][6].date() == START
    assert by_team["A缝纫二组"][3:5] == ("no", None)


def test_the_coverage_workbook_names_a_member_who_left(world):
    _charge(world.a)
    people_services.update_person(actor=None, person=world.a.member, employer=world.b.enterprise, team=None)
    data, _name, _count = downloads.coverage_workbook(world.a.branch, TODAY)
    [row] = read_rows(data)[2:]
    assert row[4] is None and row[7] == "A党员"  # uncovered at once, the member who left named


def test_workbooks_take_a_fixed_number_of_queries(world, member_user):
    course = _course(world.a)
    _pairing(world.a)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            downloads.pairings_workbook(downloads.pairings_under(world.a.secretary, world.a.branch), world.a.branch)
            downloads.trainees_workbook(downloads.trainees_under(world.a.secretary, world.a.branch), world.a.branch)
            downloads.posts_workbook(downloads.posts_under(world.a.secretary, world.a.branch), world.a.branch)
        return len(ctx)

    queries()  # the secretary's roles, read once a request
    few = queries()
    assert few == 5  # pairings, their employees, courses, their trainees, posts
    for i in range(4):
        worker = PersonFactory(name=f"A新工{i}", employer=world.a.enterprise)
        _pairing(world.a, partner=worker, purposes=("life",))
        services.enrol(actor=None, course=course, people=[worker])
        _post(world.a, title=f"示范岗{i}")
    assert queries() == few


# --- the views: what each user gets ---------------------------------------------------------


def test_a_secretary_downloads_the_branchs_pairings_with_the_last_note(world, login, a_in_english):
    pairing = _pairing(world.a, purposes=("skills", "policy"))
    services.add_note(actor=None, pairing=pairing, author=world.a.worker, text="学会了锁边", written_on=START)
    services.add_note(actor=None, pairing=pairing, author=world.a.member, text="可以独立操作了")
    _pairing(world.b)
    header, rows = _download(login(world.a.secretary), "pairings", world.a.branch)
    assert header[:4] == ("Party organisation", "Member", "Paired employees", "Purposes")
    [row] = rows
    assert row[:4] == ("A公司党支部", "A党员", "A工人", "Skills、Relaying policy and information")
    assert (row[7].date(), row[8]) == (TODAY, "可以独立操作了")
    [event] = _exports()
    assert (event.actor_id, event.object_type, event.org_path) == (
        world.a.secretary.pk,
        "production.pairings",
        world.a.branch.path,
    )
    assert event.changes == {"rows": 1}


def test_a_member_gets_their_own_pairing_only(world, login, member_user):
    _pairing(world.a)
    other = PersonFactory(name="A工人二", employer=world.a.enterprise)
    _pairing(world.a, member=world.a.secretary.person, partner=other)
    _header, rows = _download(login(member_user), "pairings", world.a.branch)
    assert [(r[1], r[2]) for r in rows] == [("A党员", "A工人")]


def test_a_manager_never_gets_pairings_but_gets_coverage_posts_and_training(world, login):
    _pairing(world.a)
    _charge(world.a)
    _post(world.a)
    services.enrol(actor=None, course=_course(world.a), people=[world.a.worker])
    client = login(world.a.manager)
    response = client.post(_url("pairings", world.a.branch))
    assert response.status_code == 403
    assert client.post(_url("pairings")).status_code == 403
    assert _exports() == []
    assert [r[4] for r in _download(client, "coverage")[1]] == ["A党员"]
    assert [r[2] for r in _download(client, "posts")[1]] == ["质检先锋岗"]
    assert [r[5] for r in _download(client, "trainees")[1]] == ["A工人"]
    assert [e.object_type for e in _exports()] == ["production.coverage", "production.posts", "production.trainees"]


def test_the_post_registry_follows_the_pages_filters_and_a_county_reads_every_enterprise(world, login):
    _post(world.a)
    recognised = _post(world.b, title="B先锋岗")
    services.set_post_status(actor=None, post=recognised, status="recognised", recognised_by=world.county)
    client = login(world.county_admin)
    response = client.post(_url("posts", world.county) + "&status=recognised")
    assert response.status_code == 200
    rows = read_rows(response.content)[2:]
    assert [(r[0], r[2], r[5], r[7].date(), r[8]) for r in rows] == [("B公司", "B先锋岗", "B党员", TODAY, "和静县委")]
    _header, every = _download(client, "posts", world.county)
    assert {r[0] for r in every} == {"A公司", "B公司"}
    assert every[0][3] == "A一车间 · A缝纫一组"


def test_a_member_reads_their_own_assessment_the_trainer_and_branch_every_one(world, login, member_user):
    course = _course(world.a, trainer=world.a.secretary.person)
    services.enrol(actor=None, course=course, people=[world.a.member, world.a.worker])
    member_row = course.trainees.get(person=world.a.member)
    services.assess(
        actor=None,
        trainee=member_row,
        result="certified",
        assessed_on=TODAY,
        certificate_no="ZJ-001",
        certified_on=TODAY,
    )
    _course(world.b)
    _header, rows = _download(login(world.a.secretary), "trainees", world.a.branch)
    assert sorted(r[5] for r in rows) == ["A党员", "A工人"]
    _header, own = _download(login(member_user), "trainees", world.a.branch)
    assert [(r[0], r[2], r[5], r[8]) for r in own] == [("质检培训", "A书记", "A党员", "ZJ-001")]


# --- the views: refusals --------------------------------------------------------------------


@pytest.mark.parametrize("kind", NAMES)
def test_side_b_is_not_found_for_a_and_nothing_is_recorded(world, login, kind):
    _charge(world.b)
    _pairing(world.b)
    _post(world.b)
    _course(world.b)
    client = login(world.a.secretary)
    assert client.get(_url(kind, world.b.branch)).status_code == 404
    assert client.post(_url(kind, world.b.branch)).status_code == 404
    assert _exports() == []
    # A's own list holds nothing of B's.
    _header, rows = _download(client, kind, world.a.branch)
    assert not any("B" in str(cell) for row in rows for cell in row)


@pytest.mark.parametrize("kind", NAMES)
def test_a_download_is_a_post_and_anonymous_is_sent_to_log_in(world, client, login, kind):
    response = client.post(_url(kind, world.a.branch))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert login(world.a.secretary).get(_url(kind, world.a.branch)).status_code == 405
    assert _exports() == []


def test_a_coverage_download_is_recorded_under_the_branch(world, login):
    _charge(world.a)
    _header, rows = _download(login(world.a.secretary), "coverage")  # the page the secretary opens on
    assert [r[2] for r in rows] == ["A缝纫一组"]
    [event] = _exports()
    assert (event.object_type, event.object_id, event.org_path, event.changes) == (
        "production.coverage",
        str(world.a.branch.pk),
        world.a.branch.path,
        {"rows": 1},
    )
    assert event.object_repr.endswith(f"{TODAY.isoformat()}.xlsx")
