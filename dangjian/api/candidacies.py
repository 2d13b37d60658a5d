"""/candidacies: membership development (发展党员, DOMAIN.md §2) for integrations.

The same path as the web pages: development.services writes (apply, record_step, withdraw),
development.rules decides, so a step the board would refuse is refused here too, with the same
message. A refusal answers 422 with code "refused" and `errors` {"rule": [codes], "possible_from":
[date]} (the day from which the step may be recorded, when the rules know one).

The political review conclusion (政审, PIPL art. 28) is always masked ("***") in answers; a user
who may see it (access.permissions.may_see_conclusion: CHANGE on the candidacy and REVEAL on the person)
asks for it with POST /candidacies/{id}/reveal, and each clear answer writes an audit event
("reveal"). Never by GET: a link, or a page on another site riding the browser's session, must
not make a user "view" it (the old GET ?reveal=conclusion answers 422). Step 10's note is hidden
from those who may not see the conclusion.

Step details (`data`) are typed, and each step takes only the details its rules read
(development.services.DATA_KEYS): anything else answers 422, never 500.
"""

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal, Protocol, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import BaseModel, ConfigDict

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import CANDIDACY, CHANGE, VIEW, can_add_to, scope
from dangjian.access.shortcuts import create_in_scope, get_in_scope, resolve_ref
from dangjian.development import rules, services
from dangjian.development import selectors as dev_selectors
from dangjian.development.models import LIVE_STAGES, Candidacy, Stage, Step
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_orgs
from dangjian.people.models import Person

from .auth import actor
from .common import Page
from .errors import ERRORS
from .people import RevealOut
from .values import Blankable, Id, Omittable

router = Router(tags=["development"])

MASK = "***"
# Stages in which something may still fall due (a conversion deadline once admitted).
CANDIDACY_QS = dev_selectors.candidacies_with_person()


class CandidacyOut(Schema):
    id: int
    person_id: int
    person_name: str
    organization_id: int
    organization_name: str
    stage: Stage
    applied_on: dt.date
    activist_on: dt.date | None
    target_on: dt.date | None
    admitted_on: dt.date | None
    probation_ends_on: dt.date | None
    closed_on: dt.date | None
    outcome: str = Field(description="Once closed: converted, cancelled or withdrawn; else empty.")

    @staticmethod
    def resolve_person_name(obj: Candidacy) -> str:
        return obj.person.name

    @staticmethod
    def resolve_organization_name(obj: Candidacy) -> str:
        return obj.organization.display_name


class StepOut(Schema):
    id: int
    number: int
    label: str
    done_on: dt.date
    acted_by: str
    data: dict[str, Any]
    note: str = Field(description='Step 10\'s note is "***" for a user who may not see the conclusion.')
    late: bool = Field(description="Recorded after a deadline the rules set (e.g. a talk after one month).")
    conclusion: str | None = Field(
        description="Step 10 only: the political review's conclusion with ?reveal=conclusion and the right to "
        'see it; else "***".'
    )


class DueOut(Schema):
    number: int
    label: str
    actor: str = Field(description="Who must act.")
    earliest: dt.date | None
    due_by: dt.date | None
    overdue: bool


class _Detailed(Protocol):
    """A candidacy as _detail() hands it over: its steps and what is due, for the caller."""

    api_steps: list[dict[str, Any]]
    api_due: list[dict[str, Any]]


class CandidacyDetailOut(CandidacyOut):
    steps: list[StepOut]
    due: list[DueOut] = Field(description="The steps that may be recorded next, by deadline (development.rules).")

    # _detail() puts both on the candidacy, for the caller (the conclusion depends on who asks).
    @staticmethod
    def resolve_steps(obj: _Detailed) -> list[dict[str, Any]]:
        return obj.api_steps

    @staticmethod
    def resolve_due(obj: _Detailed) -> list[dict[str, Any]]:
        return obj.api_due


class CandidacyFilters(FilterSchema):
    organization: Id | None = Field(None, description="An organisation id: candidacies in it and below it.")
    stage: Stage | None = None
    overdue: bool | None = Field(None, description="true: only candidacies with a step past its deadline.")


class ApplyIn(Schema):
    person_id: Id
    organization_id: Id
    applied_on: dt.date
    acted_by: Blankable[str] = Field("", max_length=200)
    note: Blankable[str] = Field("", max_length=2000)


PersonId = Annotated[Id, Field(strict=True)]
Count = Annotated[int, Field(strict=True, ge=0)]
Length = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]


class StepData(BaseModel):
    """The details a step may carry, typed. Which step takes which is development.services.
    DATA_KEYS; a detail no step takes, or one the step does not, answers 422."""

    model_config = ConfigDict(extra="allow")  # kept, so that the step's check names them

    # `default=` by name: mypy reads pydantic models as dataclasses and sees a default only when it
    # is named, and StepIn builds an empty StepData().
    recommended_by: Omittable[Literal["members", "league", "union"]] = Field(default=None, description="Step 3.")
    contacts: Omittable[list[PersonId]] = Field(
        default=None, description="Step 5: one or two full members (person ids)."
    )
    sponsors: Omittable[list[PersonId]] = Field(default=None, description="Step 9: two full members (person ids).")
    days: Omittable[Length] = Field(default=None, description="Step 11: training days.")
    hours: Omittable[Length] = Field(default=None, description="Step 11: class hours.")
    notice_from: Omittable[dt.date] = Field(default=None, description="Step 13: first day of the public notice.")
    notice_to: Omittable[dt.date] = Field(default=None, description="Step 13: last day of the public notice.")
    entitled: Omittable[Count] = Field(default=None, description="Steps 15 and 23: members entitled to vote.")
    full_entitled: Omittable[Count] = Field(
        default=None,
        description="Steps 15 and 23: optional; if given it must equal `entitled` (only full members vote).",
    )
    present: Omittable[Count] = Field(default=None, description="Steps 15 and 23: members entitled to vote present.")
    yes: Omittable[Count] = Field(default=None, description="Steps 15 and 23: yes votes.")
    written_yes: Omittable[Count] = Field(
        default=None, description="Steps 15 and 23: written yes opinions of absent members."
    )
    fewer_reason: Omittable[str] = Field(
        default=None,
        max_length=200,
        description="Steps 15 and 23: why `entitled` is below the branch's full members on the day "
        "(required then; `entitled` may never exceed them).",
    )
    decision: Omittable[Literal["on_time", "extend", "cancel"]] = Field(default=None, description="Step 24.")
    months: Omittable[Count] = Field(default=None, description="Step 24, an extension: 6 to 12 months.")


class StepIn(Schema):
    number: int = Field(ge=1, le=25)
    done_on: dt.date
    data: StepData = Field(
        default_factory=StepData,
        description="Step details: recommended_by (3), contacts (5), sponsors (9), days/hours (11), "
        "notice_from/notice_to (13), the tally (15, 23: entitled, full_entitled, present, yes, "
        "written_yes, fewer_reason), decision and months (24). Only the details of the step sent are accepted.",
    )
    acted_by: Blankable[str] = Field("", max_length=200)
    note: Blankable[str] = Field("", max_length=2000)
    conclusion: Blankable[str] = Field(
        "", max_length=5000, description="Step 10: the political review's written conclusion."
    )


class WithdrawIn(Schema):
    on: dt.date | None = Field(None, description="Defaults to today.")
    reason: str = Field(min_length=1, max_length=500)


# --- helpers ---------------------------------------------------------------------------------


def _label(number: int) -> str:
    return str(rules.STEPS[number].label)


def _step_out(step: Step, clear: bool, see_review: bool) -> dict[str, Any]:
    conclusion = None
    note = step.note
    if step.number == 10:
        conclusion = step.conclusion if clear else MASK
        if not see_review and note:
            note = MASK
    return {
        "id": step.pk,
        "number": step.number,
        "label": _label(step.number),
        "done_on": step.done_on,
        "acted_by": step.acted_by,
        "data": step.data or {},
        "note": note,
        "late": step.late,
        "conclusion": conclusion,
    }


def _detail(user: User, candidacy: Candidacy) -> Candidacy:
    """The candidacy with its steps and what is due; the conclusion masked (see `reveal`)."""
    steps = list(candidacy.steps.all())
    see_review = any(s.number == 10 for s in steps) and permissions.may_see_conclusion(
        user, candidacy, candidacy.person
    )
    due = services.due_for(candidacy, steps=steps)
    detailed = cast(_Detailed, candidacy)
    detailed.api_steps = [_step_out(s, False, see_review) for s in steps]
    detailed.api_due = [
        {
            "number": d.number,
            "label": _label(d.number),
            "actor": str(d.step.actor),
            "earliest": d.earliest,
            "due_by": d.due_by,
            "overdue": d.overdue,
        }
        for d in due
    ]
    return candidacy


def _refusal(exc: services.StepRefused) -> Status:
    """The 422 answer for the rules' refusals: which rules, and from when the step is possible."""
    blocking = exc.refusals
    dates = [r.possible_from for r in blocking if r.possible_from]
    body: dict[str, Any] = {
        "code": "refused",
        "message": " ".join(r.message for r in blocking),
        "errors": {"rule": [r.rule for r in blocking], "possible_from": [max(dates).isoformat()] if dates else []},
    }
    return Status(422, body)


def _answer_step(user: User, write: Callable[[], Candidacy | Step]) -> Status:
    """Run a write the step rules may refuse (an application, a step): a refusal answers 422
    with its reasons, success 201 with the candidacy as it now stands."""
    try:
        done = write()
    except services.StepRefused as exc:
        return _refusal(exc)
    pk = done.pk if isinstance(done, Candidacy) else done.candidacy_id
    return Status(201, _detail(user, CANDIDACY_QS.get(pk=pk)))


def _overdue_ids(qs: QuerySet, today: dt.date) -> list[int]:
    """Candidacies in `qs` with a step past its deadline, by the same rules as the board."""
    live = list(qs.filter(stage__in=LIVE_STAGES).prefetch_related("steps"))
    return [c.pk for c in dev_selectors.with_due(live, today) if c.overdue]


# --- operations ------------------------------------------------------------------------------


@router.get("/candidacies", response={200: list[CandidacyOut], **ERRORS})
@paginate(Page)
def list_candidacies(request: HttpRequest, filters: Query[CandidacyFilters]) -> QuerySet:
    user = actor(request)
    qs = scope(user, CANDIDACY_QS.all(), VIEW)
    if filters.organization is not None:
        # An organisation the caller cannot see filters like one that does not exist.
        org = visible_orgs(user).filter(pk=filters.organization).first()
        qs = qs.filter(organization__path__startswith=org.path) if org else qs.none()
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.overdue is not None:
        ids = _overdue_ids(qs, timezone.localdate())
        qs = qs.filter(pk__in=ids) if filters.overdue else qs.exclude(pk__in=ids)
    return qs.order_by("-applied_on", "-id")


@router.get("/candidacies/{id}", response={200: CandidacyDetailOut, **ERRORS})
def get_candidacy(request: HttpRequest, id: Id, response: HttpResponse) -> Candidacy:
    user = actor(request)
    candidacy = get_in_scope(user, CANDIDACY_QS, id)
    response["Cache-Control"] = "no-store"
    if "reveal" in request.GET:
        # Once a GET parameter; a GET never reveals now. Say where it went rather than answer masked.
        raise ValidationError(
            _("The conclusion is no longer revealed by GET: send POST /candidacies/%(id)s/reveal.") % {"id": id}
        )
    return _detail(user, candidacy)


class ConclusionRevealIn(Schema):
    field: Literal["conclusion"]


@router.post("/candidacies/{id}/reveal", response={200: RevealOut, **ERRORS})
def reveal(request: HttpRequest, id: Id, payload: ConclusionRevealIn) -> dict:
    """The political review's conclusion in clear, for a user who may see it; every answer is
    recorded in the audit log (PIPL art. 28)."""
    user = actor(request)
    value = services.reveal_conclusion(actor=user, candidacy=get_in_scope(user, CANDIDACY_QS, id))
    return {"field": payload.field, "value": value}


@router.post("/candidacies", response={201: CandidacyDetailOut, **ERRORS})
def apply(request: HttpRequest, payload: ApplyIn) -> Status:
    """A written application (step 1), for a person the caller can see, to an organisation where
    the caller may keep candidacies."""
    user = actor(request)
    person = resolve_ref(user, Person, payload.person_id, "person_id")
    org = resolve_ref(user, Organization, payload.organization_id, "organization_id")
    if not can_add_to(user, CANDIDACY, org):
        raise PermissionDenied(_("You may not record applications to %(org)s.") % {"org": org})
    return _answer_step(
        user,
        lambda: create_in_scope(
            user,
            lambda: services.apply(
                actor=user,
                person=person,
                organization=org,
                applied_on=payload.applied_on,
                acted_by=payload.acted_by,
                note=payload.note,
            ),
        ),
    )


@router.post("/candidacies/{id}/steps", response={201: CandidacyDetailOut, **ERRORS})
def record_step(request: HttpRequest, id: Id, payload: StepIn) -> Status:
    """Record one of steps 2–25 (step 21, probation, is counted, not recorded). Answers with the
    candidacy as it now stands, its stage and what falls due next."""
    user = actor(request)
    candidacy = get_in_scope(user, CANDIDACY_QS, id, CHANGE)
    return _answer_step(
        user,
        lambda: services.record_step(
            actor=user,
            candidacy=candidacy,
            number=payload.number,
            done_on=payload.done_on,
            data=payload.data.model_dump(exclude_unset=True),
            acted_by=payload.acted_by,
            note=payload.note,
            conclusion=payload.conclusion,
        ),
    )


@router.post("/candidacies/{id}/withdraw", response={200: CandidacyDetailOut, **ERRORS})
def withdraw(request: HttpRequest, id: Id, payload: WithdrawIn) -> Candidacy:
    """The applicant withdraws or leaves before admission; the record stays, closed."""
    user = actor(request)
    candidacy = get_in_scope(user, CANDIDACY_QS, id, CHANGE)
    services.withdraw(actor=user, candidacy=candidacy, on=payload.on or timezone.localdate(), reason=payload.reason)
    return _detail(user, CANDIDACY_QS.get(pk=candidacy.pk))
