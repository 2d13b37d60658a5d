"""/meetings: branch life (DOMAIN.md §3) for integrations — the meetings a user may see, one
meeting with its attendance, planning and recording meetings, marking attendance, inviting
non-members, and a branch's compliance calendar or a committee's roll-up.

The same path as the web pages: the list is branchlife.register.filtered (the list page's one
filter), every write goes through branchlife.services (which audit and explain a refusal in the
user's language: 422 with the message), and every object is narrowed by access.scopes. The
meeting's check-in token never leaves here: it is for the QR code shown at the meeting.

Invited non-members are counted apart from the members expected (`counts.invited`,
`counts.invited_present`), never as member attendance.
"""

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal, Protocol, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access.models import User
from dangjian.access.permissions import may_keep
from dangjian.access.scopes import CHANGE, VIEW, scope
from dangjian.access.shortcuts import create_in_scope, get_in_scope
from dangjian.branchlife import register, rules, selectors, services
from dangjian.branchlife.models import Attendance, Meeting, MeetingKind, Period
from dangjian.organizations.models import Organization
from dangjian.people.models import Person
from dangjian.people.selectors import visible_people

from .auth import actor
from .common import Page, changed_only
from .errors import ERRORS
from .values import Blankable, Id, LocalTime, Omittable, Patch

router = Router(tags=["meetings"])


# --- schemas ---------------------------------------------------------------------------------


class OrgRef(Schema):
    id: int
    name: str


class AttendanceCountsOut(Schema):
    expected: int = Field(description="Members expected (invited non-members not included).")
    present: int = Field(description="Members present.")
    leave: int = Field(description="Members on leave.")
    absent: int = Field(description="Members absent.")
    invited: int = Field(description="Invited non-members, counted apart from the members.")
    invited_present: int = Field(description="Invited non-members present.")


class _Counted(Protocol):
    """A meeting as MeetingPage (selectors.tallies, one query a page) or _detail() hands it over."""

    api_tally: selectors.Tally


class _Detailed(_Counted, Protocol):
    """A meeting as _detail() hands it over: its attendance too."""

    api_attendance: list[Attendance]


class MeetingOut(Schema):
    id: int
    organization: OrgRef
    kind: MeetingKind
    kind_label: str
    status: Meeting.Status
    status_label: str
    held_on: dt.date
    starts_at: LocalTime | None
    place: str
    topic: str
    host_id: int | None
    host_name: str | None
    recorder_id: int | None
    recorder_name: str | None
    quorate: bool = Field(description="A committee meeting needs half of the committee present; others always are.")
    all_members: bool = Field(description="A collective political birthday for every member, not only the cohort.")
    counts: AttendanceCountsOut

    @staticmethod
    def resolve_organization(obj: Meeting) -> dict[str, Any]:
        return {"id": obj.organization_id, "name": obj.organization.display_name}

    @staticmethod
    def resolve_kind_label(obj: Meeting) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Meeting) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_host_name(obj: Meeting) -> str | None:
        return obj.host.name if obj.host else None

    @staticmethod
    def resolve_recorder_name(obj: Meeting) -> str | None:
        return obj.recorder.name if obj.recorder else None

    @staticmethod
    def resolve_counts(obj: _Counted) -> selectors.Tally:
        return obj.api_tally


class AttendanceOut(Schema):
    person_id: int
    person_name: str
    invited: bool = Field(description="An invited non-member, counted apart from the members.")
    state: Attendance.State
    state_label: str
    reason: str = Field(description="The reason for leave; blank for callers who do not keep the meeting.")
    checked_in_at: dt.datetime | None = Field(description="When the person checked in with the meeting's QR code.")

    @staticmethod
    def resolve_person_name(obj: Attendance) -> str:
        return obj.person.name

    @staticmethod
    def resolve_state_label(obj: Attendance) -> str:
        return str(obj.get_state_display())


class MeetingDetailOut(MeetingOut):
    minutes: str
    materials: str
    hours: float | None
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime
    attendance: list[AttendanceOut] = Field(description="The members expected, then the invited non-members.")

    @staticmethod
    def resolve_hours(obj: Meeting) -> float | None:
        return float(obj.hours) if obj.hours is not None else None

    @staticmethod
    def resolve_attendance(obj: _Detailed) -> list[Attendance]:
        return obj.api_attendance


class MeetingFilters(Schema):
    org: Id | None = Field(None, description="An organisation id: its meetings and those of the groups below it.")
    kind: MeetingKind | None = None
    status: Meeting.Status | None = None
    year: int | None = Field(None, ge=2000, le=2100, description="The year the meeting is (to be) held in.")
    q: str | None = Field(None, description="The topic contains.")


class MeetingIn(Schema):
    organization_id: Id = Field(description="A branch or party group where you may plan meetings.")
    kind: MeetingKind
    status: Meeting.Status = Field(Meeting.Status.PLANNED, description="held: recorded after the fact.")
    held_on: dt.date
    starts_at: LocalTime | None = None
    place: Blankable[str] = Field("", max_length=200)
    topic: str = Field(min_length=1, max_length=300)
    host_id: Id | None = Field(None, description="A party member of the organisation.")
    recorder_id: Id | None = Field(None, description="A party member of the organisation.")
    minutes: Blankable[str] = Field("", max_length=100_000)
    materials: Blankable[str] = Field("", max_length=10_000, description="What was read or studied.")
    hours: Decimal | None = Field(None, max_digits=4, decimal_places=1, description="Length of a lecture or study.")
    note: Blankable[str] = Field("", max_length=300)
    all_members: bool = Field(
        False, description="A collective political birthday (kind celebration) for every member, not only the cohort."
    )


class MeetingPatch(Patch):
    kind: Omittable[MeetingKind] = None
    status: Omittable[Meeting.Status] = None
    held_on: Omittable[dt.date] = None
    starts_at: LocalTime | None = None
    place: Omittable[Blankable[str]] = Field(None, max_length=200)
    topic: Omittable[str] = Field(None, min_length=1, max_length=300)
    host_id: Id | None = None
    recorder_id: Id | None = None
    minutes: Omittable[Blankable[str]] = Field(None, max_length=100_000)
    materials: Omittable[Blankable[str]] = Field(None, max_length=10_000)
    hours: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    note: Omittable[Blankable[str]] = Field(None, max_length=300)
    all_members: Omittable[bool] = None


class AttendanceIn(Schema):
    state: Attendance.State
    reason: str = Field("", max_length=200, description="Required for leave.")


class InvitationIn(Schema):
    person_id: Id = Field(description="A non-member working at an enterprise the organisation covers.")


class AllPresentOut(Schema):
    marked: int = Field(description="How many members were marked present.")
    meeting: MeetingDetailOut


class CellOut(Schema):
    period: str = Field(description="The period's label: 2026-03, 2026 Q1 or 2026.")
    start: dt.date
    end: dt.date
    held: int = Field(description="Meetings held (a committee meeting only when quorate).")
    planned: int
    state: Literal["held", "due", "overdue", "upcoming", "not_required"]
    state_label: str


class RequirementOut(Schema):
    key: str = Field(description='The kind of meeting; "group:<id>" for one party group\'s meetings.')
    label: str
    organization: OrgRef = Field(description="Whose meetings count: the branch, or one of its party groups.")
    period: Period
    period_label: str
    times: int = Field(description="How many meetings each period asks for.")
    cells: list[CellOut]


class RollupRowOut(Schema):
    organization: OrgRef
    overdue: int = Field(description="Periods this year that ended without the meetings they asked for.")
    due_now: int = Field(description="Requirements due in the current period and not yet met.")
    met: int = Field(description="Ended periods that were met.")
    ended: int = Field(description="Ended periods that asked for a meeting.")
    last_held: dt.date | None


class CalendarOut(Schema):
    organization: OrgRef
    year: int
    today: dt.date
    view: Literal["calendar", "rollup"] = Field(
        description="calendar for a branch (its requirements); rollup for a committee (a row per branch under it, "
        "the furthest behind first)."
    )
    last_held: dt.date | None = Field(None, description="calendar: the branch's latest meeting held this year.")
    requirements: list[RequirementOut] = Field(default_factory=list)
    rows: list[RollupRowOut] = Field(default_factory=list)


# --- helpers ---------------------------------------------------------------------------------


class MeetingPage(Page):
    """The meetings of a page with their attendance counts, in one query for the page."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page[self.items_attribute])
        counts = selectors.tallies(items)
        for m in items:
            m.api_tally = counts[m.pk]
        page[self.items_attribute] = items
        return page


def _meetings(user: User) -> QuerySet[Meeting]:
    return selectors.visible_meetings(user).select_related("organization", "host", "recorder")


def _meeting(user: User, pk: int, action: str = VIEW) -> Meeting:
    return get_in_scope(user, _meetings(user), pk, action)


def _detail(meeting: Meeting, user: User) -> Meeting:
    members, invited = selectors.attendance_of(meeting, reasons=may_keep(user, meeting))
    detailed = cast(_Detailed, meeting)
    detailed.api_attendance = [*members, *invited]
    detailed.api_tally = selectors.tally(members, invited)
    return meeting


def _fresh(user: User, meeting: Meeting) -> Meeting:
    return _detail(_meetings(user).get(pk=meeting.pk), user)


def _org_ref(org: Organization) -> dict[str, Any]:
    return {"id": org.pk, "name": org.display_name}


def _member(user: User, org: Organization, pk: int | None, field: str) -> Person | None:
    """A host or recorder: a party member of the organisation whom the user may see."""
    if pk is None:
        return None
    person = scope(user, services.members_under(org)).filter(pk=pk).first()
    if person is None:
        raise ValidationError(
            {
                field: [
                    _("Choose a party member of %(org)s (person id %(id)s is not one).")
                    % {"org": org.display_name, "id": pk}
                ]
            }
        )
    return person


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """Choices as the plain strings the models store."""
    return {k: v.value if isinstance(v, Enum) else v for k, v in data.items()}


def _renamed(exc: ValidationError, **names: str) -> ValidationError:
    """The services name model fields (person); clients send ids (person_id)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})


def _row(meeting: Meeting, person_id: int) -> Attendance:
    """The person's row on the meeting's list (404 when they are not on it)."""
    row = meeting.attendances.select_related("person", "meeting__organization").filter(person_id=person_id).first()
    if row is None:
        raise Http404
    return row


def _cells(req: selectors.Requirement) -> list[dict[str, Any]]:
    return [
        {
            "period": c.span.label,
            "start": c.span.first_day,
            "end": c.span.last_day,
            "held": c.held,
            "planned": c.planned,
            "state": c.state,
            "state_label": c.state_label,
        }
        for c in req.cells
    ]


# --- operations ------------------------------------------------------------------------------


@router.get("/meetings", response={200: list[MeetingOut], **ERRORS})
@paginate(MeetingPage)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> QuerySet:
    """The meetings the caller may see, newest first, narrowed as on the meeting list page (the
    same filter: an organisation outside the caller's reach narrows to nothing)."""
    qs, _filters = register.filtered(actor(request), filters.model_dump())
    return qs.select_related("organization", "host", "recorder")


@router.get("/meetings/calendar", response={200: CalendarOut, **ERRORS})
def meeting_calendar(
    request: HttpRequest,
    org: Annotated[
        Id | None,
        Query(description="A branch (its calendar) or a committee (the roll-up of its branches). Defaults to yours."),
    ] = None,
    year: int | None = Query(None, ge=2000, le=2100, description="Defaults to this year."),
) -> dict[str, Any]:
    """The compliance calendar (三会一课) of a branch, or for a committee a row per branch under
    it, from the same counts: a branch's row always agrees with its own calendar."""
    user = actor(request)
    today = timezone.localdate()
    year = year or today.year
    if org is not None:
        organization = selectors.calendar_orgs(user).filter(pk=org).first()
        if organization is None:
            raise Http404  # outside the caller's meeting roles
    else:
        organization = selectors.default_org(user)
        if organization is None:
            raise Http404
    out: dict[str, Any] = {"organization": _org_ref(organization), "year": year, "today": today}
    if organization.kind in rules.CALENDAR_ORG_KINDS:
        cal = selectors.calendar(organization, year, today)
        out["view"] = "calendar"
        out["last_held"] = cal.last_held
        out["requirements"] = [
            {
                "key": r.key,
                "label": r.label,
                "organization": _org_ref(r.org),
                "period": r.rule.period,
                "period_label": r.rule.period_label,
                "times": r.rule.times,
                "cells": _cells(r),
            }
            for r in cal.requirements
        ]
    else:
        out["view"] = "rollup"
        out["rows"] = [
            {
                "organization": _org_ref(c.org),
                "overdue": len(c.overdue),
                "due_now": len(c.due_now),
                "met": c.met,
                "ended": c.ended,
                "last_held": c.last_held,
            }
            for c in selectors.rollup(organization, year, today)
        ]
    return out


@router.get("/meetings/{id}", response={200: MeetingDetailOut, **ERRORS})
def get_meeting(request: HttpRequest, id: Id) -> Meeting:
    """One meeting with its minutes and its attendance, members and invited non-members apart."""
    user = actor(request)
    return _detail(_meeting(user, id), user)


@router.post("/meetings", response={201: MeetingDetailOut, **ERRORS})
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status:
    """Plan a meeting, or record one held (not on a future date). Its expected attendees follow
    from the organisation, the kind and the date. 404 for an organisation where the caller may
    not plan meetings."""
    user = actor(request)
    # meeting_orgs are those where the caller may keep meetings; anywhere else is as if missing.
    org = get_in_scope(user, selectors.meeting_orgs(user), payload.organization_id)
    fields = _plain(payload.model_dump(exclude={"organization_id", "host_id", "recorder_id"}))
    fields["host"] = _member(user, org, payload.host_id, "host_id")
    fields["recorder"] = _member(user, org, payload.recorder_id, "recorder_id")
    meeting = create_in_scope(user, lambda: services.plan_meeting(actor=user, organization=org, **fields))
    return Status(201, _fresh(user, meeting))


@router.patch("/meetings/{id}", response={200: MeetingDetailOut, **ERRORS})
def update_meeting(request: HttpRequest, id: Id, payload: MeetingPatch) -> Meeting:
    """Change a meeting: reschedule, record it as held, cancel it, write the minutes. Send only
    what changes."""
    user = actor(request)
    meeting = _meeting(user, id, CHANGE)
    data = changed_only(meeting, _plain(payload.model_dump(exclude_unset=True)), "host_id", "recorder_id")
    for name in ("host", "recorder"):
        if f"{name}_id" in data:
            data[name] = _member(user, meeting.organization, data.pop(f"{name}_id"), f"{name}_id")
    services.update_meeting(actor=user, meeting=meeting, **data)
    return _fresh(user, meeting)


# Declared before PUT /meetings/{id}/attendance/{person_id}, whose {person_id} would otherwise
# take "all-present".
@router.post("/meetings/{id}/attendance/all-present", response={200: AllPresentOut, **ERRORS})
def mark_all_present(request: HttpRequest, id: Id) -> dict[str, Any]:
    """Every member expected and not on leave is marked present; then mark the exceptions."""
    user = actor(request)
    meeting = _meeting(user, id, CHANGE)
    marked = services.mark_all_present(actor=user, meeting=meeting)
    return {"marked": marked, "meeting": _fresh(user, meeting)}


@router.put("/meetings/{id}/attendance/{person_id}", response={200: AttendanceOut, **ERRORS})
def set_attendance(request: HttpRequest, id: Id, person_id: Id, payload: AttendanceIn) -> Attendance:
    """Mark one person on the meeting's list present, on leave (with a reason) or absent."""
    user = actor(request)
    meeting = _meeting(user, id, CHANGE)
    row = _row(meeting, person_id)
    return services.set_attendance(actor=user, attendance=row, state=payload.state.value, reason=payload.reason)


@router.post("/meetings/{id}/invitations", response={201: AttendanceOut, **ERRORS})
def invite(request: HttpRequest, id: Id, payload: InvitationIn) -> Status:
    """Invite a non-member (a person of an enterprise the organisation covers); counted apart
    from the members."""
    user = actor(request)
    meeting = _meeting(user, id, CHANGE)
    person = visible_people(user).filter(pk=payload.person_id).first()
    if person is None:
        raise ValidationError(
            {
                "person_id": [
                    _("There is no %(thing)s with id %(id)s that you have access to.")
                    % {"thing": Person._meta.verbose_name, "id": payload.person_id}
                ]
            }
        )
    try:
        services.invite(actor=user, meeting=meeting, person=person)
    except ValidationError as exc:
        raise _renamed(exc, person="person_id") from None
    return Status(201, _row(meeting, person.pk))


@router.delete("/meetings/{id}/invitations/{person_id}", response={204: None, **ERRORS})
def uninvite(request: HttpRequest, id: Id, person_id: Id) -> Status:
    """Take an invited non-member off the list (members expected cannot be)."""
    user = actor(request)
    meeting = _meeting(user, id, CHANGE)
    services.uninvite(actor=user, attendance=_row(meeting, person_id))
    return Status(204, None)
