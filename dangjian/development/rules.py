"""The 25 steps of membership development (DOMAIN.md §2) as data, and the rules that govern them.

Pure functions over a candidacy's recorded steps: no database. One implementation answers the
three questions the platform asks — may this step be recorded on this date (`check`), what is
due next and by when (`due`), and where does the candidate stand (`stage_of`) — so the refusal a
secretary sees, the board and the daily reminders can never disagree.

Dates: "within one month" ends on the same day of the next month (the last day when that month
is shorter); "one year" likewise (29 February → 28 February). Counting follows the regulations'
wording: "more than half" is strictly more than half.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.people.rules import age_on

# --- the steps -------------------------------------------------------------------------------

APPLICANT, ACTIVIST, TARGET, ADMITTED, CLOSED = "applicant", "activist", "target", "admitted", "closed"

SECRETARY = gettext_lazy("the branch secretary or a committee member")
COMMITTEE = gettext_lazy("the branch committee")
HIGHER = gettext_lazy("the higher party committee")
DEPARTMENT = gettext_lazy("the organisation department")
MEETING = gettext_lazy("the branch general meeting")
CANDIDATE = gettext_lazy("the candidate")


@dataclass(frozen=True)
class StepDef:
    number: int
    stage: str
    label: Any  # lazy text
    actor: Any
    after: tuple[int, ...] = ()  # steps that must be recorded first
    repeatable: bool = False
    automatic: bool = False  # a period the system counts, not an act anyone records


STEPS: dict[int, StepDef] = {
    s.number: s
    for s in (
        StepDef(1, APPLICANT, gettext_lazy("Written application received"), CANDIDATE),
        StepDef(2, APPLICANT, gettext_lazy("Talk with the applicant"), SECRETARY, (1,)),
        StepDef(3, ACTIVIST, gettext_lazy("Designated as activist"), COMMITTEE, (2,)),
        StepDef(4, ACTIVIST, gettext_lazy("Activist filed with the higher committee"), COMMITTEE, (3,)),
        StepDef(5, ACTIVIST, gettext_lazy("Cultivation contacts assigned"), COMMITTEE, (3,)),
        StepDef(6, ACTIVIST, gettext_lazy("Half-yearly assessment"), COMMITTEE, (3,), repeatable=True),
        StepDef(7, TARGET, gettext_lazy("Designated as development target"), COMMITTEE, (4, 5, 6)),
        StepDef(8, TARGET, gettext_lazy("Development target filed"), COMMITTEE, (7,)),
        StepDef(9, TARGET, gettext_lazy("Two sponsors named"), COMMITTEE, (7,)),
        StepDef(10, TARGET, gettext_lazy("Political review concluded"), COMMITTEE, (7,)),
        StepDef(11, TARGET, gettext_lazy("Short-course training completed"), COMMITTEE, (7,)),
        StepDef(12, TARGET, gettext_lazy("Reviewed by the branch committee"), COMMITTEE, (8, 9, 10, 11)),
        StepDef(13, TARGET, gettext_lazy("Pre-reviewed by the higher committee; public notice"), HIGHER, (12,)),
        StepDef(14, TARGET, gettext_lazy("Application form (入党志愿书) filled in"), CANDIDATE, (13,)),
        StepDef(15, TARGET, gettext_lazy("Admitted by the branch general meeting"), MEETING, (14,)),
        StepDef(16, TARGET, gettext_lazy("Talk by a member of the higher committee"), HIGHER, (15,)),
        StepDef(17, ADMITTED, gettext_lazy("Admission approved by the higher committee"), HIGHER, (16,)),
        StepDef(18, ADMITTED, gettext_lazy("Filed with the organisation department"), DEPARTMENT, (17,)),
        StepDef(19, ADMITTED, gettext_lazy("Assigned to a branch or party group"), COMMITTEE, (17,)),
        StepDef(20, ADMITTED, gettext_lazy("Oath taken"), COMMITTEE, (17,)),
        StepDef(
            21,
            ADMITTED,
            gettext_lazy("Probation (one year from the admitting meeting)"),
            COMMITTEE,
            (17,),
            automatic=True,
        ),
        StepDef(22, ADMITTED, gettext_lazy("Application for conversion"), CANDIDATE, (20,), repeatable=True),
        StepDef(
            23,
            ADMITTED,
            gettext_lazy("Conversion voted by the branch general meeting"),
            MEETING,
            (22,),
            repeatable=True,
        ),
        StepDef(
            24, ADMITTED, gettext_lazy("Conversion decided by the higher committee"), HIGHER, (23,), repeatable=True
        ),
        StepDef(25, CLOSED, gettext_lazy("Dossier archived"), DEPARTMENT, (24,)),
    )
}
VOTES = {15, 23}
ON_TIME, EXTEND, CANCEL = "on_time", "extend", "cancel"


@dataclass(frozen=True)
class Config:
    """Local practice ([config] in DOMAIN.md §2): defaults here, a county may set its own."""

    notice_min_days: int = 5
    notice_max_days: int = 7
    thought_report_months: int = 3
    conversion_prompt_days: int = 30
    birthday_basis: str = "admission"  # or "conversion"


@dataclass(frozen=True)
class Done:
    number: int
    on: dt.date
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Candidate:
    """What the rules need to know about the person and the branch."""

    birth_date: dt.date | None
    full_members: frozenset[int] = frozenset()  # person ids of the branch's full members
    person_id: int | None = None


@dataclass(frozen=True)
class Refusal:
    rule: str  # a stable code, for tests and the API
    message: str
    possible_from: dt.date | None = None
    blocking: bool = True  # False: recorded, but the breach is shown (e.g. a late talk)


@dataclass(frozen=True)
class Due:
    number: int
    earliest: dt.date | None
    due_by: dt.date | None
    overdue: bool

    @property
    def step(self) -> StepDef:
        return STEPS[self.number]


# --- date arithmetic ----------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


# --- the record -------------------------------------------------------------------------------


def _last(history: Sequence[Done], number: int) -> Done | None:
    found = [d for d in history if d.number == number]
    return max(found, key=lambda d: d.on) if found else None


def _all(history: Sequence[Done], number: int) -> list[Done]:
    return sorted((d for d in history if d.number == number), key=lambda d: d.on)


def extensions(history: Sequence[Done]) -> list[Done]:
    return [d for d in _all(history, 24) if d.data.get("decision") == EXTEND]


def probation_end(history: Sequence[Done]) -> dt.date | None:
    """One year from the admitting meeting, plus the one extension if there was one."""
    meeting = _last(history, 15)
    if meeting is None or _last(history, 17) is None:
        return None
    end = add_years(meeting.on, 1)
    for ext in extensions(history):
        end = add_months(end, _int(ext.data.get("months")) or 0)
    return end


def decision(history: Sequence[Done]) -> str | None:
    last = _last(history, 24)
    return last.data.get("decision") if last else None


def stage_of(history: Sequence[Done]) -> str:
    numbers = {d.number for d in history}
    if decision(history) in {ON_TIME, CANCEL}:
        return CLOSED
    if 17 in numbers:
        return ADMITTED
    if 7 in numbers:
        return TARGET
    if 3 in numbers:
        return ACTIVIST
    return APPLICANT


def _round_open(history: Sequence[Done]) -> bool:
    """Steps 22–24 run once, and once more after an extension."""
    return len(_all(history, 24)) <= len(extensions(history))


# --- may this step be recorded? ------------------------------------------------------------------


def check(
    history: Sequence[Done],
    number: int,
    on: dt.date,
    data: dict[str, Any],
    candidate: Candidate,
    today: dt.date,
    config: Config = Config(),
) -> list[Refusal]:
    """Everything that stands against recording step `number` on `on`; empty means it may be."""
    step = STEPS.get(number)
    if step is None:
        return [Refusal("unknown_step", _("There is no step %(n)s; the steps are numbered 1 to 25.") % {"n": number})]
    if step.automatic:
        return [Refusal("automatic", _("Step 21 (probation) is a period the system counts; it is not recorded."))]
    refusals: list[Refusal] = []
    if on > today:
        refusals.append(
            Refusal(
                "future", _("The date %(on)s is in the future. Record a step on the day it happens.") % {"on": on}, on
            )
        )
    if stage_of(history) == CLOSED and number != 25:
        return refusals + [Refusal("closed", _("This candidacy is closed: no further step can be recorded."))]
    done = {d.number for d in history}
    if number in done and not step.repeatable:
        previous = _last(history, number)
        return refusals + [
            Refusal("already", _("Step %(n)d was already recorded on %(on)s.") % {"n": number, "on": previous.on})
        ]
    if number in {22, 23, 24}:
        if not _round_open(history):
            return refusals + [Refusal("already", _("The conversion has already been decided."))]
        rounds = len(_all(history, 24))  # decisions so far: 0, or 1 after an extension
        counts = {n: len(_all(history, n)) for n in (22, 23, 24)}
        if counts[number] > rounds:
            return refusals + [
                Refusal("already", _("Step %(n)d was already recorded for this probation.") % {"n": number})
            ]
        if number > 22 and counts[number - 1] <= rounds:
            first = STEPS[number - 1]
            return refusals + [
                Refusal(
                    "order",
                    _("Step %(n)d (%(label)s) comes first; it has not been recorded.")
                    % {"n": first.number, "label": first.label},
                )
            ]
    missing = [n for n in step.after if n not in done]
    if missing:
        first = STEPS[missing[0]]
        return refusals + [
            Refusal(
                "order",
                _("Step %(n)d (%(label)s) comes first; it has not been recorded.")
                % {"n": first.number, "label": first.label},
            )
        ]
    for n in step.after:
        before = _last(history, n)
        if before and on < before.on:
            refusals.append(
                Refusal(
                    "before_previous",
                    _("This step cannot come before step %(n)d, recorded on %(on)s.") % {"n": n, "on": before.on},
                    before.on,
                )
            )
    refusals += _RULES.get(number, _no_rule)(history, on, data, candidate, config)
    return refusals


def _no_rule(*args: Any) -> list[Refusal]:
    return []


def _application(history, on, data, candidate: Candidate, config) -> list[Refusal]:
    if candidate.birth_date is None:
        return []
    adult = coming_of_age(candidate.birth_date)
    if on < adult:
        return [
            Refusal(
                "age",
                _("An applicant must be 18 or older; on %(on)s this person was %(age)d. They may apply from %(from)s.")
                % {"on": on, "age": age_on(candidate.birth_date, on), "from": adult},
                adult,
            )
        ]
    return []


def coming_of_age(birth: dt.date) -> dt.date:
    """The 18th birthday; for a 29 February birth, 1 March, the first day `age_on` counts 18
    (the person page and the membership rules count age the same way)."""
    if (birth.month, birth.day) == (2, 29):
        return dt.date(birth.year + 18, 3, 1)
    return add_years(birth, 18)


def talk_due(history: Sequence[Done]) -> dt.date | None:
    application = _last(history, 1)
    return add_months(application.on, 1) if application else None


def _talk(history, on, data, candidate, config) -> list[Refusal]:
    due_by = talk_due(history)
    if due_by and on > due_by:
        return [
            Refusal(
                "talk_late",
                _(
                    "The talk should have taken place by %(due)s, within one month of the application; it is recorded as late."
                )
                % {"due": due_by},
                blocking=False,
            )
        ]
    return []


def _count(value: Any) -> int:
    """A whole, non-negative number from a form or the API; anything else raises ValueError."""
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _number(value: Any) -> float | None:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return None


def _full_members_named(key: str, data, candidate: Candidate, lo: int, hi: int, what: str) -> list[Refusal]:
    people = [_int(p) for p in data.get(key) or []]
    if None in people:
        return [Refusal(key, _("Choose the %(what)s among the members of the organisation.") % {"what": what})]
    if len(set(people)) != len(people) or not lo <= len(people) <= hi:
        count = _("two") if lo == hi == 2 else _("one or two")
        return [Refusal(key, _("Name %(count)s %(what)s.") % {"count": count, "what": what})]
    if candidate.person_id in people:
        return [Refusal(key, _("The candidate cannot be their own %(what)s.") % {"what": what})]
    not_full = [p for p in people if p not in candidate.full_members]
    if not_full:
        return [
            Refusal(
                key,
                _("%(what)s must be full members of the branch; a probationary member cannot be one.") % {"what": what},
            )
        ]
    return []


def _contacts(history, on, data, candidate, config) -> list[Refusal]:
    return _full_members_named("contacts", data, candidate, 1, 2, _("cultivation contacts"))


def assessments_needed(activist_on: dt.date, on: dt.date) -> int:
    """One assessment for every complete half-year as activist."""
    n = 0
    while add_months(activist_on, 6 * (n + 1)) <= on:
        n += 1
    return n


def target_from(history: Sequence[Done]) -> dt.date | None:
    activist = _last(history, 3)
    return add_years(activist.on, 1) if activist else None


def _target(history, on, data, candidate, config) -> list[Refusal]:
    refusals = []
    earliest = target_from(history)
    if earliest and on < earliest:
        refusals.append(
            Refusal(
                "activist_year",
                _(
                    "An activist becomes a development target after at least one year; designated on %(since)s, "
                    "this person can be from %(from)s."
                )
                % {"since": _last(history, 3).on, "from": earliest},
                earliest,
            )
        )
    activist_on = _last(history, 3).on
    needed = assessments_needed(activist_on, on)
    held = [d.on for d in _all(history, 6)]
    missing = [
        k
        for k in range(needed)
        if not any(add_months(activist_on, 6 * k) < day <= add_months(activist_on, 6 * (k + 1)) for day in held)
    ]
    if missing:
        k = missing[0]
        refusals.append(
            Refusal(
                "assessments",
                _(
                    "An activist is assessed every half year: %(needed)d assessments are due by %(on)s, one in each "
                    "half-year; none is recorded between %(start)s and %(end)s."
                )
                % {
                    "needed": needed,
                    "on": on,
                    "start": add_months(activist_on, 6 * k),
                    "end": add_months(activist_on, 6 * (k + 1)),
                },
            )
        )
    return refusals


def _assessment(history, on, data, candidate, config) -> list[Refusal]:
    if _last(history, 7) is not None:
        return [
            Refusal(
                "order", _("Half-yearly assessments are an activist's; this person is already a development target.")
            )
        ]
    return []


def _sponsors(history, on, data, candidate, config) -> list[Refusal]:
    return _full_members_named("sponsors", data, candidate, 2, 2, _("sponsors"))


def _review(history, on, data, candidate, config) -> list[Refusal]:
    if not (data.get("conclusion") or "").strip():
        return [Refusal("conclusion", _("Record the written conclusion of the political review."))]
    return []


def _training(history, on, data, candidate, config) -> list[Refusal]:
    days, hours = _number(data.get("days")), _number(data.get("hours"))
    if days is None or hours is None:
        return [Refusal("training", _("Give the training's length as a number of days or class hours."))]
    if days < 3 and hours < 24:
        return [
            Refusal(
                "training",
                _(
                    "The short course lasts at least 3 days or 24 class hours; %(days)g days and %(hours)g hours are recorded."
                )
                % {"days": days, "hours": hours},
            )
        ]
    return []


def _notice(history, on, data, candidate, config: Config) -> list[Refusal]:
    try:
        start, end = _date(data.get("notice_from")), _date(data.get("notice_to"))
    except ValueError:
        start = end = None
    if start is None or end is None:
        return [Refusal("notice", _("Give the first and last day of the public notice."))]
    days = (end - start).days + 1
    refusals = []
    if start < on:
        refusals.append(Refusal("notice", _("The public notice starts after the pre-review, not before it.")))
    if not config.notice_min_days <= days <= config.notice_max_days:
        refusals.append(
            Refusal(
                "notice_days",
                _("The public notice lasts %(min)d to %(max)d days; %(start)s to %(end)s is %(days)d.")
                % {
                    "min": config.notice_min_days,
                    "max": config.notice_max_days,
                    "start": start,
                    "end": end,
                    "days": days,
                },
            )
        )
    return refusals


def notice_end(history: Sequence[Done]) -> dt.date | None:
    notice = _last(history, 13)
    try:
        return _date(notice.data.get("notice_to")) if notice else None
    except ValueError:
        return None


def _form(history, on, data, candidate, config) -> list[Refusal]:
    end = notice_end(history)
    if end and on <= end:
        after = end + dt.timedelta(days=1)
        return [
            Refusal(
                "notice_running",
                _("The public notice runs until %(end)s; the application form follows it, from %(from)s.")
                % {"end": end, "from": after},
                after,
            )
        ]
    return []


def vote_problems(data: dict[str, Any]) -> list[Refusal]:
    """Quorum and majority at a branch general meeting (steps 15 and 23).

    Only full members vote (probationary members have no vote, Party Constitution art. 7), so
    those "entitled" are the full members with voting rights. Those present must be more than
    half of them; yes votes, counting the written opinions of entitled members who could not
    attend (never counted as present), must be more than half of them too."""
    try:
        entitled = _count(data["entitled"])
        full = _count(data.get("full_entitled", data["entitled"]))
        present = _count(data["present"])
        yes = _count(data["yes"])
        written = _count(data.get("written_yes") or 0)
    except (KeyError, TypeError, ValueError):
        return [Refusal("tally", _("Record the tally: full members entitled to vote, present, and yes votes."))]
    if full != entitled:
        return [
            Refusal(
                "tally",
                _(
                    "Probationary members have no vote: the members entitled to vote are the full members with voting "
                    "rights, so the two numbers are the same."
                ),
            )
        ]
    if not (0 <= present <= entitled and 0 <= yes <= present and 0 <= written <= entitled - present):
        return [Refusal("tally", _("The tally does not add up: check the numbers entitled, present and voting yes."))]
    refusals = []
    if present * 2 <= entitled:
        refusals.append(
            Refusal(
                "quorum",
                _(
                    "%(present)d of %(entitled)d members entitled to vote were present: not more than half, so the meeting could not vote."
                )
                % {"present": present, "entitled": entitled},
            )
        )
    if (yes + written) * 2 <= full:
        refusals.append(
            Refusal(
                "majority",
                _(
                    "%(yes)d yes votes (written opinions included) of %(full)d full members entitled to vote: not more than half, so the vote did not pass."
                )
                % {"yes": yes + written, "full": full},
            )
        )
    return refusals


def _admission_vote(history, on, data, candidate, config) -> list[Refusal]:
    return vote_problems(data)


def approval_deadlines(meeting: dt.date) -> tuple[dt.date, dt.date]:
    """Approval within 3 months of the meeting, 6 at the very most."""
    return add_months(meeting, 3), add_months(meeting, 6)


def _approval(history, on, data, candidate, config, meeting_step: int = 15) -> list[Refusal]:
    meeting = _last(history, meeting_step)
    due_by, limit = approval_deadlines(meeting.on)
    if on > limit:
        return [
            Refusal(
                "approval_limit",
                _("Approval must come within 6 months of the meeting of %(meeting)s, by %(limit)s at the latest.")
                % {"meeting": meeting.on, "limit": limit},
            )
        ]
    if on > due_by:
        return [
            Refusal(
                "approval_late",
                _("Approval is due within 3 months of the meeting (by %(due)s); it is recorded as late.")
                % {"due": due_by},
                blocking=False,
            )
        ]
    return []


def conversion_application_from(end: dt.date) -> dt.date:
    """The application for conversion is made at the end of probation: from one month before it."""
    return add_months(end, -1)


def _conversion_application(history, on, data, candidate, config: Config) -> list[Refusal]:
    end = probation_end(history)
    earliest = conversion_application_from(end)
    if on < earliest:
        return [
            Refusal(
                "probation",
                _("Probation ends on %(end)s; the application for conversion is made from %(from)s.")
                % {"end": end, "from": earliest},
                earliest,
            )
        ]
    return []


def _conversion_vote(history, on, data, candidate, config) -> list[Refusal]:
    end = probation_end(history)
    refusals = []
    if on < end:
        refusals.append(
            Refusal(
                "probation",
                _("Probation ends on %(end)s; the branch votes on conversion at its end, not before.") % {"end": end},
                end,
            )
        )
    return refusals + vote_problems(data)


def _conversion_decision(history, on, data, candidate, config) -> list[Refusal]:
    refusals = _approval(history, on, data, candidate, config, meeting_step=23)
    choice = data.get("decision")
    if choice not in {ON_TIME, EXTEND, CANCEL}:
        return refusals + [
            Refusal("decision", _("Choose the decision: convert on time, extend the probation, or cancel it."))
        ]
    if choice == EXTEND:
        if extensions(history):
            refusals.append(
                Refusal("extension", _("Probation can be extended once only; it has been extended already."))
            )
        months = _int(data.get("months")) or 0
        if not 6 <= months <= 12:
            refusals.append(Refusal("extension", _("An extension lasts 6 to 12 months.")))
    return refusals


def _archive(history, on, data, candidate, config) -> list[Refusal]:
    if decision(history) not in {ON_TIME, CANCEL}:
        return [Refusal("order", _("The dossier is archived once the conversion is decided."))]
    return []


_RULES = {
    1: _application,
    2: _talk,
    6: _assessment,
    5: _contacts,
    7: _target,
    9: _sponsors,
    10: _review,
    11: _training,
    13: _notice,
    14: _form,
    15: _admission_vote,
    17: _approval,
    22: _conversion_application,
    23: _conversion_vote,
    24: _conversion_decision,
    25: _archive,
}


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


# --- what is due next ----------------------------------------------------------------------------


def due(history: Sequence[Done], candidate: Candidate, today: dt.date, config: Config = Config()) -> list[Due]:
    """The steps that can be recorded next, with the earliest day and the deadline where the
    rules set one, and whether that deadline has passed. Ordered by deadline."""
    if stage_of(history) == CLOSED:
        return [] if 25 in {d.number for d in history} else [Due(25, None, None, False)]
    items: list[Due] = []
    done = {d.number for d in history}
    for number, step in STEPS.items():
        if step.automatic or number == 1:
            continue
        if number in done and not step.repeatable:
            continue
        if any(n not in done for n in step.after):
            continue
        if number == 25 and decision(history) not in {ON_TIME, CANCEL}:
            continue
        if number in {22, 23, 24}:
            if not _round_open(history):
                continue
            current_round = len(_all(history, 24))
            if len(_all(history, number)) > current_round:
                continue  # already recorded in this round
            if number > 22 and len(_all(history, number - 1)) <= current_round:
                continue  # the step before it in this round comes first
        earliest, due_by = _window(history, number, config)
        if number == 6:
            activist = _last(history, 3).on
            last = _last(history, 6)
            due_by = add_months(last.on if last else activist, 6)
            if 7 in done:
                continue  # assessments are an activist's
        items.append(Due(number, earliest, due_by, bool(due_by and today > due_by)))
    items.sort(key=lambda d: (d.due_by or dt.date.max, d.number))
    return items


def _window(history: Sequence[Done], number: int, config: Config) -> tuple[dt.date | None, dt.date | None]:
    if number == 2:
        return None, talk_due(history)
    if number == 7:
        return target_from(history), None
    if number == 14:
        end = notice_end(history)
        return (end + dt.timedelta(days=1) if end else None), None
    if number == 17:
        meeting = _last(history, 15)
        return None, approval_deadlines(meeting.on)[0]
    if number == 22:
        end = probation_end(history)
        return conversion_application_from(end), end
    if number == 23:
        return probation_end(history), None
    if number == 24:
        meeting = _last(history, 23)
        return None, approval_deadlines(meeting.on)[0]
    return None, None
