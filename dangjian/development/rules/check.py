"""May this step be recorded on this date? `check` lists everything that stands against it: the
order of the steps, the dates, and each step's own rule (age, contacts and sponsors, the year
as activist and the half-yearly assessments, training, the public notice, the votes, the
approval deadlines, probation and conversion)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from django.utils.translation import gettext as _

from dangjian.people.rules import age_on

from .dates import (
    add_months,
    approval_deadlines,
    assessments_needed,
    coming_of_age,
    conversion_application_from,
    notice_end,
    probation_running_end,
    talk_due,
    target_from,
)
from .record import all_of, decision, extensions, last, recorded, round_open, stage_of
from .steps import CANCEL, CLOSED, DEFAULT_CONFIG, EXTEND, ON_TIME, STEPS, Candidate, Config, Done, Refusal
from .values import as_date, as_int, as_number
from .votes import vote_problems


class _Rule(Protocol):
    """A step's own rule. `check` passes it the history, the date, the step's details, the
    candidate and the local practice by name; a rule names those it reads, `**_rest` the others."""

    def __call__(
        self, *, history: Sequence[Done], on: dt.date, data: dict[str, Any], candidate: Candidate, config: Config
    ) -> list[Refusal]: ...


def check(
    history: Sequence[Done],
    number: int,
    on: dt.date,
    data: dict[str, Any],
    candidate: Candidate,
    today: dt.date,
    config: Config = DEFAULT_CONFIG,
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
        previous = recorded(history, number)
        return refusals + [
            Refusal("already", _("Step %(n)d was already recorded on %(on)s.") % {"n": number, "on": previous.on})
        ]
    if number in {22, 23, 24}:
        if not round_open(history):
            return refusals + [Refusal("already", _("The conversion has already been decided."))]
        rounds = len(all_of(history, 24))  # decisions so far: 0, or 1 after an extension
        counts = {n: len(all_of(history, n)) for n in (22, 23, 24)}
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
        before = last(history, n)
        if before and on < before.on:
            refusals.append(
                Refusal(
                    "before_previous",
                    _("This step cannot come before step %(n)d, recorded on %(on)s.") % {"n": n, "on": before.on},
                    before.on,
                )
            )
    rule = _RULES.get(number, _no_rule)
    refusals += rule(history=history, on=on, data=data, candidate=candidate, config=config)
    return refusals


def _no_rule(**_rest: Any) -> list[Refusal]:
    return []


def _not_before(on: dt.date, earliest: dt.date | None, code: str, message: str, /, **values: Any) -> list[Refusal]:
    """Refuse a step dated before `earliest` (None: no such limit). `message` says why and names
    the first day it may be recorded as %(from)s, the other placeholders from `values`; the
    refusal carries that day."""
    if earliest is None or on >= earliest:
        return []
    return [Refusal(code, message % {**values, "from": earliest}, earliest)]


def _application(*, on: dt.date, candidate: Candidate, **_rest: Any) -> list[Refusal]:
    if candidate.birth_date is None:
        return []
    return _not_before(
        on,
        coming_of_age(candidate.birth_date),
        "age",
        _("An applicant must be 18 or older; on %(on)s this person was %(age)d. They may apply from %(from)s."),
        on=on,
        age=age_on(candidate.birth_date, on),
    )


def _talk(*, history: Sequence[Done], on: dt.date, **_rest: Any) -> list[Refusal]:
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


def _full_members_named(
    key: str, data: dict[str, Any], candidate: Candidate, lo: int, hi: int, what: str, on: dt.date
) -> list[Refusal]:
    people = [as_int(p) for p in data.get(key) or []]
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
                _(
                    "%(what)s must be full members of the branch who were full party members on the day they "
                    "are named (%(on)s); someone still probationary then cannot be one."
                )
                % {"what": what, "on": on},
            )
        ]
    return []


def _contacts(*, data: dict[str, Any], candidate: Candidate, on: dt.date, **_rest: Any) -> list[Refusal]:
    return _full_members_named("contacts", data, candidate, 1, 2, _("cultivation contacts"), on)


def _target(*, history: Sequence[Done], on: dt.date, **_rest: Any) -> list[Refusal]:
    activist_on = recorded(history, 3).on
    refusals = _not_before(
        on,
        target_from(history),
        "activist_year",
        _(
            "An activist becomes a development target after at least one year; designated on %(since)s, "
            "this person can be from %(from)s."
        ),
        since=activist_on,
    )
    needed = assessments_needed(activist_on, on)
    held = [d.on for d in all_of(history, 6)]
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


def _assessment(*, history: Sequence[Done], **_rest: Any) -> list[Refusal]:
    if last(history, 7) is not None:
        return [
            Refusal(
                "order", _("Half-yearly assessments are an activist's; this person is already a development target.")
            )
        ]
    return []


def _sponsors(*, data: dict[str, Any], candidate: Candidate, on: dt.date, **_rest: Any) -> list[Refusal]:
    return _full_members_named("sponsors", data, candidate, 2, 2, _("sponsors"), on)


def _review(*, data: dict[str, Any], **_rest: Any) -> list[Refusal]:
    if not (data.get("conclusion") or "").strip():
        return [Refusal("conclusion", _("Record the written conclusion of the political review."))]
    return []


def _training(*, data: dict[str, Any], **_rest: Any) -> list[Refusal]:
    days, hours = as_number(data.get("days")), as_number(data.get("hours"))
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


def _notice(*, on: dt.date, data: dict[str, Any], config: Config, **_rest: Any) -> list[Refusal]:
    try:
        start, end = as_date(data.get("notice_from")), as_date(data.get("notice_to"))
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


def _form(*, history: Sequence[Done], on: dt.date, **_rest: Any) -> list[Refusal]:
    end = notice_end(history)
    return _not_before(
        on,
        end + dt.timedelta(days=1) if end else None,
        "notice_running",
        _("The public notice runs until %(end)s; the application form follows it, from %(from)s."),
        end=end,
    )


def _admission_vote(*, data: dict[str, Any], candidate: Candidate, on: dt.date, **_rest: Any) -> list[Refusal]:
    return vote_problems(data, candidate.voters, on)


def _approval(*, history: Sequence[Done], on: dt.date, meeting_step: int = 15, **_rest: Any) -> list[Refusal]:
    meeting = recorded(history, meeting_step)
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


def _conversion_application(*, history: Sequence[Done], on: dt.date, **_rest: Any) -> list[Refusal]:
    end = probation_running_end(history)
    return _not_before(
        on,
        conversion_application_from(end),
        "probation",
        _("Probation ends on %(end)s; the application for conversion is made from %(from)s."),
        end=end,
    )


def _conversion_vote(
    *, history: Sequence[Done], on: dt.date, data: dict[str, Any], candidate: Candidate, **_rest: Any
) -> list[Refusal]:
    end = probation_running_end(history)
    refusals = []
    if on < end:
        refusals.append(
            Refusal(
                "probation",
                _("Probation ends on %(end)s; the branch votes on conversion at its end, not before.") % {"end": end},
                end,
            )
        )
    return refusals + vote_problems(data, candidate.voters, on)


def _conversion_decision(*, history: Sequence[Done], on: dt.date, data: dict[str, Any], **_rest: Any) -> list[Refusal]:
    refusals = _approval(history=history, on=on, meeting_step=23)
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
        months = as_int(data.get("months")) or 0
        if not 6 <= months <= 12:
            refusals.append(Refusal("extension", _("An extension lasts 6 to 12 months.")))
    return refusals


def _archive(*, history: Sequence[Done], **_rest: Any) -> list[Refusal]:
    if decision(history) not in {ON_TIME, CANCEL}:
        return [Refusal("order", _("The dossier is archived once the conversion is decided."))]
    return []


_RULES: dict[int, _Rule] = {
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
