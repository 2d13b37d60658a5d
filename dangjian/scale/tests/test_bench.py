"""The benchmark's floors compute what our code computes (a floor that answered something else
would make every ratio meaningless), and its scenarios leave the dataset as they found it."""

from __future__ import annotations

import pytest
from django.db import connection

from dangjian.access.models import User
from dangjian.audit.models import AuditEvent
from dangjian.choices import PARTY_MEMBER_STATUSES
from dangjian.organizations import selectors as org_selectors
from dangjian.organizations.models import Enterprise, Organization, OrgKind
from dangjian.people.models import Person
from dangjian.scale import bench, dataset
from dangjian.testing.scale import TWO_COUNTIES


@pytest.fixture
def generated(db):
    return dataset.generate(TWO_COUNTIES, 11)


def test_the_dashboard_floor_computes_the_dashboards_figures(generated):
    for org in Organization.objects.filter(kind__in=[OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE]):
        floor = bench.committee_figures_sql(org.path)
        ours = org_selectors.org_figures(org)
        assert {k: floor[k] for k in ours} == ours
        members = Person.objects.filter(
            party_org__path__startswith=org.path, political_status__in=PARTY_MEMBER_STATUSES
        )
        assert sum(floor["ethnicity"].values()) == members.count() == ours["members"] > 0


def test_the_world_is_found_and_lookups_find_one_person(generated):
    world = bench.find_world_of(TWO_COUNTIES)
    assert world.widest.org.kind == OrgKind.PREFECTURE_COMMITTEE
    assert world.county.user.username == f"{world.county.org.code}-org"
    person = Person.objects.order_by("pk")[5]
    assert bench.id_lookup_sql(bench.blind_index(person.id_number)) == [(person.pk, person.name)]


def test_the_import_scenarios_import_and_leave_nothing_behind(generated):
    from dangjian.scale.roster import employee_roster

    data = employee_roster(30, seed=2)
    county = Organization.objects.filter(kind=OrgKind.COUNTY_COMMITTEE).first()
    counts = (Person.objects.count(), Enterprise.objects.count(), AuditEvent.objects.count())
    with bench.rolled_back():
        assert bench.import_floor(data, county) == 30
        assert Person.objects.count() == counts[0] + 30
    with bench.rolled_back():
        assert bench.import_ours(data, county) == 30
        assert Person.objects.filter(employer__name__startswith="基准测试企业").count() == 30
    assert (Person.objects.count(), Enterprise.objects.count(), AuditEvent.objects.count()) == counts


def test_in_process_scenarios_print_ratios_against_their_floors(generated):
    lines: list[str] = []
    result = bench.run_on(bench.find_world_of(TWO_COUNTIES), bench.SHORT, {"lookup", "import"}, say=lines.append)
    names = [f["scenario"] for f in result["figures"]]
    assert names == [
        "sql.id_lookup",
        "lookup.id_number",
        "floor.import",
        "import.roster",
        "import.check_and_confirm",
        "import.check",
        "import.confirm",
        "import.prepare",
        "import.stage",
        "import.exclusive",
    ]
    ours = {f["scenario"]: f for f in result["figures"]}
    # The exclusive part (the one write transaction) is a part of the confirmation.
    assert 0 < ours["import.exclusive"]["median_ms"] <= ours["import.confirm"]["median_ms"]
    assert ours["lookup.id_number"]["floor"] == "sql.id_lookup" and ours["lookup.id_number"]["ratio"] > 0
    assert ours["import.roster"]["runs"] == bench.SHORT.import_runs
    assert any("×" in line for line in lines)
    assert User.objects.filter(username__endswith="-org").count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning stands in for shards on PostgreSQL")
def test_the_sharding_measurement_runs_and_leaves_nothing(generated):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("measure_sharding", "--runs", "1", stdout=out)
    text = out.getvalue()
    assert "1,600 persons copied into 2 county partitions (1,600 rows)" in text
    assert "different counties: 0" in text  # the generator keeps a member's branch in the employer's county
    assert "UNIQUE (id_number_index) on the partitioned table: accepted" not in text
    assert "pinned to its county" in text and "partitions 1 " in text
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('scaling_person')")
        assert cursor.fetchone()[0] is None  # rolled back


def test_the_logins_scenarios_give_print_and_activate_and_leave_nothing(generated):
    from dangjian.accounts.models import Activation
    from dangjian.scale import logins

    world = bench.find_world_of(TWO_COUNTIES)
    counts = (User.objects.count(), Activation.objects.count(), AuditEvent.objects.count())
    figures = {f.scenario: f for f in logins.run_on(world, bench.SHORT)}
    assert set(figures) == {"sql.logins.people", "logins.plan", "logins.give", "logins.sheet", "logins.activate"}
    employees = Person.objects.filter(employer=logins.largest_enterprise(world)).count()
    assert employees > 0 and f"{employees:,} people" in figures["logins.plan"].note
    assert figures["logins.plan"].ratio is not None and figures["logins.activate"].runs >= 1
    assert (User.objects.count(), Activation.objects.count(), AuditEvent.objects.count()) == counts
