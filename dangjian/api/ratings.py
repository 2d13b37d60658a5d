"""Branch ratings over the API: a committee's schemes and rounds, the candidates with their score
sheets, a reviewer's scores, the closing. Same scopes and refusals as the pages: a round is read
and kept by the committee's organisation department (a county only its own); a candidate is read
by the branch, its instructor and managers, and scored in the caller's capacity."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import VIEW
from dangjian.access.shortcuts import get_in_scope
from dangjian.guidance.models import Candidate, Measure, Method, RatingRound, RatingScheme, Reviewer
from dangjian.guidance.ratings import selectors, services
from dangjian.organizations.models import Organization

from .auth import actor
from .common import Page
from .errors import ERRORS
from .values import Id

router = Router(tags=["ratings"])

# Literals, not the models' enum classes: those are named "Status" and "Result", which the
# meetings' and the trainees' documents already use as OpenAPI component names.
RoundStatus = Literal["open", "closed"]
CandidateResult = Literal["pending", "awarded", "not_awarded"]
assert set(get_args(RoundStatus)) == set(RatingRound.Status.values)
assert set(get_args(CandidateResult)) == set(Candidate.Result.values)


class CriterionIO(Schema):
    group: str = Field("", max_length=40)
    name: str = Field(min_length=1, max_length=120)
    weight: int = Field(ge=1, le=100)
    method: Method
    measure: Measure | None = Field(None, description="What a counted criterion counts.")
    target: int | None = Field(None, ge=1, description="A counted criterion's figure for full marks.")


class SchemeOut(Schema):
    id: int
    organization_id: int | None = Field(description="The committee that defined it; null: built in.")
    name: str
    title: str
    description: str
    active: bool
    criteria: list[CriterionIO]

    @staticmethod
    def resolve_criteria(obj: RatingScheme) -> list[dict[str, Any]]:
        return [
            {
                "group": c.group,
                "name": c.name,
                "weight": c.weight,
                "method": c.method,
                "measure": c.measure or None,
                "target": c.target,
            }
            for c in obj.criteria.all()
        ]


class SchemeIn(Schema):
    org_id: Id = Field(description="The committee the scheme is for (its organisation department calls).")
    name: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=1, max_length=60)
    description: str = Field("", max_length=2000)
    criteria: list[CriterionIO] = Field(min_length=1, max_length=20, description="Weights add up to 100.")


class RoundOut(Schema):
    id: int
    scheme_id: int
    scheme_name: str
    organization_id: int
    year: int
    counted_on: dt.date
    pass_mark: Decimal
    status: RoundStatus
    closed_on: dt.date | None

    @staticmethod
    def resolve_scheme_name(obj: RatingRound) -> str:
        return obj.scheme.name


class RoundIn(Schema):
    org_id: Id
    scheme_id: Id
    year: int = Field(ge=2000, le=2100)
    counted_on: dt.date = Field(description="Counted criteria read the records of the year up to this day.")
    pass_mark: Decimal = Field(Decimal(85), gt=0, le=100)


class BranchesIn(Schema):
    branch_ids: list[Id] = Field(min_length=1, max_length=500)


class ScoreOut(Schema):
    criterion_id: int
    reviewer: Reviewer | None = Field(description="null: counted from the records as of the round's date.")
    points: Decimal
    figure: Decimal | None
    basis: dict[str, Any]
    note: str


class CandidateOut(Schema):
    id: int
    round_id: int
    organization_id: int
    organization_name: str
    year: int
    total: Decimal | None
    result: CandidateResult
    certificate_no: str
    scores: list[ScoreOut]

    @staticmethod
    def resolve_organization_name(obj: Candidate) -> str:
        return obj.organization.display_name

    @staticmethod
    def resolve_year(obj: Candidate) -> int:
        return obj.round.year

    @staticmethod
    def resolve_scores(obj: Candidate) -> list[dict[str, Any]]:
        return [
            {
                "criterion_id": s.criterion_id,
                "reviewer": s.reviewer or None,
                "points": s.points,
                "figure": s.figure,
                "basis": s.basis,
                "note": s.note,
            }
            for s in obj.scores.all()
        ]


class ScoreIn(Schema):
    criterion_id: Id
    points: Decimal = Field(ge=0, le=100)
    note: str = Field(min_length=1, max_length=2000)


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(min_length=1, max_length=20)


def _committee(user: User, org_id: int) -> Organization:
    org = selectors.rating_committees(user).filter(pk=org_id).first()
    if org is None:
        raise Http404
    return org


def _kept(user: User, org: Organization) -> None:
    if not permissions.may_keep_ratings(user, org):
        raise permissions.refused(message="A committee's organisation department keeps its rating schemes and rounds.")


def _round(user: User, pk: int) -> RatingRound:
    rnd = RatingRound.objects.select_related("scheme", "organization").filter(pk=pk).first()
    if rnd is None or not selectors.rating_committees(user).filter(pk=rnd.organization_id).exists():
        raise Http404
    return rnd


def _candidates(user: User) -> QuerySet[Candidate]:
    return selectors.visible_candidates(user).prefetch_related("scores")


@router.get("/guidance/rating-schemes", response={200: list[SchemeOut], **ERRORS})
def list_schemes(request: HttpRequest, org: Annotated[Id, Query(description="A committee you oversee.")]) -> Any:
    """The schemes offered to a committee: the built-in ones and its own and those above it."""
    user = actor(request)
    return list(selectors.schemes_for(_committee(user, org)))


@router.post("/guidance/rating-schemes", response={201: SchemeOut, **ERRORS})
def create_scheme(request: HttpRequest, payload: SchemeIn) -> Status:
    user = actor(request)
    org = _committee(user, payload.org_id)
    _kept(user, org)
    scheme = services.save_scheme(
        actor=user,
        organization=org,
        name=payload.name,
        title=payload.title,
        description=payload.description,
        criteria=[c.dict() for c in payload.criteria],
    )
    return Status(201, scheme)


@router.get("/guidance/rating-rounds", response={200: list[RoundOut], **ERRORS})
def list_rounds(request: HttpRequest, org: Annotated[Id, Query(description="A committee you oversee.")]) -> Any:
    user = actor(request)
    return list(selectors.rounds_of(_committee(user, org)))


@router.post("/guidance/rating-rounds", response={201: RoundOut, **ERRORS})
def open_round(request: HttpRequest, payload: RoundIn) -> Status:
    user = actor(request)
    org = _committee(user, payload.org_id)
    _kept(user, org)
    scheme = selectors.schemes_for(org).filter(pk=payload.scheme_id).first()
    if scheme is None:
        raise ValidationError({"scheme_id": ["Choose a scheme offered to this committee."]})
    rnd = services.open_round(
        actor=user,
        scheme=scheme,
        organization=org,
        year=payload.year,
        counted_on=payload.counted_on,
        pass_mark=payload.pass_mark,
    )
    return Status(201, rnd)


@router.get("/guidance/rating-rounds/{id}", response={200: RoundOut, **ERRORS})
def get_round(request: HttpRequest, id: Id) -> RatingRound:
    return _round(actor(request), id)


@router.post("/guidance/rating-rounds/{id}/candidates", response={201: list[CandidateOut], **ERRORS})
def add_candidates(request: HttpRequest, id: Id, payload: BranchesIn) -> Status:
    """Branches under the round's committee stand in it; their counted criteria are read now, as
    of the round's date, and kept."""
    user = actor(request)
    rnd = _round(user, id)
    _kept(user, rnd.organization)
    branches = list(selectors.branches_for(rnd).filter(pk__in=payload.branch_ids))
    if len(branches) != len(set(payload.branch_ids)):
        raise ValidationError({"branch_ids": ["Name party organisations under the round's committee not yet in it."]})
    added = services.add_candidates(actor=user, round=rnd, branches=branches)
    return Status(201, list(_candidates(user).filter(pk__in=[c.pk for c in added])))


@router.post("/guidance/rating-rounds/{id}/close", response={200: RoundOut, **ERRORS})
def close_round(request: HttpRequest, id: Id) -> RatingRound:
    """Close: every candidate has the county's scores; totals and results are set."""
    user = actor(request)
    rnd = _round(user, id)
    _kept(user, rnd.organization)
    return services.close_round(actor=user, round=rnd)


@router.get("/guidance/rating-candidates", response={200: list[CandidateOut], **ERRORS})
@paginate(Page)
def list_candidates(
    request: HttpRequest, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> QuerySet[Candidate]:
    """The candidacies the caller may read, newest round first."""
    user = actor(request)
    if not permissions.may_see_ratings(user):
        raise permissions.ratings_refused()
    qs = _candidates(user)
    if year is not None:
        qs = qs.filter(round__year=year)
    return qs.order_by("-round__year", "organization__path", "pk")


@router.get("/guidance/rating-candidates/{id}", response={200: CandidateOut, **ERRORS})
def get_candidate(request: HttpRequest, id: Id) -> Candidate:
    user = actor(request)
    return get_in_scope(user, _candidates(user), id, VIEW)


@router.put("/guidance/rating-candidates/{id}/scores", response={200: CandidateOut, **ERRORS})
def put_scores(request: HttpRequest, id: Id, payload: ScoresIn) -> Candidate:
    """The caller's scores for the reviewed criteria, in their capacity: the branch itself (its
    secretary), its instructor, or the county. Each from 0 to the criterion's weight, with a note."""
    user = actor(request)
    candidate = get_in_scope(user, _candidates(user), id, VIEW)
    reviewer = permissions.rating_reviewer(user, candidate)
    if reviewer is None:
        raise permissions.refused(message="A branch is scored by itself, its instructor and the county.")
    services.score(
        actor=user,
        candidate=candidate,
        reviewer=reviewer,
        scores={s.criterion_id: (s.points, s.note) for s in payload.scores},
    )
    return _candidates(user).get(pk=candidate.pk)
