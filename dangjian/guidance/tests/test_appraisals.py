"""The county's yearly appraisal of its instructors as its users meet it: four grades on the
year's figures (frozen when saved), a cap on Excellent that refuses the one too many and says the
limit, a change audited with what it was, the instructor told; the enterprise's opinion given
only by its own secretary and managers; the to-do items of the first quarter. Side B and another
county reach none of it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.guidance import rules, selectors, services
from dangjian.guidance.models import Appraisal, GuidanceConfig, Opinion
from dangjian.notifications.models import Kind, Notification
from dangjian.pages.todo import todos
from dangjian.testing.factories import EnterpriseFactory, UserFactory
from dangjian.testing.guidance import follow_up_of, instructor_of, visit_of

YEAR = 2026
TODAY = dt.date(2027, 1, 20)  # in the first quarter after the year appraised


def _refusal(fn, **kwargs) -> str:
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        fn(**kwargs)
    return " ".join(exc.value.messages)


def _appraise(world, instructor, grade="competent", **kw):
    return services.appraise(
        actor=world.county_admin,
        committee=world.county,
        instructor=instructor,
        year=YEAR,
        grade=grade,
        today=TODAY,
        **kw,
    )


def _more_instructors(world, n: int) -> list:
    """n instructors at new enterprises of the park, assigned at the start of the year."""
    found = []
    for i in range(n):
        ent = EnterpriseFactory(name=f"园区企业{i}", supervising_org=world.park)
        user = UserFactory(username=f"cadre{i}")
        access_services.assign_role(
            actor=None, user=user, role=Role.INSTRUCTOR, enterprise=ent, started_on=dt.date(YEAR, 1, 5)
        )
        found.append(user)
    return found


def _cap(world, percent):
    services.save_config(
        actor=world.county_admin,
        organization=world.county,
        visit_period="quarter",
        topics=["setup"],
        excellent_cap=percent,
    )


# --- the cap, as a rule -------------------------------------------------------------------------


@given(n=st.integers(min_value=0, max_value=5000), cap=st.integers(min_value=0, max_value=100))
def test_the_limit_never_passes_the_share_and_is_the_most_that_does_not(n, cap):
    limit = rules.excellent_limit(n, cap)
    assert limit is not None
    assert limit * 100 <= n * cap < (limit + 1) * 100


def test_the_limit_at_its_edges():
    assert rules.excellent_limit(10, 20) == 2  # exactly the share: allowed
    assert rules.excellent_limit(68, 20) == 13  # 13.6, rounded down
    assert rules.excellent_limit(4, 20) == 0  # 0.8: nobody
    assert rules.excellent_limit(7, 100) == 7
    assert rules.excellent_limit(7, 0) == 0
    assert rules.excellent_limit(7, None) is None  # no cap


# --- appraising ----------------------------------------------------------------------------------


def test_an_appraisal_freezes_the_years_figures_and_tells_the_instructor(world):
    instructor = instructor_of(world.a)
    visit = visit_of(world.a, instructor, on=dt.date(YEAR, 3, 2))
    follow_up_of(world.a, visit)
    done = follow_up_of(world.a, visit)
    services.close_follow_up(actor=world.a.secretary, item=done, note="已整改", closed_on=dt.date(YEAR, 3, 20))
    a = _appraise(world, instructor, "excellent", comment="走访扎实")
    assert (a.visits, a.follow_ups_closed, a.follow_ups_open) == (1, 1, 1)
    assert a.appraised_by == world.county_admin and a.comment == "走访扎实"
    # A visit recorded later does not move the figures the appraisal rests on.
    visit_of(world.a, instructor, on=dt.date(YEAR, 6, 1))
    a.refresh_from_db()
    assert a.visits == 1
    assert selectors.year_figures([instructor.pk], world.county, YEAR)[instructor.pk].visits == 2
    told = Notification.objects.get(user=instructor, kind=Kind.GUIDANCE)
    assert str(YEAR) in told.title


def test_a_change_is_audited_with_what_it_was_and_told_only_when_the_grade_moves(world):
    instructor = instructor_of(world.a)
    a = _appraise(world, instructor, "competent")
    assert AuditEvent.objects.filter(object_type="guidance.Appraisal", object_id=str(a.pk), action="create").exists()
    _appraise(world, instructor, "competent", comment="补充说明")
    assert Notification.objects.filter(user=instructor).count() == 1  # the same grade: not told again
    _appraise(world, instructor, "basically_competent", comment="补充说明")
    assert Appraisal.objects.count() == 1
    a.refresh_from_db()
    assert a.grade == "basically_competent"
    update = (
        AuditEvent.objects.filter(object_type="guidance.Appraisal", object_id=str(a.pk), action="update")
        .order_by("id")
        .last()
    )
    assert "competent" in json.dumps(update.changes["grade"]) and "basically_competent" in json.dumps(
        update.changes["grade"]
    )
    assert Notification.objects.filter(user=instructor).count() == 2
    # Saving it again unchanged writes nothing.
    events = AuditEvent.objects.count()
    _appraise(world, instructor, "basically_competent", comment="补充说明")
    assert AuditEvent.objects.count() == events


def test_only_an_instructor_under_the_county_in_that_year_is_appraised(world):
    late = instructor_of(world.a, started_on=dt.date(YEAR + 1, 1, 3))  # assigned after the year
    assert "was not an instructor" in _refusal(_appraise, world=world, instructor=late)
    other_admin = UserFactory(username="yanqi_admin")
    access_services.assign_role(
        actor=None, user=other_admin, role=Role.ORG_DEPARTMENT, organization=world.outsider_county
    )
    b = instructor_of(world.b)
    # Another county's department appraises nobody here, nor its own committee those of this one.
    msg = _refusal(
        services.appraise,
        actor=other_admin,
        committee=world.county,
        instructor=b,
        year=YEAR,
        grade="competent",
        today=TODAY,
    )
    assert "organisation department" in msg
    msg = _refusal(
        services.appraise,
        actor=other_admin,
        committee=world.outsider_county,
        instructor=b,
        year=YEAR,
        grade="competent",
        today=TODAY,
    )
    assert "was not an instructor" in msg
    # Not the branch, not a park committee, not next year, not a grade of our own.
    assert "organisation department" in _refusal(
        services.appraise,
        actor=world.a.secretary,
        committee=world.county,
        instructor=b,
        year=YEAR,
        grade="competent",
        today=TODAY,
    )
    assert "not a county committee" in _refusal(
        services.appraise, actor=None, committee=world.park, instructor=b, year=YEAR, grade="competent", today=TODAY
    )
    assert "not a year" in _refusal(
        services.appraise,
        actor=None,
        committee=world.county,
        instructor=b,
        year=TODAY.year + 1,
        grade="competent",
        today=TODAY,
    )
    assert "Choose a grade" in _refusal(_appraise, world=world, instructor=b, grade="outstanding")
    assert not Appraisal.objects.exists()


def test_the_cap_refuses_the_one_excellent_too_many_and_says_the_limit(world):
    a, b = instructor_of(world.a), instructor_of(world.b)
    c, d, e = _more_instructors(world, 3)
    _cap(world, 40)  # 40 % of 5 = 2
    _appraise(world, a, "excellent")
    _appraise(world, b, "excellent")
    msg = _refusal(_appraise, world=world, instructor=c, grade="excellent")
    assert "At most 2 of the 5 instructors" in msg and "2 already are" in msg and "40%" in msg
    assert not Appraisal.objects.filter(instructor=c).exists()
    # One already rated Excellent keeps it when their appraisal is saved again.
    _appraise(world, a, "excellent", comment="再次确认")
    # Lower one, and the place is free.
    _appraise(world, b, "competent")
    _appraise(world, c, "excellent")
    assert Appraisal.objects.filter(grade="excellent").count() == 2
    # No cap: no limit.
    _cap(world, None)
    _appraise(world, d, "excellent")
    _appraise(world, e, "excellent")
    assert Appraisal.objects.filter(grade="excellent").count() == 4


def test_a_cap_of_nought_and_a_share_below_one_rate_nobody_excellent(world):
    a = instructor_of(world.a)
    instructor_of(world.b)
    _cap(world, 0)
    assert "At most 0 of the 2" in _refusal(_appraise, world=world, instructor=a, grade="excellent")
    _cap(world, 49)  # 0.98 of one
    assert "At most 0 of the 2" in _refusal(_appraise, world=world, instructor=a, grade="excellent")
    _cap(world, 50)  # exactly one
    _appraise(world, a, "excellent")
    assert GuidanceConfig.objects.get(organization=world.county).excellent_cap == 50


def test_the_cap_is_kept_when_the_settings_are_saved_without_it(world):
    _cap(world, 20)
    services.save_config(actor=None, organization=world.county, visit_period="month", topics=["setup"])
    assert GuidanceConfig.objects.get(organization=world.county).excellent_cap == 20
    assert "0 to 100" in _refusal(
        services.save_config,
        actor=None,
        organization=world.county,
        visit_period="month",
        topics=["setup"],
        excellent_cap=101,
    )


def test_history_lists_every_year_to_the_instructor_and_the_county_only(world):
    instructor = instructor_of(world.a, started_on=dt.date(YEAR - 1, 3, 1))
    services.appraise(
        actor=None, committee=world.county, instructor=instructor, year=YEAR - 1, grade="competent", today=TODAY
    )
    _appraise(world, instructor, "excellent")
    assert [a.year for a in selectors.appraisal_history(instructor, instructor.pk)] == [YEAR, YEAR - 1]
    assert selectors.appraisal_history(world.county_admin, instructor.pk).count() == 2
    for nobody in (world.a.secretary, world.a.manager, world.b.secretary, instructor_of(world.b)):
        assert not selectors.appraisal_history(nobody, instructor.pk).exists(), nobody


# --- the enterprise's opinion ---------------------------------------------------------------------


def _opinion(side, instructor, by, **kw):
    return services.give_opinion(
        actor=by, enterprise=side.enterprise, instructor=instructor, year=YEAR, today=TODAY, **kw
    )


def test_the_secretary_and_a_manager_give_the_enterprises_opinion_each_in_their_role(world):
    instructor = instructor_of(world.a)
    by_secretary = _opinion(world.a, instructor, world.a.secretary, rating="satisfied", comment="指导及时")
    by_manager = _opinion(world.a, instructor, world.a.manager, rating="basically_satisfied")
    assert (by_secretary.author_role, by_manager.author_role) == ("secretary", "manager")
    # Another manager of the enterprise replaces the management's opinion; the audit keeps the first.
    second = UserFactory(username="manager_a2")
    access_services.assign_role(actor=None, user=second, role=Role.MANAGER, enterprise=world.a.enterprise)
    again = _opinion(world.a, instructor, second, rating="not_satisfied")
    assert again.pk == by_manager.pk and again.author == second
    update = AuditEvent.objects.filter(object_type="guidance.Opinion", object_id=str(again.pk), action="update").get()
    assert "basically_satisfied" in json.dumps(update.changes)
    assert Opinion.objects.count() == 2
    # The county reads both on the appraisal list; the instructor reads none.
    row = selectors.appraisal_rows(world.county, YEAR, instructor_id=instructor.pk)[0]
    assert sorted(o.rating for o in row.opinions) == ["not_satisfied", "satisfied"]
    assert not selectors.visible_opinions(instructor).exists()
    assert selectors.visible_opinions(world.a.secretary).get() == by_secretary


def test_nobody_else_gives_an_opinion_nor_of_another_enterprises_instructor(world):
    a, b = instructor_of(world.a), instructor_of(world.b)
    for outsider in (world.b.secretary, world.b.manager, world.county_admin, b):
        assert "Only the branch secretary and the managers" in _refusal(
            _opinion, side=world.a, instructor=a, by=outsider, rating="satisfied"
        ), outsider
    # A's secretary, of B's instructor at A: not A's instructor.
    assert "was not an instructor of A公司" in _refusal(
        _opinion, side=world.a, instructor=b, by=world.a.secretary, rating="satisfied"
    )
    assert "Choose Satisfied" in _refusal(_opinion, side=world.a, instructor=a, by=world.a.secretary, rating="great")
    # A manager does not write the secretary's opinion.
    assert "each in their own role" in _refusal(
        _opinion, side=world.a, instructor=a, by=world.a.manager, rating="satisfied", role="secretary"
    )
    assert not Opinion.objects.exists()


# --- to-do ----------------------------------------------------------------------------------------


def _titles(user, today):
    with translation.override("en"):
        return [t.title for t in todos(user, today)[0]]


def test_in_the_first_quarter_the_opinions_and_appraisals_of_last_year_are_on_the_to_do_lists(world):
    a = instructor_of(world.a)
    instructor_of(world.b)
    assert any("Give your opinion of A指导员" in t for t in _titles(world.a.secretary, TODAY))
    assert any("Give your opinion of A指导员" in t for t in _titles(world.a.manager, TODAY))
    assert not any("B指导员" in t for t in _titles(world.a.secretary, TODAY))
    assert "2 instructors not yet appraised for 2026" in _titles(world.county_admin, TODAY)
    _opinion(world.a, a, world.a.secretary, rating="satisfied")
    _appraise(world, a)
    assert not any("Give your opinion" in t for t in _titles(world.a.secretary, TODAY))
    assert any("Give your opinion" in t for t in _titles(world.a.manager, TODAY))
    assert "1 instructor not yet appraised for 2026" in _titles(world.county_admin, TODAY)
    # After March, no longer.
    later = dt.date(TODAY.year, 4, 1)
    assert not any("Give your opinion" in t for t in _titles(world.a.manager, later))
    assert not any("appraised" in t for t in _titles(world.county_admin, later))
