"""Instructors' visits and follow-ups as their users meet them: the declaration first, a visit
recorded on the day (never in the future, never before the assignment), the problems found put in
the enterprise's hands with the owner told, closed with a note, and the overdue ones on the
owner's and the county's to-do lists. Every write leaves an audit record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.guidance import selectors, services
from dangjian.guidance.models import Declaration, FollowUp, Visit, VisitPhoto
from dangjian.notifications.models import Kind, Notification
from dangjian.pages.todo import todos
from dangjian.testing.guidance import follow_up_of, instructor_of, visit_of
from dangjian.testing.production import PNG

TODAY = dt.date(2026, 12, 1)


def _events(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).values_list("action", flat=True)
    )


def _refusal(fn, **kwargs) -> dict[str, list[str]] | list[str]:
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        fn(**kwargs)
    return exc.value.message_dict if hasattr(exc.value, "error_dict") else exc.value.messages


def _visit(instructor, side, **overrides):
    data = {
        "actor": instructor,
        "enterprise": side.enterprise,
        "visited_on": dt.date(2026, 6, 3),
        "minutes": 60,
        "met": "书记",
        "topics": ["development"],
        "today": TODAY,
    }
    return services.record_visit(**{**data, **overrides})


def test_an_instructor_declares_once_before_the_first_visit(world):
    instructor = instructor_of(world.a, declared=False)
    errors = _refusal(_visit, instructor=instructor, side=world.a)
    assert "declaration of no business tie" in " ".join(errors)
    assert not Visit.objects.exists()
    ra = selectors.assignment_of(instructor, world.a.enterprise)
    declaration = services.declare(actor=instructor, assignment=ra)
    assert world.a.enterprise.name in declaration.statement
    assert "create" in _events(declaration)
    assert "once" in " ".join(_refusal(services.declare, actor=instructor, assignment=ra))
    assert Declaration.objects.count() == 1
    assert _visit(instructor, world.a).pk


def test_a_visit_is_dated_neither_in_the_future_nor_before_the_assignment(world):
    instructor = instructor_of(world.a, started_on=dt.date(2026, 3, 1))
    future = _refusal(_visit, instructor=instructor, side=world.a, visited_on=dt.date(2026, 12, 2))
    assert "in the future" in future["visited_on"][0]
    before = _refusal(_visit, instructor=instructor, side=world.a, visited_on=dt.date(2026, 2, 27))
    assert "before you were assigned" in before["visited_on"][0] and "2026-03-01" in before["visited_on"][0]
    assert not Visit.objects.exists()


def test_a_visit_names_whom_they_met_and_topics_from_the_countys_list(world):
    instructor = instructor_of(world.a)
    assert "whom you met" in _refusal(_visit, instructor=instructor, side=world.a, met="  ")["met"][0]
    unknown = _refusal(_visit, instructor=instructor, side=world.a, topics=["golf"])
    assert "not on the county's list" in unknown["topics"][0]
    none = _refusal(_visit, instructor=instructor, side=world.a, topics=[])
    assert "at least one topic" in none["topics"][0]
    # A topic of the county's own, once on its list, is accepted; free text always is.
    services.save_config(
        actor=world.county_admin, organization=world.county, visit_period="quarter", topics=["setup", "安全生产"]
    )
    assert _visit(instructor, world.a, topics=["安全生产"]).topics == ["安全生产"]
    assert _visit(instructor, world.a, topics=[], other_topics="工会").other_topics == "工会"
    again = _refusal(_visit, instructor=instructor, side=world.a, topics=["development"])
    assert "development" in again["topics"][0]


def test_only_the_enterprises_own_instructor_records_a_visit_there(world):
    instructor = instructor_of(world.a)
    errors = _refusal(_visit, instructor=instructor, side=world.b)
    assert "not an instructor of" in " ".join(errors)
    assert not Visit.objects.exists()


def test_photos_are_sealed_at_rest_and_limited(world):
    instructor = instructor_of(world.a)
    visit = _visit(instructor, world.a, photos=[("a.png", PNG, "image/png")])
    photo = VisitPhoto.objects.get(visit=visit)
    assert bytes(photo.sealed_file) != PNG and PNG not in bytes(photo.sealed_file)
    assert photo.size == len(PNG)
    too_many = _refusal(_visit, instructor=instructor, side=world.a, photos=[("a.png", PNG, "image/png")] * 7)
    assert "at most 6" in too_many["photos"][0]
    text = _refusal(_visit, instructor=instructor, side=world.a, photos=[("a.txt", b"hi", "text/plain")])
    assert "a.txt" in text["photos"][0]
    assert Visit.objects.count() == 1


def test_a_problem_goes_into_the_hands_of_the_enterprises_people_who_are_told(world):
    instructor = instructor_of(world.a)
    visit = visit_of(world.a, instructor)
    item = follow_up_of(world.a, visit)
    assert item.owner_role == "secretary" and item.status == "open"
    note = Notification.objects.get(user=world.a.secretary, kind=Kind.GUIDANCE)
    assert world.a.enterprise.name in note.title and f"/guidance/visits/{visit.pk}/" in note.url
    assert "create" in _events(item)
    # Not someone of another enterprise, and not due before the visit.
    other = _refusal(
        services.add_follow_up,
        actor=instructor,
        visit=visit,
        problem="x",
        owner=world.b.manager,
        due_on=dt.date(2026, 4, 1),
    )
    assert "not the secretary, a manager or an instructor" in other["owner"][0]
    early = _refusal(
        services.add_follow_up,
        actor=instructor,
        visit=visit,
        problem="x",
        owner=world.a.manager,
        due_on=dt.date(2026, 3, 1),
    )
    assert "before the visit" in early["due_on"][0]
    assert FollowUp.objects.count() == 1


def test_a_follow_up_is_closed_with_a_note_and_only_once(world):
    instructor = instructor_of(world.a)
    item = follow_up_of(world.a, visit_of(world.a, instructor))
    no_note = _refusal(services.close_follow_up, actor=world.a.secretary, item=item, note=" ", today=TODAY)
    assert "closed with a note" in no_note["note"][0]
    item.refresh_from_db()
    assert item.status == "open" and item.closed_on is None
    services.close_follow_up(
        actor=world.a.secretary, item=item, note="制度已上墙", closed_on=dt.date(2026, 3, 20), today=TODAY
    )
    item.refresh_from_db()
    assert (item.status, item.closed_on, item.closed_by) == ("closed", dt.date(2026, 3, 20), world.a.secretary)
    assert "update" in _events(item)
    twice = _refusal(services.close_follow_up, actor=world.a.secretary, item=item, note="again", today=TODAY)
    assert "already" in " ".join(twice)


def test_overdue_follow_ups_reach_the_owners_and_the_countys_to_do(world):
    instructor = instructor_of(world.a)
    item = follow_up_of(world.a, visit_of(world.a, instructor), due_on=dt.date(2026, 11, 1))
    with translation.override("en"):
        mine, _n = todos(world.a.secretary, TODAY)
        county, _n = todos(world.county_admin, TODAY)
        others, _n = todos(world.b.secretary, TODAY)
    owned = [t for t in mine if t.kind == "guidance"]
    assert len(owned) == 1 and owned[0].overdue and f"#f{item.pk}" in owned[0].url
    assert any(t.kind == "guidance" and "1 follow-up of instructors' visits is overdue" in t.title for t in county)
    assert not [t for t in others if t.kind == "guidance"]
    services.close_follow_up(actor=instructor, item=item, note="已整改", today=TODAY)
    with translation.override("en"):
        mine, _n = todos(world.a.secretary, TODAY)
    assert not [t for t in mine if t.kind == "guidance"]


def test_an_instructor_behind_with_visits_is_told_and_the_county_sees_it(world):
    instructor = instructor_of(world.a, started_on=dt.date(2025, 10, 1))
    visit_of(world.a, instructor, on=dt.date(2026, 2, 1))  # Q1 visited; Q2, Q3 missed; Q4 due
    with translation.override("en"):
        items = [t for t in todos(instructor, TODAY)[0] if t.kind == "guidance"]
        county = [t for t in todos(world.county_admin, TODAY)[0] if t.kind == "guidance"]
    assert len(items) == 1 and items[0].overdue and items[0].due_by == dt.date(2026, 12, 31)
    assert "2 periods without a visit" in items[0].detail
    assert any("1 instructor is behind" in t.title for t in county)
    rows = selectors.instructors_of(world.county, TODAY)
    assert [(r.instructor_name, r.visits, len(r.cadence.missed)) for r in rows] == [("A指导员", 1, 2)]
    # The county's own frequency decides: once a year, nobody is behind.
    services.save_config(actor=world.county_admin, organization=world.county, visit_period="year", topics=["setup"])
    assert not selectors.instructors_of(world.county, TODAY)[0].cadence.behind


def test_a_correction_is_audited_and_keeps_the_rules(world):
    instructor = instructor_of(world.a)
    visit = visit_of(world.a, instructor)
    follow_up_of(world.a, visit, due_on=dt.date(2026, 4, 1))
    services.update_visit(actor=instructor, visit=visit, minutes=120, today=TODAY)
    visit.refresh_from_db()
    assert visit.minutes == 120 and "update" in _events(visit)
    late = _refusal(services.update_visit, actor=instructor, visit=visit, visited_on=dt.date(2026, 5, 1), today=TODAY)
    assert "due before that day" in late["visited_on"][0]
    other = instructor_of(world.a, username="instructor_a2")
    assert "Only the instructor who wrote" in " ".join(
        _refusal(services.update_visit, actor=other, visit=visit, minutes=5, today=TODAY)
    )


def test_settings_belong_to_a_committee_and_keep_a_list(world):
    errors = _refusal(
        services.save_config, actor=world.county_admin, organization=world.a.branch, visit_period="month", topics=["x"]
    )
    assert "not a committee" in " ".join(errors)
    empty = _refusal(
        services.save_config, actor=world.county_admin, organization=world.county, visit_period="month", topics=[" "]
    )
    assert "at least one topic" in empty["topics"][0]
    config = services.save_config(
        actor=world.county_admin, organization=world.county, visit_period="month", topics=["setup", "setup", "安全"]
    )
    assert config.topics == ["setup", "安全"] and "create" in _events(config)
    # The park's enterprises follow the county's settings.
    assert selectors.config_for(world.park).visit_period == "month"


def test_a_role_taken_up_on_a_day_keeps_that_day(world):
    user = instructor_of(world.b, started_on=dt.date(2024, 9, 1), declared=False)
    ra = selectors.assignment_of(user, world.b.enterprise)
    assert ra.started_on == dt.date(2024, 9, 1)
    manager = access_services.assign_role(actor=None, user=user, role=Role.MANAGER, enterprise=world.b.enterprise)
    assert manager.started_on == dt.date.today() or manager.started_on >= dt.date(2026, 1, 1)
