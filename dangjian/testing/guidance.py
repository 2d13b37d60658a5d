"""Instructors for a side of the `world`: a cadre assigned to its enterprise from a day, with the
declaration made, and a visit of theirs with a problem in the side's secretary's hands."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.guidance import services
from dangjian.guidance.models import Appraisal, FollowUp, Opinion, Visit
from dangjian.testing.factories import PersonFactory, UserFactory

ASSIGNED = dt.date(2026, 1, 5)


def instructor_of(side, *, username: str | None = None, started_on: dt.date = ASSIGNED, declared: bool = True):
    """A county cadre (a person with a login) assigned to the side's enterprise as its instructor."""
    label = side.enterprise.name[0]
    person = PersonFactory(name=f"{label}指导员")
    user: Any = UserFactory(username=username or f"instructor_{label.lower()}", person=person)
    ra = access_services.assign_role(
        actor=None, user=user, role=Role.INSTRUCTOR, enterprise=side.enterprise, started_on=started_on
    )
    if declared:
        services.declare(actor=user, assignment=ra, declared_on=started_on)
    return user


def visit_of(side, instructor, *, on: dt.date = dt.date(2026, 3, 2), today: dt.date | None = None) -> Visit:
    return services.record_visit(
        actor=instructor,
        enterprise=side.enterprise,
        visited_on=on,
        minutes=90,
        met="书记、人事经理、三名工人",
        topics=["branch_life", "production"],
        notes="查看了党员活动室和先锋岗。",
        today=today or max(on, dt.date(2026, 12, 1)),
    )


def follow_up_of(side, visit: Visit, *, due_on: dt.date = dt.date(2026, 4, 1)) -> FollowUp:
    return services.add_follow_up(
        actor=visit.instructor, visit=visit, problem="党员活动室制度未上墙", owner=side.secretary, due_on=due_on
    )


# --- side B's records, for the route-by-route scope tests (testing/urls.py) ------------------------


def b_visit(world) -> Visit:
    return visit_of(world.b, instructor_of(world.b))


def b_follow_up(world) -> FollowUp:
    return follow_up_of(world.b, b_visit(world))


def b_photo(world) -> dict[str, int]:
    from dangjian.testing.production import PNG

    visit = services.record_visit(
        actor=instructor_of(world.b),
        enterprise=world.b.enterprise,
        visited_on=dt.date(2026, 3, 2),
        minutes=30,
        met="书记",
        topics=["setup"],
        photos=[("b.png", PNG, "image/png")],
        today=dt.date(2026, 12, 1),
    )
    return {"pk": visit.pk, "photo_pk": visit.photos.get().pk}


# --- branch ratings -----------------------------------------------------------------------------

COUNTED_ON = dt.date(2026, 6, 30)


def three_good():
    """The built-in 三好 scheme (a migration installs it; a transactional test's flush drops it,
    so it is installed again here when missing)."""
    from dangjian.guidance.models import Criterion, RatingScheme
    from dangjian.guidance.ratings import builtin

    return builtin.install(RatingScheme, Criterion)


def round_of(world, *, year: int = 2026, counted_on: dt.date = COUNTED_ON, today: dt.date = dt.date(2026, 12, 1)):
    from dangjian.guidance.ratings import services as ratings

    return ratings.open_round(
        actor=None, scheme=three_good(), organization=world.county, year=year, counted_on=counted_on, today=today
    )


def candidate_of(world, side, rnd=None):
    from dangjian.guidance.ratings import services as ratings

    return ratings.add_candidates(actor=None, round=rnd or round_of(world), branches=[side.branch])[0]


def b_candidate(world):
    return candidate_of(world, world.b)


def b_round(world):
    return b_candidate(world).round


def scheme_of(committee):
    from dangjian.guidance.ratings import services as ratings

    return ratings.save_scheme(
        actor=None,
        organization=committee,
        name="五好党支部",
        title="五好党支部",
        criteria=[
            {"name": "班子", "weight": 60, "method": "reviewed"},
            {"name": "会议", "weight": 40, "method": "counted", "measure": "meetings"},
        ],
    )


def reviewed_criterion():
    from dangjian.guidance.models import Method

    return three_good().criteria.filter(method=Method.REVIEWED).order_by("order").first()


def scored_candidate(world, side=None):
    """A candidate of the county's round with every reviewed criterion scored by the county."""
    from dangjian.guidance.models import Method, Reviewer
    from dangjian.guidance.ratings import services as ratings

    candidate = candidate_of(world, side or world.a)
    scores = {c.pk: (c.weight, "好") for c in three_good().criteria.filter(method=Method.REVIEWED)}
    ratings.score(actor=None, candidate=candidate, reviewer=Reviewer.COUNTY, scores=scores)
    return candidate


def appraisal_of(world, side, instructor, *, year: int = 2026, grade: str = "competent") -> Appraisal:
    """The county's appraisal of the side's instructor for a year (by its organisation department)."""
    return services.appraise(
        actor=world.county_admin,
        committee=world.county,
        instructor=instructor,
        year=year,
        grade=grade,
        today=dt.date(year, 12, 31),
    )


def opinion_of(side, instructor, *, by: str = "secretary", year: int = 2026, rating: str = "satisfied") -> Opinion:
    """The side's secretary's (or manager's) opinion of its instructor for a year."""
    return services.give_opinion(
        actor=getattr(side, by),
        enterprise=side.enterprise,
        instructor=instructor,
        year=year,
        rating=rating,
        today=dt.date(year, 12, 31),
    )


def b_instructor(world) -> Any:
    """Side B's instructor, made once however often a test asks (a page's query is built again
    for each example)."""
    from dangjian.access.models import User

    return User.objects.filter(username="instructor_b").first() or instructor_of(world.b)


def b_appraisal(world) -> Appraisal:
    return appraisal_of(world, world.b, b_instructor(world))


def b_opinion(world) -> Opinion:
    return opinion_of(world.b, b_instructor(world))
