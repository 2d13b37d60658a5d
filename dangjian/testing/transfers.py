"""Builders of transfers for tests: a letter issued from A's branch (to B's, to another county's
branch, or outside), as the sending secretary would issue it."""

from __future__ import annotations

import datetime as dt

from dangjian.testing.factories import make_org
from dangjian.transfers import services


def other_county_branch(world):
    """A branch in the other county (焉耆), for letters across counties."""
    return make_org("branch", "焉耆县某公司党支部", world.outsider_county)


def issued(world, *, side="a", to_org=None, outside="", on=None, valid_until=None, today=None):
    s = getattr(world, side)
    if to_org is None and not outside:
        to_org = (world.b if side == "a" else world.a).branch
    on = on or dt.date.today()
    return services.issue(
        actor=s.secretary,
        person=s.member,
        to_org=to_org,
        outside_org_name=outside,
        issued_on=on,
        valid_until=valid_until,
        dues_paid_to=on.replace(day=1),
        reason="调动工作",
        today=today or max(on, dt.date.today()),
    )


def b_letter(world):
    """A letter of B's member to a branch of the other county: nothing of A's on either side."""
    return issued(world, side="b", to_org=other_county_branch(world))


def b_outgoing(world):
    return issued(world, side="b", outside="乌鲁木齐市某公司党支部")


def incoming(world, side="a", verified=False):
    """A letter from outside registered by the side's secretary (verified, if asked)."""
    s = getattr(world, side)
    today = dt.date.today()
    t = services.register_incoming(
        actor=s.secretary,
        to_org=s.branch,
        outside_org_name="库尔勒市某公司党支部",
        number="库组转15号",
        issued_on=today - dt.timedelta(days=5),
        valid_until=today + dt.timedelta(days=25),
        dues_paid_to=today.replace(day=1),
        person_name=f"{s.branch.name[:1]}转入党员",
        gender="M",
        ethnicity="02",
        birth_date=dt.date(1990, 5, 4),
        member_status="full",
        admitted_on=dt.date(2015, 6, 1),
        converted_on=dt.date(2016, 6, 1),
    )
    if verified:
        services.verify_incoming(actor=s.secretary, transfer=t)
    return t
