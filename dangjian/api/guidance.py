"""/guidance: county guidance for integrations — instructors' declarations, their visits to
enterprises, the follow-up of the problems found, a committee's table of its instructors
(who is behind with visits, what is open or overdue), the county's yearly appraisals of its
instructors and the enterprises' opinions of them.

The same path as the web pages: every write goes through guidance.services (which audit and
explain a refusal in the user's language: 422 with the message); every visit and follow-up is
narrowed by access.scopes (the resource "visit", reached through the enterprise): an instructor
reads their enterprise's, a branch and its managers their enterprise's, a committee its own
enterprises'. Visits are recorded by an instructor assigned to the enterprise (else 404 for the
enterprise, as on the page); a follow-up is closed by its owner or the visit's instructor (else 403).

Appraisals are read by the organisation department of the committees that made them (and those
above) and by the instructor appraised; made and changed by the county's organisation department
(another county's committee: 404). Opinions are read by the same departments and by the
secretary or managers who give them; given by the enterprise's branch secretary and managers for
the instructors assigned to it (another enterprise: 404).
"""

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import VIEW
from dangjian.access.shortcuts import get_in_scope
from dangjian.guidance import rollups, selectors, services
from dangjian.guidance.models import Appraisal, FollowUp, Grade, Opinion, OpinionRole, OwnerRole, Rating, Visit
from dangjian.organizations.models import Enterprise, Organization

from .auth import actor
from .common import Page
from .errors import ERRORS
from .values import Blankable, Id, Omittable, Patch

router = Router(tags=["guidance"])

# A follow-up's status as its own literal: an enum class named "Status" would take the OpenAPI
# component name the meetings' status already has, and one of the two documents would be wrong.
FollowUpStatus = Literal["open", "closed"]
assert set(get_args(FollowUpStatus)) == set(FollowUp.Status.values)


# --- schemas ---------------------------------------------------------------------------------


class VisitOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    instructor_id: int
    instructor_name: str
    visited_on: dt.date
    minutes: int
    met: str
    topics: list[str] = Field(description="Keys of the built-in topics, or a county's own topics as written.")
    topic_labels: list[str] = Field(description="The topics in the caller's language.")
    other_topics: str
    notes: str
    photos: int = Field(description="How many photos are kept (sealed); they open on the page.")

    @staticmethod
    def resolve_enterprise_name(obj: Visit) -> str:
        return obj.enterprise.display_name

    @staticmethod
    def resolve_instructor_name(obj: Visit) -> str:
        return selectors.user_name(obj.instructor)

    @staticmethod
    def resolve_topic_labels(obj: Visit) -> list[str]:
        return [selectors.topic_label(t) for t in obj.topics]

    @staticmethod
    def resolve_photos(obj: Visit) -> int:
        return int(obj.n_photos)  # type: ignore[attr-defined]  # selectors.with_photo_counts


class VisitIn(Schema):
    enterprise_id: Id
    visited_on: dt.date
    minutes: int = Field(ge=1, le=24 * 60)
    met: str = Field(max_length=300)
    topics: list[str] = Field(default_factory=list, max_length=30)
    other_topics: Blankable[str] = Field("", max_length=300)
    notes: Blankable[str] = ""


class VisitPatch(Patch):
    """Only what is sent changes; none of a visit's fields takes null."""

    visited_on: Omittable[dt.date] = None
    minutes: Omittable[int] = Field(None, ge=1, le=24 * 60)
    met: Omittable[str] = Field(None, min_length=1, max_length=300)
    topics: Omittable[list[str]] = Field(None, max_length=30)
    other_topics: Omittable[Blankable[str]] = Field(None, max_length=300)
    notes: Omittable[Blankable[str]] = None


class FollowUpOut(Schema):
    id: int
    visit_id: int
    enterprise_id: int
    enterprise_name: str
    problem: str
    owner_id: int
    owner_name: str
    owner_role: OwnerRole
    due_on: dt.date
    status: FollowUpStatus
    overdue: bool
    closed_on: dt.date | None
    closing_note: str

    @staticmethod
    def resolve_enterprise_name(obj: FollowUp) -> str:
        return obj.enterprise.display_name

    @staticmethod
    def resolve_owner_name(obj: FollowUp) -> str:
        return selectors.user_name(obj.owner)

    @staticmethod
    def resolve_overdue(obj: FollowUp) -> bool:
        return obj.is_overdue(timezone.localdate())


class FollowUpIn(Schema):
    problem: str = Field(min_length=1)
    owner_id: Id = Field(description="A user who is the enterprise's secretary, a manager or an instructor.")
    due_on: dt.date


class CloseIn(Schema):
    note: str = Field(description="How the problem was resolved: required.")
    closed_on: dt.date | None = Field(None, description="Today if left out.")


class DeclarationIn(Schema):
    enterprise_id: Id


class DeclarationOut(Schema):
    enterprise_id: int
    declared_on: dt.date
    statement: str


class InstructorOut(Schema):
    instructor_id: int
    instructor_name: str
    enterprise_id: int
    enterprise_name: str
    assigned_on: dt.date
    declared_on: dt.date | None
    visits_this_year: int
    last_visit: dt.date | None
    missed_periods: list[str] = Field(description="Ended periods of this year without a visit.")
    due_by: dt.date | None = Field(description="The current period's last day, when it has no visit yet.")
    behind: bool
    open_follow_ups: int
    overdue_follow_ups: int


class GuidanceRollupFiguresOut(Schema):
    enterprises: int
    covered: int = Field(description="Enterprises with a party organisation.")
    state: int
    state_covered: int
    non_public: int
    non_public_covered: int
    members: int = Field(description="Full and probationary members held by the organisations of the row.")
    applicants: int = Field(description="Applicants, activists and development targets.")
    branches: int = Field(description="Party organisations that keep a meeting calendar.")
    branches_behind: int = Field(description="Of them, with a required meeting overdue this year.")
    periods_met: int
    periods_ended: int
    pipeline_applicants: int
    pipeline_activists: int
    pipeline_targets: int
    pipeline_probationary: int
    teams: int
    teams_covered: int = Field(description="Production teams in a member's charge today.")
    posts: int = Field(description="Pioneer posts held now.")
    posts_recognised: int
    assignments: int = Field(description="Instructors assigned to enterprises.")
    assignments_behind: int
    visits: int = Field(description="Instructors' visits this year.")
    follow_ups_open: int
    follow_ups_overdue: int
    rating_candidates: int = Field(description="Branches standing in this year's rating rounds (三好 …).")
    rated: int = Field(description="Of them, awarded.")


class GuidanceRollupRowOut(Schema):
    label: str
    organization_id: int | None = Field(description="The row's organisation; null for an enterprise's own row.")
    enterprise_id: int | None = Field(
        description="An enterprise without a party organisation the committee supervises."
    )
    figures: GuidanceRollupFiguresOut


class GuidanceRollupOut(Schema):
    organization_id: int
    name: str
    as_of: dt.date
    counted_at: dt.datetime | None
    rows: list[GuidanceRollupRowOut]
    total: GuidanceRollupFiguresOut


class VisitFilters(Schema):
    enterprise_id: Id | None = None
    since: dt.date | None = None
    until: dt.date | None = None


class FollowUpFilters(Schema):
    enterprise_id: Id | None = None
    status: FollowUpStatus | None = None
    overdue: bool | None = Field(None, description="true: open and past their due day.")
    mine: bool | None = Field(None, description="true: only those in the caller's hands.")


class AppraisalOut(Schema):
    id: int
    instructor_id: int
    instructor_name: str
    committee_id: int
    committee_name: str
    year: int
    grade: Grade
    grade_label: str = Field(description="The grade in the caller's language.")
    visits: int = Field(description="The instructor's visits in the year, as counted when the appraisal was saved.")
    follow_ups_closed: int = Field(description="Follow-ups of those visits closed, when it was saved.")
    follow_ups_open: int = Field(description="Follow-ups of those visits still open, when it was saved.")
    comment: str
    appraised_by_id: int | None = Field(description="Who saved it last; null: a command.")
    appraised_at: dt.datetime

    @staticmethod
    def resolve_instructor_name(obj: Appraisal) -> str:
        return selectors.user_name(obj.instructor)

    @staticmethod
    def resolve_committee_name(obj: Appraisal) -> str:
        return obj.committee.display_name

    @staticmethod
    def resolve_grade_label(obj: Appraisal) -> str:
        return str(obj.get_grade_display())


class AppraisalIn(Schema):
    org_id: Id = Field(description="The county committee that appraises.")
    instructor_id: Id = Field(description="The instructor's user id.")
    year: int = Field(ge=2000, le=9999)
    grade: Grade
    comment: Blankable[str] = Field("", max_length=1000)


class AppraisalPatch(Patch):
    """Only what is sent changes; the year's figures are counted again when it is saved."""

    grade: Omittable[Grade] = None
    comment: Omittable[Blankable[str]] = Field(None, max_length=1000)


class AppraisalFilters(Schema):
    org: Id | None = Field(None, description="A county committee whose appraisals you read.")
    year: int | None = None
    instructor_id: Id | None = None


class OpinionOut(Schema):
    id: int
    instructor_id: int
    instructor_name: str
    enterprise_id: int
    enterprise_name: str
    year: int
    author_role: OpinionRole
    rating: Rating
    rating_label: str = Field(description="The rating in the caller's language.")
    comment: str
    author_id: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_instructor_name(obj: Opinion) -> str:
        return selectors.user_name(obj.instructor)

    @staticmethod
    def resolve_enterprise_name(obj: Opinion) -> str:
        return obj.enterprise.display_name

    @staticmethod
    def resolve_rating_label(obj: Opinion) -> str:
        return str(obj.get_rating_display())


class OpinionIn(Schema):
    enterprise_id: Id
    instructor_id: Id = Field(description="An instructor assigned to the enterprise by the end of the year.")
    year: int = Field(ge=2000, le=9999)
    rating: Rating
    comment: Blankable[str] = Field("", max_length=1000)
    role: OpinionRole | None = Field(
        None, description="The role you give it in, if you are both the branch secretary and a manager."
    )


class OpinionPatch(Patch):
    rating: Omittable[Rating] = None
    comment: Omittable[Blankable[str]] = Field(None, max_length=1000)


class OpinionFilters(Schema):
    enterprise_id: Id | None = None
    year: int | None = None
    instructor_id: Id | None = None


# --- helpers ---------------------------------------------------------------------------------


def _visits(user: User) -> QuerySet[Visit]:
    return selectors.with_photo_counts(selectors.visible_visits(user))


def _require(user: User) -> None:
    if not permissions.may_see_guidance(user):
        raise permissions.guidance_refused()


def _instructor_enterprise(user: User, pk: int) -> Enterprise:
    ent = selectors.instructor_enterprises(user).filter(pk=pk).first()
    if ent is None:
        raise Http404
    return ent


def _refusal(exc: ValidationError) -> ValidationError:
    """The services name model fields; clients send ids."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({{"owner": "owner_id"}.get(k, k): v for k, v in exc.message_dict.items()})


# --- visits ----------------------------------------------------------------------------------


@router.get("/guidance/visits", response={200: list[VisitOut], **ERRORS})
@paginate(Page)
def list_visits(request: HttpRequest, filters: Query[VisitFilters]) -> QuerySet[Visit]:
    """The visits the caller may see, newest first."""
    user = actor(request)
    _require(user)
    qs = _visits(user)
    if filters.enterprise_id is not None:
        qs = qs.filter(enterprise_id=filters.enterprise_id)
    if filters.since is not None:
        qs = qs.filter(visited_on__gte=filters.since)
    if filters.until is not None:
        qs = qs.filter(visited_on__lte=filters.until)
    return qs.order_by("-visited_on", "-pk")


@router.post("/guidance/visits", response={201: VisitOut, **ERRORS})
def record_visit(request: HttpRequest, payload: VisitIn) -> Status:
    """Record a visit to an enterprise the caller is an instructor of (after their declaration)."""
    user = actor(request)
    ent = _instructor_enterprise(user, payload.enterprise_id)
    data = payload.dict(exclude={"enterprise_id"})
    visit = services.record_visit(actor=user, enterprise=ent, **data)
    return Status(201, _visits(user).get(pk=visit.pk))


@router.get("/guidance/visits/{id}", response={200: VisitOut, **ERRORS})
def get_visit(request: HttpRequest, id: Id) -> Visit:
    user = actor(request)
    return get_in_scope(user, _visits(user), id, VIEW)


@router.patch("/guidance/visits/{id}", response={200: VisitOut, **ERRORS})
def update_visit(request: HttpRequest, id: Id, payload: VisitPatch) -> Visit:
    """Correct a visit: only the instructor who wrote it."""
    user = actor(request)
    visit = get_in_scope(user, _visits(user), id, VIEW)
    if not permissions.may_edit_visit(user, visit):
        raise permissions.visit_refused()
    services.update_visit(actor=user, visit=visit, **payload.dict(exclude_unset=True))
    return _visits(user).get(pk=visit.pk)


@router.post("/guidance/visits/{id}/follow-ups", response={201: FollowUpOut, **ERRORS})
def add_follow_up(request: HttpRequest, id: Id, payload: FollowUpIn) -> Status:
    """A problem found on the visit, in the hands of the enterprise's secretary, a manager or an
    instructor; the owner is told. Only the visit's instructor adds them."""
    user = actor(request)
    visit = get_in_scope(user, _visits(user), id, VIEW)
    if not permissions.may_edit_visit(user, visit):
        raise permissions.visit_refused()
    owner = next((u for u, _r in selectors.owners_for(visit.enterprise) if u.pk == payload.owner_id), None)
    if owner is None:
        raise ValidationError(
            {"owner_id": ["Choose the enterprise's secretary, a manager or an instructor (their user id)."]}
        )
    try:
        item = services.add_follow_up(
            actor=user, visit=visit, problem=payload.problem, owner=owner, due_on=payload.due_on
        )
    except ValidationError as exc:
        raise _refusal(exc) from None
    return Status(201, selectors.visible_follow_ups(user).get(pk=item.pk))


# --- follow-ups ------------------------------------------------------------------------------


@router.get("/guidance/follow-ups", response={200: list[FollowUpOut], **ERRORS})
@paginate(Page)
def list_follow_ups(request: HttpRequest, filters: Query[FollowUpFilters]) -> QuerySet[FollowUp]:
    """The follow-ups the caller may see, by due day."""
    user = actor(request)
    _require(user)
    today = timezone.localdate()
    qs = selectors.visible_follow_ups(user)
    if filters.enterprise_id is not None:
        qs = qs.filter(enterprise_id=filters.enterprise_id)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(status=FollowUp.Status.OPEN, due_on__lt=today)
    if filters.mine:
        qs = qs.filter(owner=user)
    return qs.order_by("due_on", "pk")


@router.get("/guidance/follow-ups/{id}", response={200: FollowUpOut, **ERRORS})
def get_follow_up(request: HttpRequest, id: Id) -> FollowUp:
    user = actor(request)
    return get_in_scope(user, selectors.visible_follow_ups(user), id, VIEW)


@router.post("/guidance/follow-ups/{id}/close", response={200: FollowUpOut, **ERRORS})
def close_follow_up(request: HttpRequest, id: Id, payload: CloseIn) -> FollowUp:
    """Close with a note of how it was resolved: its owner or the visit's instructor."""
    user = actor(request)
    item = get_in_scope(user, selectors.visible_follow_ups(user), id, VIEW)
    if not permissions.may_close_follow_up(user, item):
        raise permissions.refused(
            message="A follow-up is closed by the one in whose hands it is, or by the instructor."
        )
    services.close_follow_up(actor=user, item=item, note=payload.note, closed_on=payload.closed_on)
    return selectors.visible_follow_ups(user).get(pk=item.pk)


# --- declarations and the committee's table ----------------------------------------------------


@router.post("/guidance/declarations", response={201: DeclarationOut, **ERRORS})
def declare(request: HttpRequest, payload: DeclarationIn) -> Status:
    """The caller's declaration of no business tie to an enterprise they are an instructor of: once."""
    user = actor(request)
    ent = _instructor_enterprise(user, payload.enterprise_id)
    assignment = selectors.assignment_of(user, ent)
    if assignment is None:  # never: the enterprise is one of the caller's assignments
        raise Http404
    d = services.declare(actor=user, assignment=assignment)
    return Status(201, {"enterprise_id": ent.pk, "declared_on": d.declared_on, "statement": d.statement})


@router.get("/guidance/instructors", response={200: list[InstructorOut], **ERRORS})
def instructors(
    request: HttpRequest,
    org: Annotated[
        Id | None, Query(description="A committee whose instructors you oversee; without it, your own assignments.")
    ] = None,
) -> list[dict[str, Any]]:
    """Instructors at enterprises with the year's visits against the required frequency: the
    caller's own assignments, or a committee's (its organisation department). 404 for a
    committee the caller does not oversee."""
    user = actor(request)
    today = timezone.localdate()
    if org is None:
        rows = selectors.my_assignments(user, today)
    else:
        committee: Organization | None = selectors.committee_orgs(user).filter(pk=org).first()
        if committee is None:
            raise Http404
        rows = selectors.instructors_of(committee, today)
    return [
        {
            "instructor_id": r.instructor.pk,
            "instructor_name": r.instructor_name,
            "enterprise_id": r.enterprise.pk,
            "enterprise_name": r.enterprise.display_name,
            "assigned_on": r.assignment.started_on,
            "declared_on": r.declaration.declared_on if r.declaration else None,
            "visits_this_year": r.visits,
            "last_visit": r.last_visit,
            "missed_periods": [p.label for p in r.cadence.missed],
            "due_by": r.cadence.due_by,
            "behind": r.cadence.behind,
            "open_follow_ups": r.open,
            "overdue_follow_ups": r.overdue,
        }
        for r in rows
    ]


# --- appraisals ---------------------------------------------------------------------------------


@router.get("/guidance/appraisals", response={200: list[AppraisalOut], **ERRORS})
@paginate(Page)
def list_appraisals(request: HttpRequest, filters: Query[AppraisalFilters]) -> QuerySet[Appraisal]:
    """The appraisals the caller reads (their committees', or their own as an instructor), newest year first."""
    user = actor(request)
    qs = selectors.visible_appraisals(user)
    if filters.org is not None:
        qs = qs.filter(committee_id=filters.org)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.instructor_id is not None:
        qs = qs.filter(instructor_id=filters.instructor_id)
    return qs.order_by("-year", "committee_id", "instructor_id", "pk")


def _appraisal(user: User, pk: int) -> Appraisal:
    found: Appraisal | None = selectors.visible_appraisals(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@router.get("/guidance/appraisals/{id}", response={200: AppraisalOut, **ERRORS})
def get_appraisal(request: HttpRequest, id: Id) -> Appraisal:
    return _appraisal(actor(request), id)


@router.post("/guidance/appraisals", response={200: AppraisalOut, 201: AppraisalOut, **ERRORS})
def appraise(request: HttpRequest, payload: AppraisalIn) -> Status:
    """Appraise an instructor for a year (201), or change the appraisal made (200): the county's
    organisation department. An Excellent past the county's cap is refused (422, saying the limit)."""
    user = actor(request)
    committee = selectors.appraisal_committees(user).filter(pk=payload.org_id).first()
    if committee is None:
        raise Http404
    rows = selectors.appraisal_rows(committee, payload.year, instructor_id=payload.instructor_id)
    if not rows:
        raise ValidationError(
            {"instructor_id": [_("Choose an instructor assigned under the committee in that year (their user id).")]}
        )
    instructor, existed = rows[0].instructor, rows[0].appraisal is not None
    a = services.appraise(
        actor=user,
        committee=committee,
        instructor=instructor,
        year=payload.year,
        grade=payload.grade,
        comment=payload.comment,
    )
    return Status(200 if existed else 201, _appraisal(user, a.pk))


@router.patch("/guidance/appraisals/{id}", response={200: AppraisalOut, **ERRORS})
def change_appraisal(request: HttpRequest, id: Id, payload: AppraisalPatch) -> Appraisal:
    """Change the grade or the comment: the county's organisation department (the audit record keeps the old)."""
    user = actor(request)
    a = _appraisal(user, id)
    if not permissions.may_appraise(user, a.committee):
        raise permissions.appraisal_refused()
    changes = payload.dict(exclude_unset=True)
    services.appraise(
        actor=user,
        committee=a.committee,
        instructor=a.instructor,
        year=a.year,
        grade=changes.get("grade", a.grade),
        comment=changes.get("comment", a.comment),
    )
    return _appraisal(user, a.pk)


# --- opinions ------------------------------------------------------------------------------------


@router.get("/guidance/opinions", response={200: list[OpinionOut], **ERRORS})
@paginate(Page)
def list_opinions(request: HttpRequest, filters: Query[OpinionFilters]) -> QuerySet[Opinion]:
    """The opinions the caller reads: those they give (as secretary or manager) and, for an
    organisation department, those of its enterprises."""
    user = actor(request)
    qs = selectors.visible_opinions(user)
    if filters.enterprise_id is not None:
        qs = qs.filter(enterprise_id=filters.enterprise_id)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.instructor_id is not None:
        qs = qs.filter(instructor_id=filters.instructor_id)
    return qs.order_by("-year", "enterprise_id", "instructor_id", "author_role", "pk")


def _opinion(user: User, pk: int) -> Opinion:
    found: Opinion | None = selectors.visible_opinions(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@router.get("/guidance/opinions/{id}", response={200: OpinionOut, **ERRORS})
def get_opinion(request: HttpRequest, id: Id) -> Opinion:
    return _opinion(actor(request), id)


@router.post("/guidance/opinions", response={200: OpinionOut, 201: OpinionOut, **ERRORS})
def give_opinion(request: HttpRequest, payload: OpinionIn) -> Status:
    """Give the enterprise's opinion of its instructor for a year (201), or change the one given
    in that role (200): its branch secretary or a manager."""
    user = actor(request)
    ent = selectors.opinion_enterprise(user, payload.enterprise_id)
    if ent is None:
        raise Http404
    instructor = selectors.opinion_instructor(user, ent, payload.instructor_id, payload.year)
    if instructor is None:
        raise ValidationError(
            {"instructor_id": [_("Choose an instructor assigned to the enterprise by the end of that year.")]}
        )
    roles = permissions.opinion_roles(user, ent)
    role = payload.role or roles[0]
    existed = selectors.opinion_of(instructor.pk, ent, payload.year, role) is not None
    o = services.give_opinion(
        actor=user,
        enterprise=ent,
        instructor=instructor,
        year=payload.year,
        rating=payload.rating,
        comment=payload.comment,
        role=role,
    )
    return Status(200 if existed else 201, _opinion(user, o.pk))


@router.patch("/guidance/opinions/{id}", response={200: OpinionOut, **ERRORS})
def change_opinion(request: HttpRequest, id: Id, payload: OpinionPatch) -> Opinion:
    """Change the rating or the comment: whoever holds the opinion's role at the enterprise."""
    user = actor(request)
    o = _opinion(user, id)
    if o.author_role not in permissions.opinion_roles(user, o.enterprise):
        raise permissions.opinion_refused()
    changes = payload.dict(exclude_unset=True)
    services.give_opinion(
        actor=user,
        enterprise=o.enterprise,
        instructor=o.instructor,
        year=o.year,
        rating=changes.get("rating", o.rating),
        comment=changes.get("comment", o.comment),
        role=o.author_role,
    )
    return _opinion(user, o.pk)


@router.get("/guidance/rollups/{id}", response={200: GuidanceRollupOut, **ERRORS})
def rollup(request: HttpRequest, id: Id) -> dict[str, Any]:
    """A committee's roll-up, as its page shows it: a row per county (a prefecture) or per park
    committee, party organisation and lone enterprise (a county), with the total. Counted at most
    every few minutes (`counted_at`). For the committee's organisation department and committee
    members; 404 for a committee the caller does not read."""
    user = actor(request)
    org: Organization | None = rollups.rollup_orgs(user).filter(pk=id).first()
    if org is None:
        raise Http404
    r = rollups.cached(org)
    return {
        "organization_id": org.pk,
        "name": r.label,
        "as_of": r.today,
        "counted_at": r.counted_at,
        "rows": [
            {
                "label": row.label,
                "organization_id": row.org_id,
                "enterprise_id": row.enterprise_id,
                "figures": row.figures,
            }
            for row in r.rows
        ],
        "total": r.total,
    }
