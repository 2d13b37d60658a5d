"""The 25 steps of membership development (DOMAIN.md §2) as data, and the rules that govern them.

Pure functions over a candidacy's recorded steps: no database. One implementation answers the
three questions the platform asks — may this step be recorded on this date (`check`), what is
due next and by when (`due`), and where does the candidate stand (`stage_of`) — so the refusal a
secretary sees, the board and the daily reminders can never disagree.

Where to look:
- `steps`  — the 25 steps as data, and the values passed around (Done, Candidate, Refusal, Due, Config);
- `record` — where a candidacy stands (stage, decision, extensions);
- `dates`  — deadlines and earliest days, counted with `dangjian.calendar`;
- `check`  — may a step be recorded (each step's own rule);
- `votes`  — quorum and majority at a general meeting;
- `due`    — what is due next and by when;
- `values` — reading the numbers and dates a form or the API sent.

Counting follows the regulations' wording: "more than half" is strictly more than half.
"""

from .check import check
from .dates import (
    add_months,
    add_years,
    approval_deadlines,
    assessments_needed,
    coming_of_age,
    conversion_application_from,
    notice_end,
    probation_end,
    talk_due,
    target_from,
)
from .due import due
from .record import decision, extensions, stage_of
from .steps import (
    ACTIVIST,
    ADMITTED,
    APPLICANT,
    CANCEL,
    CANDIDATE,
    CLOSED,
    COMMITTEE,
    DEPARTMENT,
    EXTEND,
    HIGHER,
    MEETING,
    ON_TIME,
    SECRETARY,
    STEPS,
    TARGET,
    VOTES,
    Candidate,
    Config,
    Done,
    Due,
    Refusal,
    StepDef,
)
from .votes import vote_problems

__all__ = [
    "ACTIVIST",
    "ADMITTED",
    "APPLICANT",
    "CANCEL",
    "CANDIDATE",
    "CLOSED",
    "COMMITTEE",
    "DEPARTMENT",
    "EXTEND",
    "HIGHER",
    "MEETING",
    "ON_TIME",
    "SECRETARY",
    "STEPS",
    "TARGET",
    "VOTES",
    "Candidate",
    "Config",
    "Done",
    "Due",
    "Refusal",
    "StepDef",
    "add_months",
    "add_years",
    "approval_deadlines",
    "assessments_needed",
    "check",
    "coming_of_age",
    "conversion_application_from",
    "decision",
    "due",
    "extensions",
    "notice_end",
    "probation_end",
    "stage_of",
    "talk_due",
    "target_from",
    "vote_problems",
]
