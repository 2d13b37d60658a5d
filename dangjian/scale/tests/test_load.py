"""The load test's preparation and summary, and the scenario's reading of our pages: what a
virtual user reads off a page and sends back must be what the page accepts, or the load test
measures error pages."""

from __future__ import annotations

import io
import json
import os

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from dangjian.access.models import User
from dangjian.audit.models import AuditEvent
from dangjian.branchlife.models import Attendance, Meeting
from dangjian.organizations.models import Enterprise, Organization, OrgKind
from dangjian.people.models import Person
from dangjian.rosters import pipeline
from dangjian.rosters import services as roster_services
from dangjian.scale import bench, dataset, load, pages
from dangjian.testing.scale import TWO_COUNTIES

PASSWORD = "Load-pass-2026"


@pytest.fixture
def county(db) -> Organization:
    dataset.generate(TWO_COUNTIES, 4, password=PASSWORD)
    return bench.find_world_of(TWO_COUNTIES).county.org


@pytest.fixture
def today():
    """One day for a test's every call: a suite that runs over midnight (Beijing time) must not see
    the second preparation land on a new day and plan a second meeting 'today'."""
    return timezone.localdate()


@pytest.fixture
def prepared(county, tmp_path, today) -> load.Plan:
    return load.prepare(
        county, password=PASSWORD, out=tmp_path, members=6, managers=3, rosters=2, roster_rows=12, today=today
    )


def _logged_in(username: str) -> Client:
    """Logged in through the login page, as a virtual user logs in."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/").content.decode()
    answer = client.post(
        "/login/", {"csrfmiddlewaretoken": pages.csrf_token(page), "username": username} | {"password": PASSWORD}
    )
    assert answer.status_code == 302, answer.content.decode()[:1000]
    return client


# --- prepare -----------------------------------------------------------------------------------------


def test_every_secretary_gets_a_meeting_today_that_expects_the_branchs_members(county, prepared, today):
    assert prepared.secretaries
    for entry in prepared.secretaries:
        meeting = Meeting.objects.get(pk=entry["meeting"])
        assert meeting.held_on == today and meeting.status == Meeting.Status.PLANNED
        expected = set(meeting.attendances.values_list("person_id", flat=True))
        members = set(
            Person.objects.filter(
                party_org=meeting.organization, political_status__in=["full", "probationary"]
            ).values_list("pk", flat=True)
        )
        assert expected == members and expected
    # A year of meetings before today, for the calendar and the lists.
    assert Meeting.objects.filter(organization__path__startswith=county.path, held_on__lt=today).count() > 20


def test_the_plan_stays_inside_the_county(county, prepared):
    other = Organization.objects.filter(kind=OrgKind.COUNTY_COMMITTEE).exclude(pk=county.pk).get()
    assert not Meeting.objects.filter(organization__path__startswith=other.path).exists()
    for username in prepared.users():
        assert username.startswith(f"{county.code}-")
    assert User.objects.filter(username__startswith=f"{other.code}-p").count() == 0


def test_members_get_accounts_they_can_log_in_with_and_see_their_meeting(prepared):
    assert len(prepared.members) == 6
    branches = {Meeting.objects.get(pk=m["meeting"]).organization_id for m in prepared.members}
    assert len(branches) > 1  # spread over the branches, not six of one
    member = prepared.members[0]
    user = User.objects.get(username=member["username"])
    assert user.person_id == member["person"]
    client = _logged_in(user.username)
    assert client.get(f"/meetings/{member['meeting']}/").status_code == 200
    assert client.get(f"/people/{member['person']}/").status_code == 200


def test_preparing_again_adds_nothing_and_keeps_the_plan(county, prepared, tmp_path, today):
    counts = (Meeting.objects.count(), User.objects.count(), AuditEvent.objects.count())
    again = load.prepare(
        county, password=PASSWORD, out=tmp_path, members=6, managers=3, rosters=2, roster_rows=12, today=today
    )
    assert (Meeting.objects.count(), User.objects.count(), AuditEvent.objects.count()) == counts
    assert (again.secretaries, again.members, again.managers) == (
        prepared.secretaries,
        prepared.members,
        prepared.managers,
    )
    assert json.loads((tmp_path / "plan.json").read_text())["members"] == again.members


def test_accounts_without_the_password_get_it_once_and_audited(db, tmp_path):
    dataset.generate(TWO_COUNTIES, 4)  # no password: nobody can log in
    county = bench.find_world_of(TWO_COUNTIES).county.org
    before = AuditEvent.objects.count()
    plan = load.prepare(county, password=PASSWORD, out=tmp_path, members=2, managers=2, rosters=1, roster_rows=5)
    for username in plan.users():
        assert User.objects.get(username=username).check_password(PASSWORD)
    changed = AuditEvent.objects.filter(pk__gt=0).order_by("-pk")[: AuditEvent.objects.count() - before]
    assert any("one password for" in e.object_repr for e in changed)
    assert load._one_password(User.objects.filter(username__in=plan.users()), PASSWORD) == 0


def test_the_rosters_fit_the_importers_enterprise(prepared):
    ent = Enterprise.objects.get(pk=int(prepared.importer["target"][1:]))
    data = open(prepared.importer["rosters"][0], "rb").read()
    user = User.objects.get(username=prepared.importer["username"])
    imp = roster_services.upload(actor=user, target=ent, file_name="new-hires.xlsx", data=data, background=False)
    pipeline.check(imp)
    imp.refresh_from_db()
    assert imp.counts["rows"] == 12 and not imp.counts.get("rejected"), imp.counts
    assert imp.may_confirm


def test_the_command_generates_what_is_missing_prepares_and_stops_when_asked(db, tmp_path):
    out = io.StringIO()
    call_command("load", "--scale", "tiny", "--password", PASSWORD, "--out", tmp_path, "--prepare-only", stdout=out)
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["secretaries"] and plan["members"] and plan["importer"]["rosters"]
    assert "secretaries with a meeting today" in out.getvalue()
    assert User.objects.get(username=plan["county"][0]["username"]).check_password(PASSWORD)


# --- what the virtual users read and send ----------------------------------------------------------------


def test_a_tap_sent_as_the_scenario_sends_it_marks_the_row(prepared):
    entry = prepared.secretaries[0]
    client = _logged_in(entry["username"])
    page = client.get(f"/meetings/{entry['meeting']}/").content.decode()
    rows, token = pages.attendance_rows(page), pages.csrf_token(page)
    assert rows and set(rows.values()) == {"absent"} and token
    pk = sorted(rows)[0]
    answer = client.post(
        f"/meetings/{entry['meeting']}/attendance/{pk}/",
        {"csrfmiddlewaretoken": token, "reason": "夜班", "state": "leave"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert answer.status_code == 200
    assert pages.attendance_rows(answer.content.decode()) == {pk: "leave"}
    assert Attendance.objects.get(pk=pk).reason == "夜班"


def test_an_edit_form_sent_back_as_read_saves_only_the_change(prepared):
    entry = prepared.managers[0]
    client = _logged_in(entry["username"])
    listed = pages.ids(client.get("/people/").content.decode(), "/people/")
    assert listed
    person = Person.objects.get(pk=listed[0])
    form = pages.form_with(client.get(f"/people/{person.pk}/edit/").content.decode(), "name")
    assert form is not None
    answer = client.post(f"/people/{person.pk}/edit/", dict(form.data(post="质检员")))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    after = Person.objects.get(pk=person.pk)
    assert after.post == "质检员"
    assert (after.name, after.id_number, after.phone, after.team_id, after.birth_date) == (
        person.name,
        person.id_number,
        person.phone,
        person.team_id,
        person.birth_date,
    )


def test_forms_are_read_as_a_browser_submits_them():
    html = """<form method="post" action="/x/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input name="a" value="1"><input type="checkbox" name="c" checked><input type="checkbox" name="d">
      <select name="s"><option value="">-</option><option value="2" selected>two</option></select>
      <select name="first"><option value="f">f</option><option value="g">g</option></select>
      <textarea name="t">
line</textarea><input name="off" value="x" disabled><button type="submit" name="go" value="1">Go</button>
      <input type="file" name="file"></form><form method="post" action="/y/"><input name="z" value="9"></form>"""
    form = pages.form_at(html, "/x/")
    assert form is not None
    assert form.fields == [
        ("csrfmiddlewaretoken", "t"),
        ("a", "1"),
        ("c", "on"),
        ("s", "2"),
        ("first", "f"),
        ("t", "line"),
    ]
    assert form.data(a="5", new="n")[1] == ("a", "5") and form.data(new="n")[-1] == ("new", "n")
    assert pages.form_with(html, "z").action == "/y/"


# --- the summary ---------------------------------------------------------------------------------------


def test_the_summary_counts_rates_exact_percentiles_and_errors():
    records = [{"name": "GET /", "ms": float(ms), "error": None} for ms in range(1, 101)]
    records += [{"name": "POST tap", "ms": 50.0, "error": None}, {"name": "POST tap", "ms": 900.0, "error": "500"}]
    records += [{"name": "import", "ms": 12_000.0, "error": None, "flow": True}]
    summary = load.summarise(records, seconds=10)
    home = next(r for r in summary.rows if r.name == "GET /")
    assert (home.count, home.rps, home.p50, home.p95, home.max, home.errors) == (100, 10.0, 50.0, 95.0, 100.0, 0)
    assert (summary.total.count, summary.total.errors, summary.total.max) == (102, 1, 900.0)
    assert [r.name for r in summary.flows] == ["import"] and summary.flows[0].p50 == 12_000.0
    assert summary.errors == [("POST tap", "500", 1)]
    text = "\n".join(summary.lines())
    assert "POST tap" in text and "journeys" in text and "1 × POST tap: 500" in text


def test_the_ramp_is_summarised_apart_and_its_errors_still_count():
    records = [
        {"name": "POST /login/", "t": 100.0, "ms": 900.0, "error": None},
        {"name": "POST /login/", "t": 104.0, "ms": 1200.0, "error": "403"},
        {"name": "GET /", "t": 103.0, "ms": 80.0, "error": None},
        {"name": "GET /", "t": 111.0, "ms": 20.0, "error": None},
        {"name": "POST /login/", "t": 112.0, "ms": 700.0, "error": None, "setup": True},  # the last user's
    ]
    summary = load.summarise(records, seconds=10, steady=110.0)
    assert [(r.name, r.count) for r in summary.rows] == [("GET /", 1)] and summary.total.p95 == 20.0
    assert [(r.name, r.count, r.errors) for r in summary.ramp] == [("GET /", 1, 0), ("POST /login/", 3, 1)]
    assert summary.ramp[1].rps == 0.25  # 3 log-ins over the 12 s from the first to the last
    assert summary.error_count == 1
    assert "users starting" in "\n".join(summary.lines())


def test_percentiles_are_nearest_rank():
    assert load.percentile([10.0], 95) == 10.0
    assert load.percentile([1.0, 2.0], 50) == 1.0
    assert load.percentile([float(i) for i in range(1, 21)], 95) == 19.0
    assert load.percentile([], 50) == 0.0


def test_the_locustfile_loads_its_plan_and_keeps_log_ins_apart(prepared, tmp_path):
    """The scenario itself, imported as locust imports it (in a process of its own: locust
    patches the standard library with gevent): its users come from the plan, and what it
    records for log-ins is summarised apart from the load."""
    import subprocess
    import sys

    script = (
        "from dangjian.scale import locustfile as f\n"
        "f._record('POST', '/login/', 900.0, context={'setup': True}, start_time=5.0)\n"
        "f._record('GET', '/', 40.0, exception=RuntimeError('500'), start_time=6.0)\n"
        "f._write()\n"
        "print(next(f.Secretary.accounts)['username'], f.RosterImporter.fixed_count)\n"
    )
    env = {
        **os.environ,
        "LOAD_PLAN": str(tmp_path / "plan.json"),
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_RECORDS": str(tmp_path / "requests.json"),
    }
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [prepared.secretaries[0]["username"], "1"]
    data = json.loads((tmp_path / "requests.json").read_text())
    summary = load.summarise(data["requests"], seconds=10, steady=0.0)
    assert [(r.name, r.count) for r in summary.rows] == [("GET /", 1)] and summary.total.errors == 1
    assert [r.name for r in summary.ramp] == ["POST /login/"]
