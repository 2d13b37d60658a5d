"""/production: party building in production (DOMAIN.md §5) for integrations — a branch's
coverage of its teams, the teams in charge, pairings and their notes, posts and their
recognition, member-led courses with their trainees and assessments.

The same path as the web pages: every write goes through production.services (which audit and
explain a refusal in the user's language: 422 with the message), every object is narrowed by
access.scopes through production.selectors' visible_* lists, and the organisation a list or a
coverage is read for is one of selectors.page_orgs (another: the list narrows to nothing, the
coverage is 404). New records go where the caller keeps production work
(permissions.may_keep_production: else 403) and are kept only if they land in the caller's reach
(create_in_scope). An enterprise's managers read coverage, posts and training, never pairings;
a person reads their own records; a trainee reads their own assessment only
(permissions.may_see_assessments).
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal, get_args

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import CHANGE, PAIRING, TEAM_CHARGE
from dangjian.access.shortcuts import create_in_scope, get_in_scope, resolve_ref
from dangjian.organizations.models import Organization, ProductionUnit
from dangjian.people.models import Person
from dangjian.production import selectors, services
from dangjian.production.models import (
    Course,
    Pairing,
    PairingNote,
    Post,
    PostKind,
    PostStatus,
    Purpose,
    Result,
    TeamCharge,
    Trainee,
)

from .auth import actor
from .common import Page
from .errors import ERRORS
from .values import Blankable, Id

router = Router(tags=["production"])

# Why a charge ended, as a literal: the enum class is named EndReason, as a membership's is, and
# the two would share one OpenAPI component (api/tests/test_schema_names.py).
ChargeEndReason = Literal["handed_over", "left", "ended"]
assert set(get_args(ChargeEndReason)) == set(TeamCharge.EndReason.values)

# The services name model fields (member, partners); clients send ids (member_id, partner_ids).
FIELD_IDS = {
    "organization": "organization_id",
    "team": "team_id",
    "member": "member_id",
    "group": "group_id",
    "partners": "partner_ids",
    "holder": "holder_id",
    "unit": "unit_id",
    "trainer": "trainer_id",
    "people": "person_ids",
}


# --- schemas ---------------------------------------------------------------------------------


class ProductionOrgRef(Schema):
    id: int
    name: str


class CoverageTeamOut(Schema):
    team_id: int
    team: str
    workshop: str | None
    enterprise_id: int
    enterprise: str
    covered: bool = Field(description="A member has the team in charge today (and still is what took it).")
    charge_id: int | None
    member_id: int | None
    member_name: str | None = Field(description="The responsible member today.")
    group_name: str | None = Field(description="The party group that has the team in charge, if it is a group's.")
    covered_since: dt.date | None = Field(description="The first day of the unbroken run of charges up to today.")
    lapsed_member_name: str | None = Field(
        description="An open charge whose member left the branch or the enterprise: the team is uncovered."
    )


class CoverageOut(Schema):
    organization: ProductionOrgRef
    today: dt.date
    teams: int
    covered: int
    uncovered: int
    percent: int | None = Field(description="Covered teams in percent; null without teams.")
    rows: list[CoverageTeamOut]


class ChargeOut(Schema):
    id: int
    organization: ProductionOrgRef
    enterprise_id: int
    team_id: int
    team_name: str
    workshop_name: str | None
    member_id: int
    member_name: str
    group_id: int | None
    group_name: str | None
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: ChargeEndReason | None
    end_reason_label: str

    @staticmethod
    def resolve_organization(obj: TeamCharge) -> dict[str, Any]:
        return _org_ref(obj.organization)

    @staticmethod
    def resolve_team_name(obj: TeamCharge) -> str:
        return obj.team.display_name

    @staticmethod
    def resolve_workshop_name(obj: TeamCharge) -> str | None:
        return obj.team.parent.display_name if obj.team.parent else None

    @staticmethod
    def resolve_member_name(obj: TeamCharge) -> str:
        return obj.member.name

    @staticmethod
    def resolve_group_name(obj: TeamCharge) -> str | None:
        return obj.group.display_name if obj.group else None

    @staticmethod
    def resolve_end_reason(obj: TeamCharge) -> str | None:
        return obj.end_reason or None

    @staticmethod
    def resolve_end_reason_label(obj: TeamCharge) -> str:
        return str(obj.get_end_reason_display()) if obj.end_reason else ""


class ChargeIn(Schema):
    organization_id: Id = Field(description="A branch where you keep production work.")
    team_id: Id = Field(description="A production team of an enterprise the branch covers.")
    member_id: Id = Field(description="A party member of the branch employed by the team's enterprise.")
    group_id: Id | None = Field(None, description="A party group of the branch, led by the member.")
    started_on: dt.date
    ended_on: dt.date | None = None


class ChargeEndIn(Schema):
    ended_on: dt.date | None = Field(None, description="Defaults to today.")
    reason: ChargeEndReason = "ended"


class PartnerOut(Schema):
    person_id: int
    name: str


class PairingOut(Schema):
    id: int
    organization: ProductionOrgRef
    enterprise_id: int
    enterprise_name: str
    member_id: int
    member_name: str
    partners: list[PartnerOut]
    purposes: list[Purpose]
    purpose_labels: list[str]
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str
    last_note_on: dt.date | None

    @staticmethod
    def resolve_organization(obj: Pairing) -> dict[str, Any]:
        return _org_ref(obj.organization)

    @staticmethod
    def resolve_enterprise_name(obj: Pairing) -> str:
        return obj.enterprise.display_name

    @staticmethod
    def resolve_member_name(obj: Pairing) -> str:
        return obj.member.name

    @staticmethod
    def resolve_partners(obj: Pairing) -> list[dict[str, Any]]:
        return [{"person_id": p.person_id, "name": p.person.name} for p in obj.partners.all()]

    @staticmethod
    def resolve_last_note_on(obj: Pairing) -> dt.date | None:
        return getattr(obj, "last_note_on", None)


class PairingIn(Schema):
    organization_id: Id = Field(description="A branch where you keep production work.")
    member_id: Id = Field(description="A full member of the branch.")
    partner_ids: list[Id] = Field(
        min_length=1, max_length=20, description="Employees of the member's enterprise (the N of 1+N)."
    )
    purposes: list[Purpose] = Field(min_length=1, max_length=4)
    started_on: dt.date
    ended_on: dt.date | None = None


class PairingEndIn(Schema):
    ended_on: dt.date | None = Field(None, description="Defaults to today.")
    reason: Blankable[str] = Field("", max_length=200)


class NoteOut(Schema):
    id: int
    author_id: int
    author_name: str
    written_on: dt.date
    text: str

    @staticmethod
    def resolve_author_name(obj: PairingNote) -> str:
        return obj.author.name


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=1000)
    written_on: dt.date | None = Field(None, description="Defaults to today.")


class PostOut(Schema):
    id: int
    organization: ProductionOrgRef
    enterprise_id: int
    enterprise_name: str
    kind: PostKind
    kind_label: str
    title: str
    unit_id: int | None
    unit_name: str | None
    line: str
    holder_id: int
    holder_name: str
    commitment: str
    status: PostStatus
    status_label: str
    status_reason: str
    started_on: dt.date
    ended_on: dt.date | None
    recognised_on: dt.date | None
    recognised_by: ProductionOrgRef | None

    @staticmethod
    def resolve_organization(obj: Post) -> dict[str, Any]:
        return _org_ref(obj.organization)

    @staticmethod
    def resolve_enterprise_name(obj: Post) -> str:
        return obj.enterprise.display_name

    @staticmethod
    def resolve_kind_label(obj: Post) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_unit_name(obj: Post) -> str | None:
        return obj.unit.display_name if obj.unit else None

    @staticmethod
    def resolve_holder_name(obj: Post) -> str:
        return obj.holder.name

    @staticmethod
    def resolve_status_label(obj: Post) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_recognised_by(obj: Post) -> dict[str, Any] | None:
        return _org_ref(obj.recognised_by) if obj.recognised_by else None


class PostIn(Schema):
    organization_id: Id = Field(description="A branch where you keep production work.")
    kind: PostKind = PostKind.VANGUARD
    title: str = Field(min_length=1, max_length=60)
    holder_id: Id = Field(description="A member of the branch employed by the enterprise.")
    commitment: str = Field(min_length=1, max_length=400, description="The public commitment the sign shows.")
    started_on: dt.date
    ended_on: dt.date | None = None
    unit_id: Id | None = Field(None, description="The workshop or team the post is in.")
    line: Blankable[str] = Field("", max_length=60)


class PostStatusIn(Schema):
    status: PostStatus = Field(
        description="recognised and suspended by the committee above the branch (its organisation department); "
        "ended by the branch or that committee."
    )
    reason: Blankable[str] = Field("", max_length=200, description="Required to suspend.")
    on: dt.date | None = Field(None, description="Defaults to today.")


class CourseOut(Schema):
    id: int
    organization: ProductionOrgRef
    enterprise_id: int
    enterprise_name: str
    title: str
    skill: str
    trainer_id: int
    trainer_name: str
    starts_on: dt.date
    ends_on: dt.date
    hours: float
    trainees: int
    passed: int = Field(description="Trainees who passed or were certified.")

    @staticmethod
    def resolve_organization(obj: Course) -> dict[str, Any]:
        return _org_ref(obj.organization)

    @staticmethod
    def resolve_enterprise_name(obj: Course) -> str:
        return obj.enterprise.display_name

    @staticmethod
    def resolve_trainer_name(obj: Course) -> str:
        return obj.trainer.name

    @staticmethod
    def resolve_hours(obj: Course) -> float:
        return float(obj.hours)

    @staticmethod
    def resolve_trainees(obj: Course) -> int:
        return int(getattr(obj, "n_trainees", 0))

    @staticmethod
    def resolve_passed(obj: Course) -> int:
        return int(getattr(obj, "n_passed", 0))


class CourseIn(Schema):
    organization_id: Id = Field(description="A branch where you keep production work.")
    title: str = Field(min_length=1, max_length=100)
    skill: str = Field(min_length=1, max_length=100)
    trainer_id: Id = Field(description="A member of the branch; the course is for employees of their enterprise.")
    starts_on: dt.date
    ends_on: dt.date
    hours: Decimal = Field(gt=0, max_digits=5, decimal_places=1)


class TraineeOut(Schema):
    id: int
    course_id: int
    person_id: int
    person_name: str
    result: Result
    result_label: str
    assessed_on: dt.date | None
    certificate_no: str
    certified_on: dt.date | None

    @staticmethod
    def resolve_person_name(obj: Trainee) -> str:
        return obj.person.name

    @staticmethod
    def resolve_result_label(obj: Trainee) -> str:
        return str(obj.get_result_display())


class EnrolIn(Schema):
    person_ids: list[Id] = Field(min_length=1, max_length=500, description="Employees of the course's enterprise.")


class AssessmentIn(Schema):
    result: Result
    assessed_on: dt.date | None = Field(None, description="Required unless the result is pending.")
    certificate_no: Blankable[str] = Field("", max_length=40, description="Required for certified.")
    certified_on: dt.date | None = Field(None, description="Required for certified.")


class ProductionFilters(Schema):
    org: Id | None = Field(
        None, description="An organisation whose production page you may open: its records and those below it."
    )
    open: bool | None = Field(None, description="true: only those still running; false: only those ended.")


class PostFilters(Schema):
    org: Id | None = Field(
        None, description="A branch or committee whose page you may open: the posts of the enterprises it keeps."
    )
    status: PostStatus | None = None
    kind: PostKind | None = None


# --- helpers ---------------------------------------------------------------------------------


def _org_ref(org: Organization) -> dict[str, Any]:
    return {"id": org.pk, "name": org.display_name}


def _page_org(user: User, pk: int | None) -> Organization | None:
    """An organisation whose production page the user may open; None when none is asked for;
    Http404 for any other (as if it did not exist)."""
    if pk is None:
        return None
    org = selectors.page_orgs(user).filter(pk=pk).first()
    if org is None:
        raise Http404
    return org


def _keeping_org(user: User, pk: int) -> Organization:
    """Where a new record goes: an organisation the user sees (else 404) and keeps production
    work of (else 403)."""
    org = get_in_scope(user, Organization, pk)
    if not permissions.may_keep_production(user, org):
        raise permissions.refused((TEAM_CHARGE, CHANGE))
    return org


def _narrowed(user: User, qs: QuerySet[Any], filters: ProductionFilters) -> QuerySet[Any]:
    """A list narrowed to an organisation (one outside the user's pages narrows to nothing, as
    on the meeting list) and to running or ended records."""
    if filters.org is not None:
        org = selectors.page_orgs(user).filter(pk=filters.org).first()
        qs = qs.filter(organization__path__startswith=org.path) if org is not None else qs.none()
    if filters.open is not None:
        qs = qs.filter(ended_on__isnull=filters.open)
    return qs


def _created(user: User, make: Callable[[], Model], rows: QuerySet[Any]) -> Status:
    """The one create path of this router: `make()` (a service) within the caller's scope
    (create_in_scope), its refusals naming the ids the client sent; 201 with the row as listed."""
    try:
        obj = create_in_scope(user, make)
    except ValidationError as exc:
        raise _with_ids(exc) from None
    return Status(201, rows.get(pk=obj.pk))


def _with_ids(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({FIELD_IDS.get(k, k): v for k, v in exc.message_dict.items()})


def _person(user: User, pk: int, field: str) -> Person:
    return resolve_ref(user, Person, pk, field)


def _today_or(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


def _charges(user: User) -> QuerySet[TeamCharge]:
    return selectors.visible_charges(user)


def _pairings(user: User) -> QuerySet[Pairing]:
    return selectors.with_partners(selectors.visible_pairings(user))


def _posts(user: User) -> QuerySet[Post]:
    # The photo (up to 2 MB a post) is no field of PostOut: never read for a list.
    return selectors.visible_posts(user).select_related("recognised_by").defer("photo")


def _courses(user: User) -> QuerySet[Course]:
    return selectors.with_counts(selectors.visible_courses(user))


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


# --- coverage --------------------------------------------------------------------------------


@router.get("/production/coverage", response={200: CoverageOut, **ERRORS})
def coverage(
    request: HttpRequest,
    org: Annotated[
        Id | None, Query(description="A branch or committee whose page you may open. Defaults to yours.")
    ] = None,
) -> dict[str, Any]:
    """Every production team of the enterprises the organisation keeps (a branch) or oversees (a
    committee), whether a member has it in charge today and since when: the same figures as the
    page. 404 for an organisation whose page the caller may not open."""
    user = actor(request)
    if not permissions.may_see_production(user, TEAM_CHARGE):
        raise permissions.production_refused()
    organization = _page_org(user, org) or selectors.default_org(user)
    if organization is None:
        raise Http404
    today = timezone.localdate()
    cov = selectors.coverage(organization, today, user)
    rows = []
    for r in cov.rows:
        c = r.charge
        rows.append(
            {
                "team_id": r.team.pk,
                "team": r.team.display_name,
                "workshop": r.team.parent.display_name if r.team.parent else None,
                "enterprise_id": r.team.enterprise_id,
                "enterprise": r.team.enterprise.display_name,
                "covered": c is not None,
                "charge_id": c.pk if c else None,
                "member_id": c.member_id if c else None,
                "member_name": c.member.name if c else None,
                "group_name": c.group.display_name if c and c.group else None,
                "covered_since": r.covered_since,
                "lapsed_member_name": r.lapsed.member.name if r.lapsed else None,
            }
        )
    return {
        "organization": _org_ref(organization),
        "today": today,
        "teams": cov.total,
        "covered": cov.covered,
        "uncovered": len(cov.uncovered),
        "percent": cov.percent,
        "rows": rows,
    }


# --- teams in charge -------------------------------------------------------------------------


@router.get("/production/team-charges", response={200: list[ChargeOut], **ERRORS})
@paginate(Page)
def list_charges(request: HttpRequest, filters: Query[ProductionFilters]) -> QuerySet:
    """The teams in charge the caller may see, by team, newest first."""
    user = actor(request)
    return _narrowed(user, _charges(user), filters).order_by("team__name", "-started_on", "pk")


@router.post("/production/team-charges", response={201: ChargeOut, **ERRORS})
def take_charge(request: HttpRequest, payload: ChargeIn) -> Status:
    """Put a team in the charge of a member of the branch (or of a party group led by one)."""
    user = actor(request)
    org = _keeping_org(user, payload.organization_id)
    team = resolve_ref(user, ProductionUnit, payload.team_id, "team_id")
    member = _person(user, payload.member_id, "member_id")
    group = resolve_ref(user, Organization, payload.group_id, "group_id")
    return _created(
        user,
        lambda: services.take_charge(
            actor=user,
            organization=org,
            team=team,
            member=member,
            group=group,
            started_on=payload.started_on,
            ended_on=payload.ended_on,
        ),
        _charges(user),
    )


@router.post("/production/team-charges/{id}/end", response={200: ChargeOut, **ERRORS})
def end_charge(request: HttpRequest, id: Id, payload: ChargeEndIn) -> TeamCharge:
    """End a charge: the team is uncovered from the next day until another member takes it."""
    user = actor(request)
    charge = get_in_scope(user, _charges(user), id, CHANGE)
    services.end_charge(actor=user, charge=charge, ended_on=_today_or(payload.ended_on), reason=payload.reason)
    return _charges(user).get(pk=charge.pk)


# --- pairings --------------------------------------------------------------------------------


@router.get("/production/pairings", response={200: list[PairingOut], **ERRORS})
@paginate(Page)
def list_pairings(request: HttpRequest, filters: Query[ProductionFilters]) -> QuerySet:
    """The pairings the caller may see: a branch's for its officers and the committees above, a
    person's own for its member and employees; none for an enterprise's managers."""
    user = actor(request)
    return _narrowed(user, _pairings(user), filters).order_by("member__name", "-started_on", "pk")


@router.post("/production/pairings", response={201: PairingOut, **ERRORS})
def pair(request: HttpRequest, payload: PairingIn) -> Status:
    """Pair a full member of the branch with 1 to N employees of their enterprise."""
    user = actor(request)
    org = _keeping_org(user, payload.organization_id)
    member = _person(user, payload.member_id, "member_id")
    partners = [_person(user, pk, "partner_ids") for pk in payload.partner_ids]
    return _created(
        user,
        lambda: services.pair(
            actor=user,
            organization=org,
            member=member,
            partners=partners,
            purposes=[_plain(p) for p in payload.purposes],
            started_on=payload.started_on,
            ended_on=payload.ended_on,
        ),
        _pairings(user),
    )


@router.post("/production/pairings/{id}/end", response={200: PairingOut, **ERRORS})
def end_pairing(request: HttpRequest, id: Id, payload: PairingEndIn) -> Pairing:
    user = actor(request)
    pairing = get_in_scope(user, _pairings(user), id, CHANGE)
    services.end_pairing(actor=user, pairing=pairing, ended_on=_today_or(payload.ended_on), reason=payload.reason)
    return _pairings(user).get(pk=pairing.pk)


@router.get("/production/pairings/{id}/notes", response={200: list[NoteOut], **ERRORS})
def list_notes(request: HttpRequest, id: Id) -> QuerySet:
    """The pairing's notes, newest first."""
    user = actor(request)
    pairing = get_in_scope(user, selectors.visible_pairings(user), id)
    return selectors.notes_of(pairing)


@router.post("/production/pairings/{id}/notes", response={201: NoteOut, **ERRORS})
def add_note(request: HttpRequest, id: Id, payload: NoteIn) -> Status:
    """A note by the pairing's member or one of its employees, as themselves (403 for anyone else)."""
    user = actor(request)
    pairing = get_in_scope(user, selectors.visible_pairings(user), id)
    if user.person_id is None or not permissions.may_write_note(user, pairing):
        raise permissions.refused(
            (PAIRING, CHANGE), message=_("A pairing's notes are written by its member and its paired employees.")
        )
    author = Person.objects.get(pk=user.person_id)
    note = services.add_note(
        actor=user, pairing=pairing, author=author, text=payload.text, written_on=payload.written_on
    )
    return Status(201, selectors.notes_of(pairing).get(pk=note.pk))


# --- posts -----------------------------------------------------------------------------------


@router.get("/production/posts", response={200: list[PostOut], **ERRORS})
@paginate(Page)
def list_posts(request: HttpRequest, filters: Query[PostFilters]) -> QuerySet:
    """The posts the caller may see; with `org`, the registry of the enterprises it keeps or
    oversees (as the posts page lists it)."""
    user = actor(request)
    qs = _posts(user)
    if filters.org is not None:
        org = selectors.page_orgs(user).filter(pk=filters.org).first()
        qs = qs.filter(enterprise__in=selectors.enterprises_kept(org)) if org is not None else qs.none()
    if filters.status is not None:
        qs = qs.filter(status=filters.status.value)
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind.value)
    return qs.order_by("enterprise__name", "kind", "title", "pk")


@router.post("/production/posts", response={201: PostOut, **ERRORS})
def propose_post(request: HttpRequest, payload: PostIn) -> Status:
    """The branch proposes a post; the committee above recognises it (POST /production/posts/{id}/status)."""
    user = actor(request)
    org = _keeping_org(user, payload.organization_id)
    holder = _person(user, payload.holder_id, "holder_id")
    unit = resolve_ref(user, ProductionUnit, payload.unit_id, "unit_id")
    return _created(
        user,
        lambda: services.propose_post(
            actor=user,
            organization=org,
            kind=payload.kind.value,
            title=payload.title,
            holder=holder,
            commitment=payload.commitment,
            started_on=payload.started_on,
            ended_on=payload.ended_on,
            unit=unit,
            line=payload.line,
        ),
        _posts(user),
    )


@router.post("/production/posts/{id}/status", response={200: PostOut, **ERRORS})
def set_post_status(request: HttpRequest, id: Id, payload: PostStatusIn) -> Post:
    """Recognise, suspend or reinstate a post (the committee above its branch, in whose name it
    is recorded), or end it (the branch or that committee)."""
    user = actor(request)
    post = get_in_scope(user, _posts(user), id)
    status = payload.status.value
    refusal = permissions.post_status_refusal(user, post, status)
    if refusal is not None:
        raise refusal
    committee_path = permissions.may_recognise_post(user, post)
    committee = Organization.objects.filter(path=committee_path).first() if committee_path else None
    services.set_post_status(
        actor=user, post=post, status=status, reason=payload.reason, on=payload.on, recognised_by=committee
    )
    return _posts(user).get(pk=post.pk)


# --- training --------------------------------------------------------------------------------


@router.get("/production/courses", response={200: list[CourseOut], **ERRORS})
@paginate(Page)
def list_courses(request: HttpRequest, filters: Query[ProductionFilters]) -> QuerySet:
    """The courses the caller may see, newest first, with their trainee counts. `open` reads the
    course's last day: true for those not yet over."""
    user = actor(request)
    open_ = filters.open
    qs = _narrowed(user, _courses(user), filters.model_copy(update={"open": None}))
    if open_ is not None:
        over = Q(ends_on__lt=timezone.localdate())
        qs = qs.exclude(over) if open_ else qs.filter(over)
    return qs.order_by("-starts_on", "pk")


@router.post("/production/courses", response={201: CourseOut, **ERRORS})
def open_course(request: HttpRequest, payload: CourseIn) -> Status:
    """A course led by a member of the branch, for employees of the member's enterprise."""
    user = actor(request)
    org = _keeping_org(user, payload.organization_id)
    trainer = _person(user, payload.trainer_id, "trainer_id")
    return _created(
        user,
        lambda: services.open_course(
            actor=user,
            organization=org,
            title=payload.title,
            skill=payload.skill,
            trainer=trainer,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            hours=payload.hours,
        ),
        _courses(user),
    )


@router.get("/production/courses/{id}/trainees", response={200: list[TraineeOut], **ERRORS})
def list_trainees(request: HttpRequest, id: Id) -> QuerySet:
    """The course's trainees with their assessments, for those who may read them (its trainer,
    its organisation's officers and the committees above, the enterprise's managers); anyone
    else who sees the course gets their own row only."""
    user = actor(request)
    course = get_in_scope(user, selectors.visible_courses(user), id)
    trainees = selectors.trainees_of(course)
    if not permissions.may_see_assessments(user, course):
        trainees = trainees.filter(person_id=user.person_id) if user.person_id else trainees.none()
    return trainees


@router.post("/production/courses/{id}/trainees", response={201: list[TraineeOut], **ERRORS})
def enrol(request: HttpRequest, id: Id, payload: EnrolIn) -> Status:
    """Put employees of the course's enterprise on it; answers those newly enrolled (those
    already on it stay as they are)."""
    user = actor(request)
    course = get_in_scope(user, selectors.visible_courses(user), id, CHANGE)
    people = [_person(user, pk, "person_ids") for pk in payload.person_ids]
    try:
        created = services.enrol(actor=user, course=course, people=people)
    except ValidationError as exc:
        raise _with_ids(exc) from None
    return Status(201, list(selectors.trainees_of(course).filter(pk__in=[t.pk for t in created])))


@router.post("/production/trainees/{id}/assessment", response={200: TraineeOut, **ERRORS})
def assess(request: HttpRequest, id: Id, payload: AssessmentIn) -> Trainee:
    """Record a trainee's assessment (passed, failed, certified with its certificate), or set it
    back to pending. Needs the right to change the course."""
    user = actor(request)
    course_id = Trainee.objects.filter(pk=id).values_list("course_id", flat=True).first()
    if course_id is None:
        raise Http404
    course = get_in_scope(user, selectors.visible_courses(user), course_id, CHANGE)
    trainee = selectors.trainees_of(course).get(pk=id)
    services.assess(
        actor=user,
        trainee=trainee,
        result=payload.result.value,
        assessed_on=payload.assessed_on,
        certificate_no=payload.certificate_no,
        certified_on=payload.certified_on,
    )
    return selectors.trainees_of(course).get(pk=id)
