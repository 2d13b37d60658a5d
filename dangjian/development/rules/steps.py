"""The 25 steps of membership development (DOMAIN.md §2) as data: each step's stage, who acts,
which steps come first; and the values the rules pass around (a recorded step, the candidate, a
refusal, a step due). The county's local practice is `Config`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

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
    label: Promise  # lazy text
    actor: Promise
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

    @classmethod
    def of(cls, stored: object) -> Config:
        """The settings an organisation's stored row (or anything with these attributes) holds."""
        return cls(**{f.name: getattr(stored, f.name) for f in fields(cls)})


DEFAULT_CONFIG = Config()


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
    # How many full members the branch had on the step's day, when known (a vote's entitled count
    # may not exceed it); None where the caller does not count them (the rules' own scenes).
    voters: int | None = None


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
