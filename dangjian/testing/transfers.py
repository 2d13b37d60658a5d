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
