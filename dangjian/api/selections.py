"""/selections: pacesetter rounds (四个标兵, DOMAIN.md §5) for integrations — rounds and their
phases, nominations and their evidence, the ballot a voter casts, the count, the committee's
review and the objections during the public notice.

The same path as the pages: every write goes through selections.services or the ballot engine
(ballots.services), which audit and explain a refusal in the user's language (422 with the
message); every round is fetched through the one scope check (access.shortcuts.get_in_scope on
the resource "selection"), and a nomination, result or objection through its round's. Who may
do what is asked of access.permissions: a round is opened, moved on, reviewed and answered by its
organiser (the branch's officers and the committees above with the right, the enterprise's
managers); nominations and objections come from the people who read the round.

Secrecy (docs/selections.md): nothing here says who voted for whom. The ballot is read and cast
only by the caller for themselves — the roll line is looked up by the caller's own person, so no
request can name another voter; the cast answers the receipt code once and nothing else; no
answer carries a ballot's or a mark's key. Results, the tally and the receipt check wait for the
count.
"""

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import scope
from dangjian.access.shortcuts import create_in_scope, get_in_scope, resolve_ref
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import PollState, Voter
from dangjian.organizations.models import Enterprise, Organization
from dangjian.people.models import Person
from dangjian.selections import rules, selectors, services
from dangjian.selections.models import (
    PHASES,
    Builtin,
    Category,
    Decision,
    Eligible,
    Evidence,
    EvidenceFile,
    Nomination,
    NominationKind,
    NominationStatus,
    Objection,
    Phase,
    Result,
    Round,
)

from .auth import actor
from .common import Page
from .errors import ERRORS
from .values import Blankable, Id

router = Router(tags=["selections"])

# Literals, not the models' enum classes: "Phase", "Decision" and the like are names other
# documents may take (api/tests/test_schema_names.py), and a literal says its values in place.
RoundPhase = Literal["nomination", "evidence", "vote", "review", "notice", "announced"]
Eligibility = Literal["employees", "members", "everyone"]
BuiltinCategory = Literal["learning", "thinking", "performance", "income"]
NominationWay = Literal["self", "peer", "team_leader", "organiser"]
NominationState = Literal["standing", "declined"]
ResultDecision = Literal["pending", "confirmed", "set_aside"]
assert set(get_args(RoundPhase)) == set(Phase.values)
assert set(get_args(Eligibility)) == set(Eligible.values)
assert set(get_args(BuiltinCategory)) == set(Builtin.values)
assert set(get_args(NominationWay)) == set(NominationKind.values)
assert set(get_args(NominationState)) == set(NominationStatus.values)
assert set(get_args(ResultDecision)) == set(Decision.values)

# The services name model fields; clients send ids.
FIELD_IDS = {
    "organization": "organization_id",
    "enterprise": "enterprise_id",
    "category": "category_id",
    "nominee": "nominee_id",
    "result": "result_id",
}


# --- schemas ---------------------------------------------------------------------------------


class SelectionCategoryOut(Schema):
    id: int
    name: str
    description: str
    quota: int = Field(description="Places: how many may be honoured.")
    builtin: BuiltinCategory | None = Field(description="One of the four pacesetters, or null for a round's own.")


class SelectionRoundOut(Schema):
    id: int
    title: str
    enterprise_id: int
    enterprise_name: str
    organization_id: int
    organization_name: str
    phase: RoundPhase
    phase_label: str
    nominees: Eligibility = Field(description="Who may be nominated.")
    voters: Eligibility = Field(description="Who may vote.")
    opens_on: dt.date
    evidence_on: dt.date
    vote_on: dt.date
    vote_until: dt.date
    notice_on: dt.date
    notice_days: int
    noticed_on: dt.date | None = Field(description="When the public notice really began.")
    notice_until: dt.date | None = Field(description="The public notice's last day, once it has begun.")
    announced_on: dt.date | None
    standing: int = Field(description="Standing nominations.")
    winners: int = Field(description="Results the committee confirmed.")

    @staticmethod
    def resolve_enterprise_name(obj: Round) -> str:
        return obj.enterprise.display_name

    @staticmethod
    def resolve_organization_name(obj: Round) -> str:
        return obj.organization.display_name

    @staticmethod
    def resolve_phase_label(obj: Round) -> str:
        return str(obj.get_phase_display())

    @staticmethod
    def resolve_standing(obj: Round) -> int:
        return int(getattr(obj, "standing", 0))

    @staticmethod
    def resolve_winners(obj: Round) -> int:
        return int(getattr(obj, "winners", 0))


class SelectionRoundDetailOut(SelectionRoundOut):
    categories: list[SelectionCategoryOut]
    may_run: bool = Field(description="The caller organises the round: moves it on, reviews, answers.")
    next_phase: RoundPhase | None
    next_phase_due_on: dt.date | None = Field(description="The day the next phase is due by the round's plan.")
    blocked: str | None = Field(
        description="For the organiser: why the round cannot move on now (null: it can, or the caller does not run it)."
    )
    roll: int | None = Field(description="Voters on the roll, once the vote has opened.")
    voted: int | None = Field(description="How many of them have voted (never who voted for whom).")
    ballot_open: bool = Field(description="The caller is on the roll and has a ballot to cast now.")

    @staticmethod
    def resolve_categories(obj: Round) -> list[dict[str, Any]]:
        return [
            {"id": c.pk, "name": c.name, "description": c.description, "quota": c.quota, "builtin": c.builtin or None}
            for c in obj.categories.all()
        ]


class SelectionCategoryIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    quota: int = Field(1, ge=1, le=rules.MAX_QUOTA)
    description: Blankable[str] = Field("", max_length=300)
    builtin: BuiltinCategory | None = None


class SelectionRoundIn(Schema):
    enterprise_id: Id = Field(description="An enterprise where you may open a round.")
    organization_id: Id | None = Field(
        None, description="The organising party organisation: the enterprise's own (the default) or one above it."
    )
    title: str = Field(min_length=1, max_length=200)
    opens_on: dt.date = Field(description="Nominations open.")
    evidence_on: dt.date
    vote_on: dt.date
    vote_until: dt.date = Field(description="The vote's last day.")
    notice_on: dt.date = Field(description="The public notice's planned first day, after the vote.")
    notice_days: int = Field(5, ge=1, le=rules.MAX_NOTICE_DAYS)
    nominees: Eligibility = "employees"
    voters: Eligibility = "employees"
    categories: list[SelectionCategoryIn] | None = Field(
        None, min_length=1, max_length=20, description="Defaults to the four pacesetters, one place each."
    )


class NominationOut(Schema):
    id: int
    round_id: int
    category_id: int
    category_name: str
    nominee_id: int
    nominee_name: str
    nominated_by_name: str | None
    kind: NominationWay
    kind_label: str
    reason: str
    status: NominationState
    declined_note: str
    evidence_count: int
    created_at: dt.datetime

    @staticmethod
    def resolve_category_name(obj: Nomination) -> str:
        return obj.category.name

    @staticmethod
    def resolve_nominee_name(obj: Nomination) -> str:
        return obj.nominee.name

    @staticmethod
    def resolve_nominated_by_name(obj: Nomination) -> str | None:
        """Shown to those who may see it (access.permissions.nominators_shown, marked by `_shown`)."""
        if not obj.__dict__.get("show_nominator") or obj.nominated_by is None:
            return None
        return obj.nominated_by.name

    @staticmethod
    def resolve_kind_label(obj: Nomination) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_evidence_count(obj: Nomination) -> int:
        count = getattr(obj, "evidence_count", None)
        return int(count) if count is not None else obj.evidence.count()


class FigureIO(Schema):
    label: str = Field(min_length=1, max_length=100)
    value: str = Field(min_length=1, max_length=100)


class EvidenceOut(Schema):
    id: int
    text: str
    figures: list[FigureIO]
    files: list[str] = Field(description="Names of the sealed files; they open on the page.")
    created_at: dt.datetime

    @staticmethod
    def resolve_files(obj: Evidence) -> list[str]:
        return [f.file_name for f in obj.files.all()]


class NominationDetailOut(NominationOut):
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_evidence(obj: Nomination) -> list[Evidence]:
        return list(obj.evidence.all())


class NominationIn(Schema):
    category_id: Id = Field(description="A category of the round.")
    nominee_id: Id = Field(description="The person nominated; for a self-nomination, your own person.")
    kind: NominationWay = Field(
        description="self, peer (a colleague), team_leader (you lead the nominee's team) or organiser (you run the "
        "round). You are recorded as the nominator."
    )
    reason: str = Field(min_length=1, max_length=300)


class DeclineIn(Schema):
    note: Blankable[str] = Field("", max_length=300)


class EvidenceIn(Schema):
    text: str = Field(min_length=1, max_length=4000)
    figures: list[FigureIO] = Field([], max_length=services.MAX_FIGURES)


class ResultOut(Schema):
    id: int
    round_id: int
    category_id: int
    category_name: str
    nomination_id: int
    nominee_id: int
    nominee_name: str
    votes: int
    rank: int
    elected: bool = Field(description="Within the category's places.")
    tied: bool = Field(description="Tied for the last place: the committee decides, with a reason.")
    decision: ResultDecision
    decision_label: str
    reason: str
    decided_on: dt.date | None

    @staticmethod
    def resolve_category_name(obj: Result) -> str:
        return obj.category.name

    @staticmethod
    def resolve_nominee_id(obj: Result) -> int:
        return obj.nomination.nominee_id

    @staticmethod
    def resolve_nominee_name(obj: Result) -> str:
        return obj.nomination.nominee.name

    @staticmethod
    def resolve_decision_label(obj: Result) -> str:
        return str(obj.get_decision_display())


class DecisionIn(Schema):
    decision: Literal["confirmed", "set_aside"]
    reason: Blankable[str] = Field(
        "", max_length=300, description="Required to set aside, and to confirm a nominee tied for the last place."
    )


class ObjectionOut(Schema):
    id: int
    round_id: int
    result_id: int | None
    nominee_name: str | None = Field(description="Whom the objection concerns, if it names a result.")
    raised_on: dt.date
    raised_by_name: str | None = Field(description="Shown to the organiser only.")
    text: str
    answer: str
    answered_on: dt.date | None

    @staticmethod
    def resolve_nominee_name(obj: Objection) -> str | None:
        return obj.result.nomination.nominee.name if obj.result else None

    @staticmethod
    def resolve_raised_by_name(obj: Objection) -> str | None:
        shown = getattr(obj, "show_raiser", False)
        return str(obj.raised_by) if shown and obj.raised_by else None


class ObjectionIn(Schema):
    text: str = Field(min_length=1, max_length=2000)
    result_id: Id | None = Field(None, description="The result objected to, if one.")


class AnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=2000)


class BallotNomineeOut(Schema):
    nomination_id: int
    nominee_name: str


class BallotCategoryOut(Schema):
    category_id: int
    name: str
    nominees: list[BallotNomineeOut] = Field(description="Choose one, or none (a blank for this category).")


class BallotOut(Schema):
    round_id: int
    title: str
    vote_until: dt.date
    categories: list[BallotCategoryOut]


class BallotChoiceIn(Schema):
    category_id: Id
    nomination_id: Id | None = Field(description="The nominee chosen; null: blank for this category.")


class BallotIn(Schema):
    choices: list[BallotChoiceIn] = Field(
        max_length=50, description="One choice per category at most; a category left out is blank."
    )


class ReceiptOut(Schema):
    receipt: str = Field(
        description="Shown this once: with it, after the count, the voter can check that their ballot was counted."
    )


class ReceiptIn(Schema):
    code: str = Field(min_length=1, max_length=40, description="A receipt code as the voter copied it down.")


class ReceiptCheckOut(Schema):
    counted: bool = Field(description="A ballot with this receipt is among the counted ones. Nothing of its choice.")


class TallyNomineeOut(Schema):
    nomination_id: int
    nominee_name: str
    votes: int


class TallyCategoryOut(Schema):
    category_id: int
    name: str
    blank: int = Field(description="Ballots that chose nobody in this category.")
    nominees: list[TallyNomineeOut]


class TallyOut(Schema):
    round_id: int
    roll: int
    turnout: int
    ballots: int
    digest: str = Field(description="SHA-256 of every counted ballot's marks: the same ballots give the same digest.")
    counted_at: dt.datetime | None
    categories: list[TallyCategoryOut]


class RecountOut(Schema):
    agrees: bool = Field(description="Counting the stored ballots again gives what was stored at the count.")
    stored_digest: str
    digest: str
    turnout: int
    ballots: int


class SelectionRoundFilters(Schema):
    phase: RoundPhase | None = None
    enterprise: Id | None = Field(None, description="Rounds at this enterprise.")


# --- helpers ---------------------------------------------------------------------------------


def _rounds() -> QuerySet[Round]:
    return selectors.rounds(Round.objects.all())


def _round(user: User, pk: int) -> Round:
    """A round the user reads (else 404), without the list's counts: every endpoint of a round
    starts here, a ballot's cast too (the detail adds the counts, `_detail`)."""
    return get_in_scope(user, Round.objects.select_related("enterprise", "organization", "poll"), pk)


def _run(user: User, r: Round) -> None:
    if not permissions.may_run_round(user, r):
        raise permissions.round_run_refused()


def _in_round(user: User, qs: QuerySet[Any], pk: int) -> Any:
    """A nomination, result or objection, if the user reads its round (else 404, as for one that
    does not exist)."""
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    _round(user, obj.round_id)
    return obj


def _with_ids(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({FIELD_IDS.get(k, k): v for k, v in exc.message_dict.items()})


def _no_such(thing: str, pk: Any, field: str) -> ValidationError:
    # The words of access.shortcuts.resolve_ref: missing and out of reach read alike.
    return ValidationError(
        {field: [_("There is no %(thing)s with id %(id)s that you have access to.") % {"thing": thing, "id": pk}]}
    )


def _detail(user: User, r: Round) -> Round:
    """The round as the detail shows it to this user."""
    r = _rounds().prefetch_related("categories").get(pk=r.pk)
    runs = permissions.may_run_round(user, r)
    target = rules.next_phase(r.phase)
    extra: dict[str, Any] = {
        "may_run": runs,
        "next_phase": target,
        "next_phase_due_on": rules.due_on(r, target) if target else None,
        "blocked": services.blocked(r) if runs else None,
        "roll": None,
        "voted": None,
        "ballot_open": False,
    }
    if r.poll is not None:
        extra["roll"], extra["voted"] = ballot_selectors.roll_size(r.poll)
        line = _line_of(user, r)
        extra["ballot_open"] = r.phase == Phase.VOTE and line is not None and not line.voted
    r.__dict__.update(extra)
    return r


def _line_of(user: User, r: Round) -> Voter | None:
    """The caller's own line of the round's roll: looked up by their person, never named."""
    person_id = getattr(user, "person_id", None)
    if r.poll is None or person_id is None:
        return None
    return ballot_selectors.voter_line(r.poll, person_id)


def _voting(r: Round) -> None:
    """Refused outside the vote, in the words of the ballot's page."""
    if r.phase == Phase.VOTE and r.poll is not None and r.poll.state == PollState.OPEN:
        return
    if r.phase_index < PHASES.index(Phase.VOTE):
        raise ValidationError(
            _("The vote of this round opens on %(day)s: come back then.") % {"day": r.vote_on.isoformat()}
        )
    raise ValidationError(
        _("The vote of this round is closed: ballots are taken only during the vote (until %(day)s).")
        % {"day": r.vote_until.isoformat()}
    )


def _my_line(user: User, r: Round) -> Voter:
    """The caller's own roll line in an open vote: else 422 (no vote now) or 403 (not on it)."""
    _voting(r)
    line = _line_of(user, r)
    if line is None:
        raise permissions.refused(
            message=_(
                "You are not on the roll of this vote: it is open to %(who)s of %(enterprise)s. If you think you"
                " should be, ask the round's organiser, %(org)s."
            )
            % {"who": r.get_voters_display(), "enterprise": r.enterprise.display_name, "org": r.organization}
        )
    return line


def _counted(r: Round) -> None:
    """Results, the tally and receipts are read after the count (the committee's review on)."""
    if PHASES.index(r.phase) < PHASES.index(Phase.REVIEW) or r.poll is None or r.poll.state != PollState.COUNTED:
        raise ValidationError(
            _("The vote is not counted yet: the round is in its %(phase)s phase.") % {"phase": r.get_phase_display()}
        )


def _results_seen(user: User, r: Round) -> None:
    if not permissions.may_see_results(user, r, published=r.published):
        raise permissions.results_refused()


def _nominations(r: Round) -> QuerySet[Nomination]:
    return selectors.nominations(r)


def _nominee(user: User, r: Round, pk: int) -> Person:
    """The person named as nominee: one the round's rule admits, or one the user may read (the
    service then says why they cannot stand). Nobody else, so the answer is no oracle."""
    person = selectors.eligible(r, r.nominees).filter(pk=pk).first()
    return person if person is not None else resolve_ref(user, Person, pk, "nominee_id")


def _results(r: Round) -> QuerySet[Result]:
    return (
        Result.objects.filter(round=r)
        .select_related("category", "nomination__nominee")
        .order_by("category__order", "rank", "pk")
    )


def _shown(user: User, r: Round, rows: Any) -> Any:
    """The nominations, each marked with whether the user is shown its nominator."""
    rows = list(rows)
    shown = permissions.nominators_shown(user, r, rows)
    for n in rows:
        n.__dict__["show_nominator"] = n.pk in shown
    return rows


def _objections(user: User, r: Round) -> list[Objection]:
    """The organiser and the round's auditors read every objection and who raised it; anyone
    else their own."""
    runs = permissions.may_oversee_round(user, r)
    qs = selectors.objections(r)
    if not runs:
        qs = qs.filter(raised_by=user)
    rows = list(qs.order_by("raised_on", "pk"))
    for o in rows:
        o.__dict__["show_raiser"] = runs  # read by ObjectionOut
    return rows


# --- rounds ----------------------------------------------------------------------------------


@router.get("/selections/rounds", response={200: list[SelectionRoundOut], **ERRORS})
@paginate(Page)
def list_rounds(request: HttpRequest, filters: Query[SelectionRoundFilters]) -> QuerySet[Round]:
    """The rounds the caller reads, newest first: their enterprise's, their branch's, those of the
    enterprises and branches they oversee."""
    user = actor(request)
    if not permissions.may_see_selections(user):
        raise permissions.selections_refused()
    qs = scope(user, _rounds())
    if filters.phase is not None:
        qs = qs.filter(phase=filters.phase)
    if filters.enterprise is not None:
        qs = qs.filter(enterprise_id=filters.enterprise)
    return qs


@router.post("/selections/rounds", response={201: SelectionRoundDetailOut, **ERRORS})
def open_round(request: HttpRequest, payload: SelectionRoundIn) -> Status:
    """Open a round in its nomination phase: by the enterprise's branch committee (or a committee
    above it with the right) or the enterprise's managers."""
    user = actor(request)
    enterprise = resolve_ref(user, Enterprise, payload.enterprise_id, "enterprise_id")
    if not permissions.round_enterprises(user, Enterprise.objects.filter(pk=enterprise.pk)).exists():
        raise permissions.round_run_refused()
    organization = _organiser(enterprise, payload.organization_id)
    categories = (
        None
        if payload.categories is None
        else [
            services.CategorySpec(name=c.name, quota=c.quota, description=c.description, builtin=c.builtin or "")
            for c in payload.categories
        ]
    )
    try:
        r = create_in_scope(
            user,
            lambda: services.open_round(
                actor=user,
                enterprise=enterprise,
                organization=organization,
                title=payload.title,
                opens_on=payload.opens_on,
                evidence_on=payload.evidence_on,
                vote_on=payload.vote_on,
                vote_until=payload.vote_until,
                notice_on=payload.notice_on,
                notice_days=payload.notice_days,
                nominees=payload.nominees,
                voters=payload.voters,
                categories=categories,
            ),
        )
    except ValidationError as exc:
        raise _with_ids(exc) from None
    return Status(201, _detail(user, r))


def _organiser(enterprise: Enterprise, pk: int | None) -> Organization:
    """The enterprise's own party organisation, or the one above it the client names."""
    own = enterprise.party_org
    if own is None:
        raise ValidationError(
            {
                "enterprise_id": [
                    _("%(enterprise)s has no party organisation to organise a round.")
                    % {"enterprise": enterprise.display_name}
                ]
            }
        )
    if pk is None:
        return own
    org = Organization.objects.filter(pk=pk).first()
    if org is None or not own.path.startswith(org.path):
        # Only the organisations above the enterprise's are named: nothing else is confirmed.
        raise _no_such(str(Organization._meta.verbose_name), pk, "organization_id")
    return org


@router.get("/selections/rounds/{id}", response={200: SelectionRoundDetailOut, **ERRORS})
def get_round(request: HttpRequest, id: Id) -> Round:
    user = actor(request)
    return _detail(user, _round(user, id))


@router.post("/selections/rounds/{id}/advance", response={200: SelectionRoundDetailOut, **ERRORS})
def advance_round(request: HttpRequest, id: Id) -> Round:
    """The organiser moves the round to its next phase, never back: opening the vote builds its
    roll and ballot, closing it counts; the review and the notice must be complete to move on
    (422 says what is missing)."""
    user = actor(request)
    r = _round(user, id)
    _run(user, r)
    services.advance(actor=user, round=r)
    return _detail(user, r)


# --- nominations -----------------------------------------------------------------------------


@router.get("/selections/rounds/{id}/nominations", response={200: list[NominationOut], **ERRORS})
def list_nominations(
    request: HttpRequest,
    id: Id,
    category: Annotated[Id | None, Query(description="A category of the round.")] = None,
) -> list[Nomination]:
    """The round's nominations, standing and declined, by category."""
    user = actor(request)
    r = _round(user, id)
    qs = _nominations(r)
    if category is not None:
        qs = qs.filter(category_id=category)
    return _shown(user, r, qs)


@router.post("/selections/rounds/{id}/nominations", response={201: NominationOut, **ERRORS})
def nominate(request: HttpRequest, id: Id, payload: NominationIn) -> Status:
    """Nominate someone during the nomination phase, with a short reason. Anyone with a person of
    their own who reads the round nominates themselves or a colleague (their team's members, if
    they lead the team); the organiser nominates as the organiser. The round's rules decide who may
    stand and who may nominate (422 names the rule)."""
    user = actor(request)
    r = _round(user, id)
    if payload.kind == NominationKind.ORGANISER:
        _run(user, r)
    elif not permissions.may_take_part(user, r):
        raise permissions.refused(
            message=_(
                "Nominations are made by the people of the round's enterprise and branch, each in their own name:"
                " your account is linked to no such person."
            )
        )
    category = r.categories.filter(pk=payload.category_id).first()
    if category is None:
        raise _no_such(str(Category._meta.verbose_name), payload.category_id, "category_id")
    nominee = _nominee(user, r, payload.nominee_id)
    nominated_by = getattr(user, "person", None)  # read with the user's grants
    try:
        n = services.nominate(
            actor=user,
            category=category,
            nominee=nominee,
            kind=payload.kind,
            reason=payload.reason,
            nominated_by=nominated_by,
        )
    except ValidationError as exc:
        raise _with_ids(exc) from None
    return Status(201, _shown(user, r, [_nominations(r).get(pk=n.pk)])[0])


def _nomination_qs() -> QuerySet[Nomination]:
    # The files' names only: their sealed bytes are never read for the API.
    files = EvidenceFile.objects.defer("sealed_file")
    return (
        Nomination.objects.select_related("round", "category", "nominee", "nominated_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.prefetch_related(Prefetch("files", files))))
        .order_by()
    )


@router.get("/selections/nominations/{id}", response={200: NominationDetailOut, **ERRORS})
def get_nomination(request: HttpRequest, id: Id) -> Nomination:
    """A nomination with its evidence: text, figures and the names of its files."""
    user = actor(request)
    n = _in_round(user, _nomination_qs(), id)
    return _shown(user, n.round, [n])[0]


@router.post("/selections/nominations/{id}/decline", response={200: NominationOut, **ERRORS})
def decline(request: HttpRequest, id: Id, payload: DeclineIn) -> Nomination:
    """The nominee declines, before the vote: only they may."""
    user = actor(request)
    n = _in_round(user, _nomination_qs(), id)
    if not permissions.may_answer_nomination(user, n):
        raise permissions.refused(message=_("Only the nominee declines a nomination."))
    services.decline(actor=user, nomination=n, note=payload.note)
    return _shown(user, n.round, [_nominations(n.round).get(pk=n.pk)])[0]


@router.post("/selections/nominations/{id}/evidence", response={201: NominationDetailOut, **ERRORS})
def add_evidence(request: HttpRequest, id: Id, payload: EvidenceIn) -> Status:
    """Evidence for a standing nomination during nomination and evidence, by the nominee, their
    nominator or the organiser: text and figures (files are added on the page)."""
    user = actor(request)
    n = _in_round(user, _nomination_qs(), id)
    if not permissions.may_add_evidence(user, n):
        raise permissions.refused(message=_("Evidence is added by the nominee, their nominator or the organiser."))
    services.add_evidence(actor=user, nomination=n, text=payload.text, figures=[f.dict() for f in payload.figures])
    return Status(201, _shown(user, n.round, [_nomination_qs().get(pk=n.pk)])[0])


# --- the ballot ------------------------------------------------------------------------------


@router.get("/selections/rounds/{id}/ballot", response={200: BallotOut, **ERRORS})
def get_ballot(request: HttpRequest, id: Id) -> dict[str, Any]:
    """The caller's own ballot while the vote is open: each category with its nominees. 403 for a
    caller not on the roll or who has voted; 422 outside the vote."""
    user = actor(request)
    r = _round(user, id)
    line = _my_line(user, r)
    if line.voted:
        raise permissions.refused(
            message=_(
                "You have voted in this round already: one person, one vote. After the count, check on the"
                " receipt page that your ballot was counted."
            )
        )
    assert r.poll is not None  # _my_line: the vote is open
    return {
        "round_id": r.pk,
        "title": r.title,
        "vote_until": r.vote_until,
        "categories": [
            {
                "category_id": int(q.ref),
                "name": q.label,
                "nominees": [{"nomination_id": int(o.ref), "nominee_name": o.label} for o in q.options.all()],
            }
            for q in ballot_selectors.questions(r.poll)
        ],
    }


def _choices(r: Round, payload: BallotIn) -> dict[int, int | None]:
    """The body's categories and nominees as the poll's questions and options."""
    assert r.poll is not None
    questions = {q.ref: q for q in ballot_selectors.questions(r.poll)}
    choices: dict[int, int | None] = {}
    for c in payload.choices:
        q = questions.get(str(c.category_id))
        if q is None or q.pk in choices:
            # A category this ballot does not hold, or one answered twice.
            raise ValidationError(
                {
                    "choices": [
                        _("The ballot answers a question this vote does not ask: reload the ballot and vote again.")
                    ]
                }
            )
        option = None
        if c.nomination_id is not None:
            option = next((o.pk for o in q.options.all() if o.ref == str(c.nomination_id)), None)
            if option is None:
                raise ValidationError(
                    {
                        "choices": [
                            _(
                                "The choice for “%(question)s” is not one of its nominees: reload the ballot and vote"
                                " again."
                            )
                            % {"question": q.label}
                        ]
                    }
                )
        choices[q.pk] = option
    return choices


@router.post("/selections/rounds/{id}/ballot", response={200: ReceiptOut, **ERRORS})
def cast_ballot(request: HttpRequest, id: Id, payload: BallotIn) -> dict[str, str]:
    """Cast the caller's own ballot: one choice per category (or none). Only the voter casts it,
    once: 403 for a caller not on the roll, 422 for a second vote or outside the vote. The answer
    is the receipt code, shown this once; nothing that links the ballot to the voter is kept."""
    user = actor(request)
    r = _round(user, id)
    line = _my_line(user, r)
    choices = _choices(r, payload)
    receipt = ballots.cast(actor=user, voter=line, choices=choices)
    return {"receipt": receipt}


@router.post("/selections/rounds/{id}/receipt", response={200: ReceiptCheckOut, **ERRORS})
def check_receipt(request: HttpRequest, id: Id, payload: ReceiptIn) -> dict[str, bool]:
    """After the count: whether a ballot with this receipt code was counted. It says no more, to
    anyone: not the choice, not whose. (A POST so that the code stays out of URLs and logs.)"""
    user = actor(request)
    r = _round(user, id)
    _counted(r)
    assert r.poll is not None
    return {"counted": ballot_selectors.receipt_counted(r.poll, payload.code)}


@router.get("/selections/rounds/{id}/tally", response={200: TallyOut, **ERRORS})
def tally(request: HttpRequest, id: Id) -> dict[str, Any]:
    """The count as stored when it was made: turnout, votes per nominee per category, blanks and
    the digest of the counted ballots."""
    user = actor(request)
    r = _round(user, id)
    _counted(r)
    _results_seen(user, r)
    assert r.poll is not None
    stored = ballot_selectors.stored_tally(r.poll)
    categories = []
    for q in ballot_selectors.questions(r.poll):
        votes = stored.votes.get(q.pk, {})
        categories.append(
            {
                "category_id": int(q.ref),
                "name": q.label,
                "blank": votes.get(None, 0),
                "nominees": [
                    {"nomination_id": int(o.ref), "nominee_name": o.label, "votes": votes.get(o.pk, 0)}
                    for o in q.options.all()
                ],
            }
        )
    return {
        "round_id": r.pk,
        "roll": stored.roll,
        "turnout": stored.turnout,
        "ballots": stored.ballots,
        "digest": stored.digest,
        "counted_at": r.poll.counted_at,
        "categories": categories,
    }


@router.get("/selections/rounds/{id}/recount", response={200: RecountOut, **ERRORS})
def recount(request: HttpRequest, id: Id) -> dict[str, Any]:
    """Count again from the stored ballots and compare with the count as stored: the organiser and
    those who audit the round."""
    user = actor(request)
    r = _round(user, id)
    if not permissions.may_recount(user, r):
        raise permissions.recount_refused()
    _counted(r)
    assert r.poll is not None
    agrees, stored, again = ballot_selectors.recount_agrees(r.poll)
    return {
        "agrees": agrees,
        "stored_digest": stored.digest,
        "digest": again.digest,
        "turnout": again.turnout,
        "ballots": again.ballots,
    }


# --- results and the committee's review ------------------------------------------------------


@router.get("/selections/rounds/{id}/results", response={200: list[ResultOut], **ERRORS})
def list_results(request: HttpRequest, id: Id) -> list[Result]:
    """After the count: each category's nominees by votes, with their rank, whether they are within
    the places or tied for the last, and the committee's decision."""
    user = actor(request)
    r = _round(user, id)
    _counted(r)
    _results_seen(user, r)
    return list(_results(r))


@router.post("/selections/results/{id}/decide", response={200: ResultOut, **ERRORS})
def decide(request: HttpRequest, id: Id, payload: DecisionIn) -> Result:
    """The committee confirms a result or sets it aside, during the review: the organiser."""
    user = actor(request)
    res = _in_round(user, Result.objects.select_related("round", "category", "nomination__nominee"), id)
    _run(user, res.round)
    services.decide(actor=user, result=res, decision=payload.decision, reason=payload.reason)
    return _results(res.round).get(pk=res.pk)


# --- objections during the public notice -----------------------------------------------------


@router.get("/selections/rounds/{id}/objections", response={200: list[ObjectionOut], **ERRORS})
def list_objections(request: HttpRequest, id: Id) -> list[Objection]:
    """The round's objections for its organiser (with who raised each); anyone else's own."""
    user = actor(request)
    return _objections(user, _round(user, id))


@router.post("/selections/rounds/{id}/objections", response={201: ObjectionOut, **ERRORS})
def raise_objection(request: HttpRequest, id: Id, payload: ObjectionIn) -> Status:
    """An objection during the public notice, for the organiser to answer."""
    user = actor(request)
    r = _round(user, id)
    if not permissions.may_take_part(user, r):
        raise permissions.refused(
            message=_("Objections are raised by the people of the round's enterprise and branch, in their own name.")
        )
    result = None
    if payload.result_id is not None:
        result = Result.objects.filter(round=r, pk=payload.result_id).first()
        if result is None:
            raise _no_such(str(Result._meta.verbose_name), payload.result_id, "result_id")
    try:
        o = services.raise_objection(actor=user, round=r, text=payload.text, result=result)
    except ValidationError as exc:
        raise _with_ids(exc) from None
    return Status(201, next(x for x in _objections(user, r) if x.pk == o.pk))


@router.post("/selections/objections/{id}/answer", response={200: ObjectionOut, **ERRORS})
def answer_objection(request: HttpRequest, id: Id, payload: AnswerIn) -> Objection:
    """The organiser's answer to an objection, during the notice."""
    user = actor(request)
    o = _in_round(user, Objection.objects.select_related("round"), id)
    _run(user, o.round)
    services.answer_objection(actor=user, objection=o, answer=payload.answer)
    return next(x for x in _objections(user, o.round) if x.pk == o.pk)
