"""Guidance rows of the generated dataset follow the services' rules (an instructor declares before
visiting, visits from the assignment on, a problem in the hands of the enterprise's people), the
instructors' table's floor computes the table's figures, and the guidance benchmark group runs
with query counts that do not grow with the committee."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.access.models import Role, RoleAssignment
from dangjian.guidance import selectors
from dangjian.guidance.models import Declaration, FollowUp, Visit
from dangjian.organizations.models import Organization, OrgKind
from dangjian.organizations.selectors import enterprises_under
from dangjian.scale import bench, dataset, guidance
from dangjian.testing.scale import TWO_COUNTIES

DAY = dataset.GUIDANCE_DAY


@pytest.fixture
def generated(db):
    return dataset.generate(TWO_COUNTIES, 11)


def test_generated_guidance_follows_the_services_rules(generated):
    c = generated.counts
    assert (Declaration.objects.count(), Visit.objects.count(), FollowUp.objects.count()) == (
        c.declarations,
        c.visits,
        c.follow_ups,
    )
    assignments = list(RoleAssignment.objects.filter(role=Role.INSTRUCTOR).select_related("enterprise"))
    assert len(assignments) == 16  # one per enterprise
    declared = {d.assignment_id: d.declared_on for d in Declaration.objects.all()}
    for ra in assignments:
        visits = list(Visit.objects.filter(enterprise=ra.enterprise))
        assert all(v.instructor_id == ra.user_id for v in visits)
        if ra.pk not in declared:  # a newcomer: assigned in the last month, nothing recorded yet
            assert ra.started_on > DAY - dt.timedelta(days=31) and not visits
            continue
        assert ra.started_on == dataset.INSTRUCTORS_ASSIGNED <= declared[ra.pk]
        assert all(declared[ra.pk] <= v.visited_on < DAY for v in visits)
        assert visits  # once a quarter or more, give or take one
        owners = {(u.pk, str(role)) for u, role in selectors.owners_for(ra.enterprise)}
        for item in FollowUp.objects.filter(enterprise=ra.enterprise).select_related("visit"):
            assert (item.owner_id, item.owner_role) in owners
            assert item.due_on >= item.visit.visited_on
            if item.status == FollowUp.Status.CLOSED:
                assert item.visit.visited_on <= item.closed_on <= DAY and item.closing_note
                assert item.closed_by_id == item.owner_id
    # Some problems are open, some of those overdue; most are closed.
    open_items = FollowUp.objects.filter(status=FollowUp.Status.OPEN)
    assert 0 < open_items.count() == c.open_follow_ups < c.follow_ups / 2
    assert open_items.filter(due_on__lt=DAY).exists()


def test_the_instructors_floor_computes_the_tables_figures(generated):
    committees = Organization.objects.filter(kind__in=[OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE])
    assert committees.count() == 3
    for org in committees:
        floor = guidance.instructors_sql(org)
        assert floor == guidance.instructors_figures(org), org.name
        assert selectors.behind_under(org, DAY) == sum(r.behind for r in floor.values())  # the to-do's count
        assert sum(r.visits for r in floor.values()) > len(floor)
    prefecture = committees.get(kind=OrgKind.PREFECTURE_COMMITTEE)
    rows = guidance.instructors_sql(prefecture)
    assert len(rows) == 16
    assert any(r.open for r in rows.values()) and any(r.overdue for r in rows.values())
    # As of the data's last day the table tells who is behind; a year on, everyone is.
    assert 0 < sum(r.behind for r in rows.values()) < 16
    later = dt.date(DAY.year + 1, 6, 30)
    assert guidance.instructors_sql(prefecture, later) == guidance.instructors_figures(prefecture, later)
    assert all(r.behind for r in guidance.instructors_sql(prefecture, later).values())


def test_the_guidance_group_runs_and_its_queries_do_not_grow_with_the_committee(generated):
    world = bench.find_world_of(TWO_COUNTIES)
    figures = {f.scenario: f for f in guidance.run_on(world, bench.SHORT, http=False)}
    assert set(figures) == {
        "sql.guidance.instructors.county",
        "guidance.instructors.county",
        "sql.guidance.instructors.prefecture",
        "guidance.instructors.prefecture",
        "guidance.todo.county",
        "guidance.todo.prefecture",
        "guidance.appraisal_rows",
        "guidance.rating_round",
    }
    table = figures["guidance.instructors.prefecture"]
    assert table.floor == "sql.guidance.instructors.prefecture" and table.ratio is not None and table.ratio > 0
    assert "16 instructors" in table.note
    county, prefecture = (figures[f"guidance.instructors.{x}"].detail for x in ("county", "prefecture"))
    assert county is not None and prefecture is not None
    assert county["instructors"] < prefecture["instructors"] and county["queries"] == prefecture["queries"]
    todo = figures["guidance.todo.county"].detail
    assert todo is not None and todo["items"] >= 1 and todo["queries"] > 0
    # The largest county's appraisal list: a row per instructor assigned under it, five queries.
    appraisals = figures["guidance.appraisal_rows"].detail
    instructors = RoleAssignment.objects.filter(
        role=Role.INSTRUCTOR, enterprise_id__in=enterprises_under(world.county.org.path)
    ).count()
    assert appraisals == {"queries": 5, "instructors": instructors} and instructors > 0
    # The largest county's rating round: every candidate's sheet in three queries.
    assert figures["guidance.rating_round"].detail["queries"] == 3
    assert figures["guidance.rating_round"].detail["candidates"] >= 1


def test_a_page_is_counted_in_queries_as_its_user_sees_it(generated):
    world = bench.find_world_of(TWO_COUNTIES)
    assignment = guidance.busiest_assignment(world)
    assert assignment is not None
    assert guidance.queries_of(assignment.user, "/guidance/") > 0
    with pytest.raises(RuntimeError, match="answered 404"):
        guidance.queries_of(assignment.user, f"/guidance/?org={world.county.org.pk}")


def test_generated_ratings_follow_the_rounds_rules(generated):
    from decimal import Decimal

    from dangjian.guidance.models import Candidate, RatingRound, Score
    from dangjian.guidance.ratings import measures

    rounds = list(RatingRound.objects.all())
    assert len(rounds) == 2 and all(r.status == RatingRound.Status.CLOSED and r.counted_on == DAY for r in rounds)
    c = generated.counts
    assert Candidate.objects.count() == c.rating_candidates > 0
    assert Candidate.objects.filter(result=Candidate.Result.AWARDED).count() == c.rated
    for candidate in Candidate.objects.select_related("round", "organization")[:6]:
        scores = list(Score.objects.filter(candidate=candidate).select_related("criterion"))
        counted = [s for s in scores if not s.reviewer]
        for s in counted:  # what the round kept is what the records say as of its day
            reading = measures.read(s.criterion.measure, candidate.organization, DAY)
            assert s.points == measures.points(s.criterion.weight, s.criterion.target, reading)
        total = sum((s.points for s in scores if s.reviewer in ("", "county")), Decimal(0))
        assert candidate.total == total
        awarded = candidate.result == Candidate.Result.AWARDED
        assert awarded == (total >= candidate.round.pass_mark) and bool(candidate.certificate_no) == awarded
