"""/appraisal: the democratic appraisal of party members (民主评议党员, DOMAIN.md §3) for
integrations — rounds and their steps, the roll, the caller's own self-assessment and comments,
the secret rating's ballot, the count, the committee's proposal under the one-third cap, the
general meeting's confirmation and the follow-up of a member graded unqualified.

The same path as the pages: every write goes through appraisal.services or the ballot engine,
which audit and explain a refusal in the user's language (422); every round is fetched through
the one scope check (access.shortcuts.get_in_scope on the resource "appraisal"), a roll line
through its round's. Who may read or do what is asked of access.permissions (docs/appraisal.md,
"Who reads what").

Secrecy: the ballot is read and cast only by the caller for themselves (the roll line is looked up
by the caller's own person, so no request names another voter); the tally waits for the count
and gives totals per member and grade; nothing answers how anyone voted.
"""

import datetime as dt
from typing import Any, Literal, get_args

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import scope
from dangjian.access.shortcuts import create_in_scope, get_in_scope, resolve_ref
from dangjian.appraisal import lookups, rules, selectors, services
from dangjian.appraisal.models import Grade, Part, Participant, Round, Step
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import PollState, Voter
from dangjian.organizations.models import Organization
from dangjian.people.models import Person

from .auth import actor
from .common import Page
from .errors import ERRORS
from .values import Id

router = Router(tags=["appraisal"])

# Literals with names of their own (api/tests/test_schema_names.py): "Step", "Grade" are names
# other documents may take.
AppraisalStep = Literal["preparation", "self", "mutual", "vote", "proposal", "confirmed"]
AppraisalGrade = Literal["excellent", "qualified", "basic", "unqualified"]
AppraisalPart = Literal["member", "probationary", "representative"]
assert set(get_args(AppraisalStep)) == set(Step.values)
assert set(get_args(AppraisalGrade)) == set(Grade.values)
assert set(get_args(AppraisalPart)) == set(Part.values)

FIELD_IDS = {"organization": "organization_id", "person": "person_id", "subject": "subject_id"}


# --- schemas ---------------------------------------------------------------------------------


class AppraisalRoundOut(Schema):
    id: int
    organization_id: int
    organization_name: str
    year: int
    step: AppraisalStep
    step_label: str
    self_until: dt.date
    mutual_until: dt.date
    vote_until: dt.date
    meeting_on: dt.date
    proposed_on: dt.date | None = Field(description="When the committee proposed the grades.")
    confirmed_on: dt.date | None = Field(description="When the general meeting confirmed them.")

    @staticmethod
    def resolve_organization_name(obj: Round) -> str:
        return obj.organization.display_name

    @staticmethod
    def resolve_step_label(obj: Round) -> str:
        return str(obj.get_step_display())


class AppraisalRoundDetailOut(AppraisalRoundOut):
    may_run: bool = Field(description="Whether the caller runs the round (moves it on, proposes, confirms).")
    graded: int = Field(description="Full members, graded.")
    not_graded: int = Field(description="Probationary members: they take part, without a grade.")
    representatives: int = Field(description="Invited workers' representatives: they rate only.")
    excellent: int | None = Field(description="Excellent grades proposed (or confirmed), for those who run it.")
    excellent_allowed: int = Field(description="At most one third of the graded members, rounded down.")
    roll: int | None = Field(description="The rating's roll, once it is open.")
    rated: int | None = Field(description="How many on the roll have rated.")
    my_part: AppraisalPart | None = Field(description="How the caller takes part, if at all.")
    my_grade: AppraisalGrade | None = Field(description="The caller's own confirmed grade.")
    ballot_open: bool = Field(description="Whether the caller has a ballot to cast now.")


class AppraisalRoundIn(Schema):
    organization_id: Id = Field(description="The party branch holding the appraisal.")
    year: int = Field(ge=2000, le=2100)
    self_until: dt.date
    mutual_until: dt.date
    vote_until: dt.date
    meeting_on: dt.date


class AppraisalParticipantOut(Schema):
    id: int
    person_id: int
    name: str
    part: AppraisalPart
    self_written_on: dt.date | None
    proposed_grade: AppraisalGrade | None = Field(description="Shown to those who run the round.")
    grade: AppraisalGrade | None = Field(description="Shown to those who run the round and to the person.")
    follow_up: str | None = Field(description="The follow-up of an unqualified grade, to those who run the round.")


class AppraisalRepresentativeIn(Schema):
    person_id: Id = Field(description="A worker (not a party member) invited to the rating.")


class SelfAssessmentIn(Schema):
    text: str = Field(max_length=6000)


class SelfAssessmentOut(Schema):
    text: str
    written_on: dt.date | None


class PeerCommentIn(Schema):
    subject_id: Id = Field(description="The roll line (participant id) of the member commented on.")
    text: str = Field(max_length=2000)


class PeerCommentOut(Schema):
    id: int
    subject_id: int
    text: str


class AppraisalBallotMemberOut(Schema):
    participant_id: int
    name: str


class AppraisalBallotOut(Schema):
    round_id: int
    vote_until: dt.date
    members: list[AppraisalBallotMemberOut]
    grades: list[AppraisalGrade]


class AppraisalChoiceIn(Schema):
    participant_id: Id
    grade: AppraisalGrade | None = Field(None, description="null: no choice for this member.")


class AppraisalBallotIn(Schema):
    choices: list[AppraisalChoiceIn] = Field(max_length=1000)


class AppraisalCastOut(Schema):
    rated: bool


class AppraisalTallyMemberOut(Schema):
    participant_id: int
    name: str
    excellent: int
    qualified: int
    basic: int
    unqualified: int
    no_choice: int


class AppraisalTallyOut(Schema):
    roll: int
    turnout: int
    members: list[AppraisalTallyMemberOut]


class AppraisalGradeIn(Schema):
    participant_id: Id
    grade: AppraisalGrade


class AppraisalProposalIn(Schema):
    grades: list[AppraisalGradeIn] = Field(max_length=1000)


class AppraisalFollowUpIn(Schema):
    text: str = Field(max_length=2000)


class AppraisalRoundFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    step: AppraisalStep | None = None


# --- helpers ---------------------------------------------------------------------------------


def _round(user: User, pk: int) -> Round:
    return get_in_scope(user, selectors.rounds(), pk)


def _run(user: User, r: Round) -> None:
    if not permissions.may_run_member_appraisal(user, r):
        raise permissions.member_appraisal_run_refused()


def _with_ids(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({FIELD_IDS.get(k, k): v for k, v in exc.message_dict.items()})


def _own(user: User, r: Round) -> Participant | None:
    return selectors.participant_of(r, getattr(user, "person_id", None))


def _detail(user: User, r: Round) -> Round:
    r = selectors.with_counts(selectors.rounds().filter(pk=r.pk)).get()
    runs = permissions.may_run_member_appraisal(user, r)
    own = _own(user, r)
    line: Voter | None = None
    if r.poll is not None and own is not None:
        line = ballot_selectors.voter_line(r.poll, own.person_id)
    roll = ballot_selectors.roll_size(r.poll) if r.poll is not None else (None, None)
    counts: Any = r
    r.__dict__.update(
        {
            "may_run": runs,
            "graded": counts.n_graded,
            "not_graded": counts.n_probationary,
            "representatives": counts.n_representatives,
            "excellent": selectors.excellent_cap(r).excellent if runs else None,
            "excellent_allowed": rules.excellent_cap(counts.n_graded),
            "roll": roll[0],
            "rated": roll[1],
            "my_part": own.part if own is not None else None,
            "my_grade": (own.grade or None) if own is not None else None,
            "ballot_open": bool(
                line is not None
                and not line.voted
                and r.step == Step.VOTE
                and r.poll
                and r.poll.state == PollState.OPEN
            ),
        }
    )
    return r


def _line(r: Round, pk: int, field: str) -> Participant:
    p = selectors.line_of(r, pk)
    if p is None:
        raise ValidationError(
            {
                field: [
                    _("There is no %(thing)s with id %(id)s that you have access to.")
                    % {"thing": _("member"), "id": pk}
                ]
            }
        )
    return p


# --- rounds ----------------------------------------------------------------------------------


@router.get("/appraisal/rounds", response={200: list[AppraisalRoundOut], **ERRORS})
@paginate(Page)
def list_rounds(request: HttpRequest, filters: Query[AppraisalRoundFilters]) -> QuerySet[Round]:
    """The rounds the caller reads, latest year first: their branch's, those of the branches they
    run or oversee, those they are invited to."""
    user = actor(request)
    if not permissions.may_see_member_appraisals(user):
        raise permissions.member_appraisals_refused()
    qs = scope(user, selectors.rounds())
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.step is not None:
        qs = qs.filter(step=filters.step)
    return qs.order_by("-year", "organization__path", "pk")


@router.post("/appraisal/rounds", response={201: AppraisalRoundDetailOut, **ERRORS})
def open_round(request: HttpRequest, payload: AppraisalRoundIn) -> Status:
    """Open a branch's appraisal of a year, with its roll taken from the branch's members today:
    by the branch's officers or an organisation department above."""
    user = actor(request)
    org = resolve_ref(user, Organization, payload.organization_id, "organization_id")
    if not lookups.branches_for(user).filter(pk=org.pk).exists():
        raise permissions.member_appraisal_run_refused()
    data = payload.dict(exclude={"organization_id"})
    try:
        r = create_in_scope(user, lambda: services.open_round(actor=user, organization=org, **data))
    except ValidationError as exc:
        raise _with_ids(exc) from None
    return Status(201, _detail(user, r))


@router.get("/appraisal/rounds/{id}", response={200: AppraisalRoundDetailOut, **ERRORS})
def get_round(request: HttpRequest, id: Id) -> Round:
    user = actor(request)
    return _detail(user, _round(user, id))


@router.post("/appraisal/rounds/{id}/advance", response={200: AppraisalRoundDetailOut, **ERRORS})
def advance_round(request: HttpRequest, id: Id) -> Round:
    """The next step, never back: opening the rating builds its ballot and roll, closing it
    counts. The confirmation is its own operation (the general meeting's)."""
    user = actor(request)
    r = _round(user, id)
    _run(user, r)
    services.advance(actor=user, round=r)
    return _detail(user, r)


@router.get("/appraisal/rounds/{id}/participants", response={200: list[AppraisalParticipantOut], **ERRORS})
def list_participants(request: HttpRequest, id: Id) -> list[dict[str, Any]]:
    """The roll: to those who run the round and to its members (representatives rate only).
    Proposed grades, grades and follow-ups only to those who run it; a member their own grade."""
    user = actor(request)
    r = _round(user, id)
    runs = permissions.may_run_member_appraisal(user, r)
    own = _own(user, r)
    if not runs and (own is None or not own.member):
        raise permissions.Refused(_("The roll is read by the branch's members and its officers."))
    out = []
    for p in selectors.roll(r):
        sees = runs or (own is not None and own.pk == p.pk)
        out.append(
            {
                "id": p.pk,
                "person_id": p.person_id,
                "name": p.person.name,
                "part": p.part,
                "self_written_on": p.self_written_on,
                "proposed_grade": (p.proposed_grade or None) if runs else None,
                "grade": (p.grade or None) if sees else None,
                "follow_up": (p.follow_up or None) if runs else None,
            }
        )
    return out


@router.post("/appraisal/rounds/{id}/representatives", response={201: AppraisalParticipantOut, **ERRORS})
def invite_representative(request: HttpRequest, id: Id, payload: AppraisalRepresentativeIn) -> Status:
    """Invite a workers' representative to the rating, before it opens."""
    user = actor(request)
    r = _round(user, id)
    _run(user, r)
    person = resolve_ref(user, Person, payload.person_id, "person_id")
    try:
        p = services.invite_representative(actor=user, round=r, person=person)
    except ValidationError as exc:
        raise _with_ids(exc) from None
    return Status(
        201,
        {
            "id": p.pk,
            "person_id": p.person_id,
            "name": person.name,
            "part": p.part,
            "self_written_on": None,
            "proposed_grade": None,
            "grade": None,
            "follow_up": None,
        },
    )


# --- the caller's own parts ------------------------------------------------------------------


def _own_member(user: User, r: Round) -> Participant:
    own = _own(user, r)
    if not permissions.may_write_self_assessment(user, own):
        raise permissions.Refused(_("A self-assessment is written by the member, from their own login."))
    assert own is not None
    return own


@router.get("/appraisal/rounds/{id}/self-assessment", response={200: SelfAssessmentOut, **ERRORS})
def get_self_assessment(request: HttpRequest, id: Id) -> dict[str, Any]:
    """The caller's own self-assessment."""
    user = actor(request)
    own = _own_member(user, _round(user, id))
    return {"text": own.self_assessment, "written_on": own.self_written_on}


@router.put("/appraisal/rounds/{id}/self-assessment", response={200: SelfAssessmentOut, **ERRORS})
def write_self_assessment(request: HttpRequest, id: Id, payload: SelfAssessmentIn) -> dict[str, Any]:
    """Write (or rewrite) the caller's own self-assessment, during the self-assessment and the
    mutual assessment steps."""
    user = actor(request)
    own = _own_member(user, _round(user, id))
    try:
        services.write_self_assessment(actor=user, participant=own, text=payload.text)
    except ValidationError as exc:
        raise ValidationError({"text": exc.messages}) from None
    return {"text": own.self_assessment, "written_on": own.self_written_on}


@router.post("/appraisal/rounds/{id}/comments", response={200: PeerCommentOut, **ERRORS})
def comment(request: HttpRequest, id: Id, payload: PeerCommentIn) -> dict[str, Any]:
    """The caller's signed comment on another member, during the mutual assessment (a second
    comment on the same member replaces the first)."""
    user = actor(request)
    r = _round(user, id)
    own = _own(user, r)
    if own is None or not own.member:
        raise permissions.Refused(
            _("Members comment on each other during the mutual assessment, from their own login.")
        )
    subject = _line(r, payload.subject_id, "subject_id")
    try:
        c = services.comment_on_peer(actor=user, author=own, subject=subject, text=payload.text)
    except ValidationError as exc:
        raise _with_ids(exc) from None
    return {"id": c.pk, "subject_id": c.subject_id, "text": c.text}


# --- the rating ------------------------------------------------------------------------------


def _my_line(user: User, r: Round) -> Voter:
    if r.step != Step.VOTE or r.poll is None or r.poll.state != PollState.OPEN:
        raise ValidationError(
            _("The rating is not open: the appraisal is at its step “%(step)s”.") % {"step": r.get_step_display()}
        )
    person_id = getattr(user, "person_id", None)
    line = ballot_selectors.voter_line(r.poll, person_id) if person_id else None
    if line is None:
        raise permissions.Refused(
            _("You are not on the roll of this rating: it is the branch's members' and its invited representatives'.")
        )
    if line.voted:
        raise permissions.Refused(_("You have rated already: one person, one ballot."))
    return line


@router.get("/appraisal/rounds/{id}/ballot", response={200: AppraisalBallotOut, **ERRORS})
def get_ballot(request: HttpRequest, id: Id) -> dict[str, Any]:
    """The caller's own ballot while the rating is open: each graded member. 403 for a caller
    not on the roll or who has rated; 422 outside the rating."""
    user = actor(request)
    r = _round(user, id)
    _my_line(user, r)
    assert r.poll is not None
    return {
        "round_id": r.pk,
        "vote_until": r.vote_until,
        "members": [{"participant_id": int(q.ref), "name": q.label} for q in ballot_selectors.questions(r.poll)],
        "grades": list(Grade.values),
    }


@router.post("/appraisal/rounds/{id}/ballot", response={200: AppraisalCastOut, **ERRORS})
def cast_ballot(request: HttpRequest, id: Id, payload: AppraisalBallotIn) -> dict[str, bool]:
    """Cast the caller's own ballot: a grade (or none) per graded member; members left out are
    "no choice". Once; nothing that links the ballot to the caller is kept."""
    user = actor(request)
    r = _round(user, id)
    line = _my_line(user, r)
    assert r.poll is not None
    questions = {q.ref: q for q in ballot_selectors.questions(r.poll)}
    choices: dict[int, int | None] = {q.pk: None for q in questions.values()}
    seen: set[int] = set()
    for c in payload.choices:
        q = questions.get(str(c.participant_id))
        if q is None or c.participant_id in seen:
            raise ValidationError(
                {"choices": [_("Rate each graded member of this appraisal once: reload the ballot.")]}
            )
        seen.add(c.participant_id)
        if c.grade is not None:
            choices[q.pk] = next(o.pk for o in q.options.all() if o.ref == c.grade)
    ballots.cast(actor=user, voter=line, choices=choices)
    return {"rated": True}


@router.get("/appraisal/rounds/{id}/tally", response={200: AppraisalTallyOut, **ERRORS})
def get_tally(request: HttpRequest, id: Id) -> dict[str, Any]:
    """The rating's count per graded member and grade, once counted: to those who run the round."""
    user = actor(request)
    r = _round(user, id)
    if not permissions.may_see_member_grades(user, r):
        raise permissions.member_appraisal_run_refused()
    tally = selectors.tally(r)
    if tally is None:
        raise ValidationError(
            _("The rating is not counted yet: it is counted when the round moves on to the proposal.")
        )
    return {
        "roll": tally.roll,
        "turnout": tally.turnout,
        "members": [
            {"participant_id": m.participant_id, "name": m.name, **m.votes, "no_choice": m.blank} for m in tally.members
        ],
    }


# --- the proposal, the confirmation, the follow-up -------------------------------------------------


@router.post("/appraisal/rounds/{id}/proposal", response={200: AppraisalRoundDetailOut, **ERRORS})
def propose(request: HttpRequest, id: Id, payload: AppraisalProposalIn) -> Round:
    """The committee's proposed grades: one for every graded member, at most one third excellent
    (422 with the count otherwise; nothing stored)."""
    user = actor(request)
    r = _round(user, id)
    _run(user, r)
    services.propose_grades(actor=user, round=r, grades={g.participant_id: g.grade for g in payload.grades})
    return _detail(user, r)


@router.post("/appraisal/rounds/{id}/confirm", response={200: AppraisalRoundDetailOut, **ERRORS})
def confirm(request: HttpRequest, id: Id) -> Round:
    """Record that the general meeting confirmed the committee's proposal; each member is told
    their grade."""
    user = actor(request)
    r = _round(user, id)
    _run(user, r)
    services.confirm(actor=user, round=r)
    return _detail(user, r)


@router.post("/appraisal/participants/{id}/follow-up", response={200: AppraisalParticipantOut, **ERRORS})
def follow_up(request: HttpRequest, id: Id, payload: AppraisalFollowUpIn) -> dict[str, Any]:
    """The organisation's decision on a member graded unqualified, as text (the member's status is
    not changed by it)."""
    user = actor(request)
    p = Participant.objects.select_related("person", "round").filter(pk=id).first()
    if p is None:
        raise Http404
    r = _round(user, p.round_id)
    _run(user, r)
    try:
        services.record_follow_up(actor=user, participant=p, text=payload.text)
    except ValidationError as exc:
        raise ValidationError({"text": exc.messages}) from None
    return {
        "id": p.pk,
        "person_id": p.person_id,
        "name": p.person.name,
        "part": p.part,
        "self_written_on": p.self_written_on,
        "proposed_grade": p.proposed_grade or None,
        "grade": p.grade or None,
        "follow_up": p.follow_up,
    }
