"""Production records of a side of the `world`, for the route-by-route scope tests: its team in
its member's charge, its member paired with its worker, a post its member holds, a course its
member leads with its worker enrolled and one session."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dangjian.production import services
from dangjian.production.models import Course, Pairing, Post, TeamCharge

START = dt.date(2026, 1, 5)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def charge_of(side) -> TeamCharge:
    return services.take_charge(
        actor=None, organization=side.branch, team=side.team, member=side.member, started_on=START
    )


def pairing_of(side) -> Pairing:
    return services.pair(
        actor=None,
        organization=side.branch,
        member=side.member,
        partners=[side.worker],
        purposes=["skills"],
        started_on=START,
    )


def post_of(side, photo: bool = False) -> Post:
    return services.propose_post(
        actor=None,
        organization=side.branch,
        kind="vanguard",
        title=f"{side.enterprise.name}先锋岗",
        holder=side.member,
        commitment="零缺陷",
        started_on=START,
        unit=side.team,
        photo=("p.png", PNG, "image/png") if photo else None,
    )


def course_of(side) -> Course:
    course = services.open_course(
        actor=None,
        organization=side.branch,
        title=f"{side.enterprise.name}质检培训",
        skill="质检",
        trainer=side.member,
        starts_on=START,
        ends_on=START + dt.timedelta(days=30),
        hours=Decimal(16),
    )
    services.enrol(actor=None, course=course, people=[side.worker])
    services.hold_session(actor=None, course=course, held_on=START, hours=Decimal(2))
    return course


def attendance_of(side) -> dict[str, int]:
    course = course_of(side)
    return {"pk": course.pk, "attendance_pk": course.sessions.get().attendances.get().pk}
