"""The rules of branch life (DOMAIN.md §3), pure: periods, how often each kind of meeting is
due, what a period's cell of the compliance calendar says, and the committee's quorum. No
database access; selectors feed these functions and pages, API and export show their answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from dangjian import calendar as periods
from dangjian.ids import parse_whole

from .models import MeetingKind, Period

# --- frequency -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    kind: str
    period: str
    times: int = 1
    day_of_month: int | None = None

    @property
    def period_label(self) -> str:
        return str(Period(self.period).label)

    @property
    def per_year(self) -> int:
        return self.times * 12 // periods.MONTHS_PER[self.period]


# The regulations' minimum (DOMAIN.md §3). The party lecture's and the theme day's frequency
# are local practice [config]; the others are [rule]: a county may ask for more, never less.
DEFAULT_RULES = {
    MeetingKind.GENERAL: Rule(MeetingKind.GENERAL, Period.QUARTER),
    MeetingKind.COMMITTEE: Rule(MeetingKind.COMMITTEE, Period.MONTH),
    MeetingKind.GROUP: Rule(MeetingKind.GROUP, Period.MONTH),
    MeetingKind.LECTURE: Rule(MeetingKind.LECTURE, Period.QUARTER),
    MeetingKind.THEME_DAY: Rule(MeetingKind.THEME_DAY, Period.MONTH),
    MeetingKind.LIFE: Rule(MeetingKind.LIFE, Period.YEAR),
}
REGULATED = frozenset({MeetingKind.GENERAL, MeetingKind.COMMITTEE, MeetingKind.GROUP, MeetingKind.LIFE})
SCHEDULED_KINDS = tuple(DEFAULT_RULES)  # the kinds the calendar measures


def looser_than(rule: Rule, floor: Rule) -> bool:
    """Whether `rule` asks less than `floor`: fewer meetings a year, or a longer period (four in
    December do not make up for none in spring)."""
    return rule.per_year < floor.per_year or periods.MONTHS_PER[rule.period] > periods.MONTHS_PER[floor.period]


# --- who attends ----------------------------------------------------------------------------------

# Organisations that hold a branch's meetings and keep a calendar of their own (branches and
# enterprise committees); not organizations.selectors.BRANCH_KINDS, which counts branches only.
CALENDAR_ORG_KINDS = frozenset({"branch", "joint_branch", "general_branch", "committee"})
GROUP_KINDS = frozenset({"group"})


def kinds_for(org_kind: str, has_committee: bool) -> list[str]:
    """The kinds of meeting an organisation of `org_kind` holds."""
    if org_kind in GROUP_KINDS:
        return [MeetingKind.GROUP, MeetingKind.STUDY]
    if org_kind in CALENDAR_ORG_KINDS:
        kinds = [k for k in MeetingKind.values if k != MeetingKind.GROUP]
        return kinds if has_committee else [k for k in kinds if k != MeetingKind.COMMITTEE]
    return []


def quorate(kind: str, present: int, committee_size: int) -> bool:
    """A committee meeting decides only with at least half of the committee present."""
    if kind != MeetingKind.COMMITTEE:
        return True
    return committee_size > 0 and present * 2 >= committee_size


# --- the compliance calendar -----------------------------------------------------------------------

HELD, DUE, OVERDUE, UPCOMING, NOT_REQUIRED = "held", "due", "overdue", "upcoming", "not_required"
STATE_LABELS = {
    HELD: _("held"),
    DUE: _("due"),
    OVERDUE: _("overdue"),
    UPCOMING: _("upcoming"),
    NOT_REQUIRED: _("not required"),
}


def cell_state(span: periods.Period, held: int, times: int, today: dt.date, since: dt.date | None) -> str:
    if since is not None and span.last_day < since:
        return NOT_REQUIRED  # the organisation did not exist yet
    if held >= times:
        return HELD
    if span.last_day < today:
        return OVERDUE
    if span.first_day <= today:
        return DUE
    return UPCOMING


@dataclass(frozen=True)
class Cell:
    span: periods.Period
    held: int
    planned: int
    state: str

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def cells(
    rule: Rule,
    year: int,
    held_by_month: dict[int, int],
    planned_by_month: dict[int, int],
    today: dt.date,
    since: dt.date | None = None,
) -> list[Cell]:
    """A requirement's cells for one year, from the meetings counted per month (1–12)."""
    out = []
    for span in periods.periods_in(year, rule.period):
        # Most organisations met in few months: sum only where a month has meetings.
        held = sum(held_by_month.get(m, 0) for m in span.months) if held_by_month else 0
        planned = sum(planned_by_month.get(m, 0) for m in span.months) if planned_by_month else 0
        out.append(Cell(span, held, planned, cell_state(span, held, rule.times, today, since)))
    return out


# --- the check-in code -----------------------------------------------------------------------------
# The QR code on the secretary's screen carries "<step>-<mac>": the minute (a step of
# CHECKIN_STEP_SECONDS since the epoch) and an HMAC of the meeting and that minute keyed with the
# meeting's secret. The current and the previous step are accepted (scanning takes a moment, and
# a code shown just before the minute turns must still work); nothing is stored per code. A link
# forwarded out of the room is useless a minute or two later.
CHECKIN_STEP_SECONDS = 60
CODE_VALID, CODE_EXPIRED, CODE_INVALID = "valid", "expired", "invalid"


def checkin_step(at: dt.datetime) -> int:
    return int(at.timestamp()) // CHECKIN_STEP_SECONDS


def checkin_step_ends(step: int) -> dt.datetime:
    return dt.datetime.fromtimestamp((step + 1) * CHECKIN_STEP_SECONDS, tz=dt.UTC)


def checkin_code(secret: str, meeting_id: int, step: int) -> str:
    mac = salted_hmac("dangjian.branchlife.checkin", f"{meeting_id}:{step}", secret=secret, algorithm="sha256")
    return f"{step}-{mac.hexdigest()[:16]}"


def checkin_code_state(secret: str, meeting_id: int, code: str, now: dt.datetime) -> str:
    """CODE_VALID for this or the previous step's code, CODE_EXPIRED for a genuine older one,
    CODE_INVALID for anything else (forged, another meeting's, a step yet to come)."""
    step_text, _sep, _mac = (code or "").partition("-")
    step = parse_whole(step_text, 0, 10**12 - 1)
    if step is None:
        return CODE_INVALID
    if not constant_time_compare(checkin_code(secret, meeting_id, step), code):
        return CODE_INVALID
    current = checkin_step(now)
    if step in (current, current - 1):
        return CODE_VALID
    return CODE_EXPIRED if step < current else CODE_INVALID
