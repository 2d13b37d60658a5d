"""Writes of branch life: plan and record meetings, mark attendance, invite non-members, let a
member check in from the meeting's QR code, keep attachments and the local frequency rules.

Every function is keyword-only, runs in one audited transaction (audit.write_transaction) and
explains a refusal with a ValidationError in the user's language.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.access import selectors as roles
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.birthdays.selectors import cohort_people
from dangjian.choices import PoliticalStatus
from dangjian.files import store_sealed
from dangjian.jobs.services import record_export
from dangjian.notifications import services as notifications
from dangjian.notifications.models import Kind
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import orgs_under
from dangjian.people import selectors as people
from dangjian.people.models import Person
from dangjian.text import refuse_nul

from . import rules
from .models import Attendance, FrequencyRule, Meeting, MeetingAttachment, MeetingKind

if TYPE_CHECKING:
    from dangjian.access.models import User

MEMBER_STATUSES = (PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL)
EDITABLE: tuple[str, ...] = ("kind", "status", "held_on", "starts_at", "place", "topic", "host", "recorder")
EDITABLE += ("minutes", "materials", "hours", "note", "all_members")


# --- who is expected ------------------------------------------------------------------------------


def members_under(org: Organization, on: dt.date | None = None) -> QuerySet[Person]:
    """The party members (probationary and full) of an organisation and everything below it;
    with `on`, only those who were already members there that day (a meeting recorded after the
    fact does not expect someone admitted or transferred in since)."""
    return people.members_in_orgs(orgs_under(org.path), on)


def committee_of(org: Organization) -> QuerySet[Person]:
    """The branch committee (支委会): the people holding the secretary's or a committee member's role."""
    return people.people_with_pks(roles.committee_person_ids(org))


def has_committee(org: Organization) -> bool:
    return roles.has_committee(org)


def expected_people(org: Organization, kind: str, on: dt.date, all_members: bool = False) -> QuerySet[Person]:
    """Who a meeting of `kind` expects: the committee for its meeting, the birthday cohort for a
    collective political birthday (every member when it is `all_members`', as on 28 June),
    otherwise every member of the organisation (a party group's meeting: the group's)."""
    if kind == MeetingKind.COMMITTEE:
        return committee_of(org)
    if kind == MeetingKind.CELEBRATION and not all_members:
        return cohort_people(org, on)
    return members_under(org, on)


def invitable_people(org: Organization) -> QuerySet[Person]:
    """Non-members the organisation may invite: the people of the enterprises it covers."""
    return people.non_members_employed_in(orgs_under(org.path))


def _sync_expected(meeting: Meeting, actor: User | None) -> None:
    """Bring the expected attendees in line with the organisation, kind and date. Rows someone
    already marked (present, on leave with a reason, checked in) stay. One audit event names
    who was put on the list and who was taken off."""
    expected = set(
        expected_people(meeting.organization, meeting.kind, meeting.held_on, meeting.all_members).values_list(
            "pk", flat=True
        )
    )
    rows = {a.person_id: a for a in meeting.attendances.all()}
    added = sorted(expected - set(rows))
    Attendance.objects.bulk_create([Attendance(meeting=meeting, person_id=pk) for pk in added], batch_size=500)
    stale = [
        a.pk
        for pk, a in rows.items()
        if pk not in expected
        and not a.invited
        and a.state == Attendance.State.ABSENT
        and not a.reason
        and a.checked_in_at is None
    ]
    Attendance.objects.filter(pk__in=stale).delete()
    if added or stale:
        gone = set(stale)
        removed = [pk for pk, a in rows.items() if a.pk in gone]
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=meeting,
            changes={
                "expected_added": added[:500],
                "expected_removed": removed[:500],
                "counts": [len(added), len(removed)],
            },
        )


def _settle(meeting: Meeting) -> None:
    """Recompute the quorum cache from the attendance."""
    members = meeting.attendances.filter(invited=False)
    ok = rules.quorate(meeting.kind, members.filter(state=Attendance.State.PRESENT).count(), members.count())
    if ok != meeting.quorate:
        meeting.quorate = ok
        Meeting.objects.filter(pk=meeting.pk).update(quorate=ok)


# --- validation ----------------------------------------------------------------------------------


def clean_meeting(
    *,
    organization: Organization,
    kind: str,
    status: str,
    held_on: dt.date,
    topic: str,
    hours: Decimal | None = None,
    place: str = "",
    minutes: str = "",
    materials: str = "",
    note: str = "",
    today: dt.date | None = None,
    check_kind: bool = True,
    **_ignored: Any,
) -> None:
    today = today or timezone.localdate()
    refuse_nul(topic=topic, place=place, minutes=minutes, materials=materials, note=note)
    errors: dict[str, list[str]] = {}
    allowed = rules.kinds_for(organization.kind, has_committee(organization))
    if check_kind and kind not in allowed:
        if kind == MeetingKind.COMMITTEE and organization.kind in rules.CALENDAR_ORG_KINDS:
            msg = _(
                "%(org)s has no committee on record: give its committee members their role first, "
                "or record this as another kind of meeting."
            )
        elif kind == MeetingKind.GROUP:
            msg = _("A party group meeting is held by a party group: choose the group, not %(org)s.")
        elif not allowed:
            msg = _("%(org)s does not hold meetings here: choose a branch or a party group.")
        else:
            msg = _("A party group holds party group meetings and learning sessions only.")
        errors["kind"] = [msg % {"org": organization.display_name}]
    if status == Meeting.Status.HELD and held_on > today:
        errors["held_on"] = [_("A meeting cannot be recorded as held on a future date; plan it instead.")]
    if not (topic or "").strip():
        errors["topic"] = [_("Give the meeting a topic.")]
    if hours is not None and hours <= 0:
        errors["hours"] = [_("Hours must be more than zero, or left empty.")]
    if errors:
        raise ValidationError(errors)


# --- meetings ----------------------------------------------------------------------------------


@audit.write_transaction
def plan_meeting(
    *,
    actor: User | None,
    organization: Organization,
    kind: str,
    held_on: dt.date,
    topic: str,
    status: str = Meeting.Status.PLANNED,
    starts_at: dt.time | None = None,
    place: str = "",
    host: Person | None = None,
    recorder: Person | None = None,
    minutes: str = "",
    materials: str = "",
    hours: Decimal | None = None,
    note: str = "",
    all_members: bool = False,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> Meeting:
    """Create a meeting (planned, or recorded after the fact as held) with its expected attendees."""
    fields: dict[str, Any] = dict(
        kind=kind, status=status, held_on=held_on, starts_at=starts_at, place=place, topic=topic.strip()
    )
    fields.update(host=host, recorder=recorder, minutes=minutes, materials=materials, hours=hours, note=note)
    fields["all_members"] = all_members and kind == MeetingKind.CELEBRATION
    clean_meeting(organization=organization, **fields)
    meeting = Meeting.objects.create(
        organization=organization,
        checkin_token=secrets.token_urlsafe(16),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    audit.record_create(actor, meeting)
    _sync_expected(meeting, actor)
    _settle(meeting)
    store_sealed(MeetingAttachment, attachments, actor, meeting=meeting)
    if meeting.status == Meeting.Status.PLANNED and meeting.held_on >= timezone.localdate():
        _tell_attendees(actor, meeting, "planned")
    return meeting


# What the expected and invited are told at once: a meeting planned, moved, or called off.
_TOLD = {
    "planned": (gettext_lazy("Meeting planned: %(topic)s"), gettext_lazy("%(org)s, %(when)s%(place)s.")),
    "changed": (gettext_lazy("Meeting changed: %(topic)s"), gettext_lazy("Now %(when)s%(place)s, %(org)s.")),
    "cancelled": (
        gettext_lazy("Meeting called off: %(topic)s"),
        gettext_lazy("%(org)s, %(when)s: it will not take place."),
    ),
}


def _tell_attendees(actor: User | None, meeting: Meeting, what: str) -> None:
    people_ids = meeting.attendances.values_list("person_id", flat=True)
    title, body = _TOLD[what]
    when = meeting.held_on.isoformat() + (f" {meeting.starts_at:%H:%M}" if meeting.starts_at else "")

    def texts() -> tuple[str, str]:
        values = {
            "topic": meeting.topic,
            "org": meeting.organization.display_name,
            "when": when,
            "place": f" · {meeting.place}" if meeting.place else "",
        }
        return str(title) % values, str(body) % values

    notifications.notify_event(
        actor=actor,
        users=roles.users_of_people(people_ids),
        kind=Kind.MEETING,
        key=f"meeting:{meeting.pk}:{what}:{when}:{meeting.place}",
        url=reverse("branchlife:detail", args=[meeting.pk]),
        texts=texts,
        about=meeting,
    )


@audit.write_transaction
def update_meeting(
    *, actor: User, meeting: Meeting, attachments: Sequence[tuple[str, bytes, str]] = (), **changes: Any
) -> Meeting:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    before = audit.snapshot(meeting)
    for name, value in changes.items():
        setattr(meeting, name, value.strip() if name == "topic" else value)
    new_kind = meeting.kind != before["kind"]
    if new_kind and meeting.attendances.exclude(state=Attendance.State.ABSENT, checked_in_at__isnull=True).exists():
        # Marks made for one kind (a general meeting's 30 present) must not count for another (a
        # committee's quorum).
        raise ValidationError(
            {
                "kind": [
                    _("Attendance is already marked: the kind cannot change. Cancel this meeting and record a new one.")
                ]
            }
        )
    clean_meeting(
        organization=meeting.organization,
        check_kind=new_kind,  # an old committee meeting stays editable after the committee changed
        **{n: getattr(meeting, n) for n in EDITABLE},
    )
    meeting.save()
    audit.record_update(actor, meeting, before)
    if new_kind or meeting.held_on.isoformat() != before["held_on"] or meeting.all_members != before["all_members"]:
        _sync_expected(meeting, actor)
    _settle(meeting)
    store_sealed(MeetingAttachment, attachments, actor, meeting=meeting)
    moved = (
        meeting.held_on.isoformat() != before["held_on"]
        or meeting.place != before["place"]
        or _time(meeting.starts_at) != _time(before["starts_at"])
    )
    if meeting.status == Meeting.Status.CANCELLED and before["status"] != Meeting.Status.CANCELLED:
        _tell_attendees(actor, meeting, "cancelled")
    elif meeting.status == Meeting.Status.PLANNED and meeting.held_on >= timezone.localdate() and moved:
        _tell_attendees(actor, meeting, "changed")
    return meeting


def _time(value: Any) -> str:
    """A meeting's time as the audit snapshot keeps it (HH:MM[:SS]) or as set, compared by HH:MM."""
    return str(value)[:5] if value else ""


# --- attendance -----------------------------------------------------------------------------------


def _refuse_if_cancelled(meeting: Meeting) -> None:
    # Asked of the database: the caller's copy of the meeting may predate its cancellation.
    if Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.CANCELLED).exists():
        raise ValidationError(_("This meeting was cancelled: its attendance can no longer be changed."))


def _refuse_presence_ahead(meeting: Meeting) -> None:
    """Nobody is present at a meeting that has not begun: presence is marked from its day on.
    Leave may be granted ahead (a member asks before the meeting), and undone."""
    if meeting.held_on > timezone.localdate():
        raise ValidationError(
            _("This meeting is on %(day)s: presence is marked from that day on. Leave can be recorded ahead.")
            % {"day": meeting.held_on.isoformat()}
        )


@audit.write_transaction
def set_attendance(*, actor: User | None, attendance: Attendance, state: str, reason: str = "") -> Attendance:
    # The row as stored, locked: two taps at once must each audit what they really changed.
    attendance = Attendance.objects.select_for_update().select_related("meeting__organization").get(pk=attendance.pk)
    _refuse_if_cancelled(attendance.meeting)
    if state not in Attendance.State.values:
        raise ValidationError({"state": [_("Choose present, on leave or absent.")]})
    if state == Attendance.State.PRESENT:
        _refuse_presence_ahead(attendance.meeting)
    reason = (reason or "").strip()
    refuse_nul(reason=reason)
    if state == Attendance.State.LEAVE and not reason:
        raise ValidationError({"reason": [_("Leave is granted for a reason: write it down (e.g. “night shift”).")]})
    before = audit.snapshot(attendance)
    attendance.state = state
    attendance.reason = reason if state == Attendance.State.LEAVE else ""
    attendance.save(update_fields=["state", "reason", "updated_at"])
    audit.record_update(actor, attendance, before)
    _settle(attendance.meeting)
    return attendance


@audit.write_transaction
def mark_all_present(*, actor: User | None, meeting: Meeting) -> int:
    """Everyone expected and not on leave is marked present: the quick start on a phone, then
    the exceptions are marked one by one."""
    _refuse_if_cancelled(meeting)
    _refuse_presence_ahead(meeting)
    rows = meeting.attendances.filter(invited=False, state=Attendance.State.ABSENT)
    names = list(rows.values_list("person__name", flat=True))
    count = rows.update(state=Attendance.State.PRESENT, reason="", updated_at=timezone.now())
    if count:
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=meeting,
            changes={"attendance": ["absent", "present"], "people": count, "names": names[:200]},
        )
    _settle(meeting)
    return count


@audit.write_transaction
def invite(*, actor: User | None, meeting: Meeting, person: Person) -> Attendance:
    """Invite a non-member ("when the branch meeting is held, we invite the masses"): counted
    apart from the members, never as member attendance."""
    _refuse_if_cancelled(meeting)
    if person.political_status in MEMBER_STATUSES:
        raise ValidationError(
            {"person": [_("%(name)s is a party member: members are expected, not invited.") % {"name": person.name}]}
        )
    if not invitable_people(meeting.organization).filter(pk=person.pk).exists():
        raise ValidationError(
            {"person": [_("%(name)s does not work at an enterprise this organisation covers.") % {"name": person.name}]}
        )
    if meeting.attendances.filter(person=person).exists():
        raise ValidationError({"person": [_("%(name)s is already on the list.") % {"name": person.name}]})
    attendance = Attendance.objects.create(meeting=meeting, person=person, invited=True)
    audit.record_create(actor, attendance)
    return attendance


@audit.write_transaction
def uninvite(*, actor: User, attendance: Attendance) -> None:
    if not attendance.invited:
        raise ValidationError(_("Only an invited non-member can be taken off the list."))
    _refuse_if_cancelled(attendance.meeting)
    before, pk, path = audit.snapshot(attendance), attendance.pk, attendance.audit_org_path()
    attendance.delete()
    audit.record_delete(actor, attendance, before, pk, path)


def checkin_code(meeting: Meeting, now: dt.datetime | None = None) -> str:
    """The code the secretary's screen shows now (rules.checkin_code); the secret stays here."""
    return rules.checkin_code(meeting.checkin_token, meeting.pk, rules.checkin_step(now or timezone.now()))


def check_in_refusal(meeting: Meeting, person: Person | None, code: str, now: dt.datetime | None = None) -> str:
    """Why `person` may not check in with `code`, or "" when they may."""
    now = now or timezone.now()
    state = rules.checkin_code_state(meeting.checkin_token, meeting.pk, code, now)
    if state == rules.CODE_EXPIRED:
        return _("This code has expired — scan the code on the screen in the room again.")
    if state != rules.CODE_VALID:
        return _("This check-in link is not valid: scan the code shown at the meeting.")
    if meeting.status == Meeting.Status.CANCELLED:
        return _("This meeting was cancelled.")
    if meeting.held_on != timezone.localdate(now):
        return _("Check-in is open on the day of the meeting only (%(day)s).") % {"day": meeting.held_on.isoformat()}
    if person is None or not meeting.attendances.filter(person=person).exists():
        return _("You are not on this meeting's list. Ask the recorder to add you.")
    return ""


@audit.write_transaction
def check_in(*, actor: User, meeting: Meeting, code: str, now: dt.datetime | None = None) -> Attendance:
    """A member (or invited guest) marks themself present by scanning the QR code on the screen
    in the room; the code in its link changes every minute (rules.checkin_code_state)."""
    person = getattr(actor, "person", None)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)  # as stored: perhaps cancelled since
    refusal = check_in_refusal(meeting, person, code, now)
    if refusal:
        raise ValidationError(refusal)
    attendance = meeting.attendances.get(person=person)
    if attendance.state != Attendance.State.PRESENT or attendance.checked_in_at is None:
        before = audit.snapshot(attendance)
        attendance.state = Attendance.State.PRESENT
        attendance.reason = ""
        attendance.checked_in_at = timezone.now()
        attendance.save(update_fields=["state", "reason", "checked_in_at", "updated_at"])
        audit.record_update(actor, attendance, before)
        _settle(meeting)
    return attendance


# --- attachments -------------------------------------------------------------------------------


def register_exported(
    *, actor: User, name: str, meetings: int, rows: int, org_path: str, job_id: int | None = None, output: Any = None
) -> None:
    """The meeting register (台账) left the platform as a file; with `job_id`, the file is kept on
    that job for its requester (sealed, jobs.services.Output)."""
    record_export(
        actor=actor,
        object_type="branchlife.register",
        name=name,
        changes={"meetings": meetings, "attendance_rows": rows},
        org_path=org_path,
        job_id=job_id,
        output=output,
    )


def meeting_printed(*, actor: User, meeting: Meeting, kind: str, name: str) -> None:
    """A meeting's sign-in sheet or minutes left the platform as a PDF (names, leave reasons)."""
    record_export(
        actor=actor,
        object_type="branchlife.Meeting",
        object_id=meeting.pk,
        name=name,
        changes={"printed": kind},
        org_path=meeting.organization.path,
    )


def rollup_exported(*, actor: User, name: str, organizations: int, org: Organization, year: int) -> None:
    """A committee's meetings roll-up left the platform as a file (no person in it: recorded as
    the register is, so every download of the branches' record shows in the log)."""
    record_export(
        actor=actor,
        object_type="branchlife.rollup",
        object_id=org.pk,
        name=name,
        changes={"year": year, "rows": organizations},
        org_path=org.path,
    )


# --- frequency rules -----------------------------------------------------------------------------


def _resolve(chains: dict[Any, list[int]]) -> dict[Any, dict[str, rules.Rule]]:
    """Per key, the rules along its chain of organisation ids (root first): for each kind the
    nearest row wins, then the default row, then the regulations' default. One query."""
    ids = {pk for chain in chains.values() for pk in chain}
    rows = FrequencyRule.objects.filter(Q(organization__isnull=True) | Q(organization_id__in=ids))
    by_org: dict[int | None, dict[str, rules.Rule]] = {}
    for r in rows:
        by_org.setdefault(r.organization_id, {})[r.kind] = rules.Rule(r.kind, r.period, r.times, r.day_of_month)
    out: dict[Any, dict[str, rules.Rule]] = {}
    for key, chain in chains.items():
        resolved: dict[Any, rules.Rule] = {**rules.DEFAULT_RULES, **by_org.get(None, {})}
        for pk in chain:
            resolved.update(by_org.get(pk, {}))
        out[key] = resolved
    return out


def rules_for(orgs: Sequence[Organization]) -> dict[int, dict[str, rules.Rule]]:
    """Each organisation's meeting rules, its own row or its nearest ancestor's per kind."""
    return _resolve({org.pk: org.path_ids() for org in orgs})


def rules_above(org: Organization) -> dict[str, rules.Rule]:
    """The rules `org` would follow without rows of its own: what its settings page starts from."""
    return _resolve({org.pk: org.ancestor_ids()})[org.pk]


@audit.write_transaction
def save_rule(
    *,
    actor: User | None,
    organization: Organization,
    kind: str,
    period: str,
    times: int,
    day_of_month: int | None = None,
) -> FrequencyRule:
    """Set how often `kind` is due under a committee. The regulations' minimum cannot be lowered."""
    if kind not in rules.SCHEDULED_KINDS:
        raise ValidationError({"kind": [_("This kind of meeting has no required frequency.")]})
    rule = rules.Rule(kind, period, times, day_of_month)
    # The regulations' minimum, or what a committee above already asked beyond it: neither can be
    # undone below (a park may not loosen its county's stricter rule).
    floor = rules_above(organization)[kind] if organization is not None else rules.DEFAULT_RULES[kind]
    if kind in rules.REGULATED and rules.looser_than(rule, floor):
        raise ValidationError(
            _(
                "A %(kind)s is required at least %(times)d time(s) every %(period)s here, by the "
                "regulations or a committee above: you may ask for more, not less."
            )
            % {"kind": MeetingKind(kind).label, "times": floor.times, "period": floor.period_label}
        )
    if day_of_month is not None and kind != MeetingKind.THEME_DAY:
        raise ValidationError({"day_of_month": [_("Only the theme party day is held on a fixed day.")]})
    row = FrequencyRule.objects.filter(organization=organization, kind=kind).first()
    if row is None:
        row = FrequencyRule.objects.create(
            organization=organization, kind=kind, period=period, times=times, day_of_month=day_of_month
        )
        audit.record_create(actor, row)
        return row
    before = audit.snapshot(row)
    row.period, row.times, row.day_of_month = period, times, day_of_month
    row.save()
    audit.record_update(actor, row, before)
    return row


@audit.write_transaction
def reset_rule(*, actor: User, organization: Organization, kind: str) -> bool:
    """Drop a committee's own rule: the one above it applies again."""
    row = FrequencyRule.objects.filter(organization=organization, kind=kind).first()
    if row is None:
        return False
    before, pk = audit.snapshot(row), row.pk
    row.delete()
    audit.record_delete(actor, row, before, pk, organization.path)
    return True


# --- Seed data in bulk (added by the demo, issue 13) ---------------------------------------------


@audit.write_transaction
def record_meetings_in_bulk(
    *, meetings: list[Meeting], attendance: list[list[Attendance]], label: str, org_path: str, orgs: int
) -> int:
    """Write many held meetings with their attendance rows at once — seed data (the demo's other
    branches, the load test's history), not a user's records — with one audit event for the lot,
    described as `label`'s. `attendance[i]` are the rows of `meetings[i]`. Returns the attendance
    rows written."""
    Meeting.objects.bulk_create(meetings, batch_size=500)
    rows = []
    for meeting, attendees in zip(meetings, attendance, strict=True):
        for row in attendees:
            row.meeting = meeting
            rows.append(row)
    Attendance.objects.bulk_create(rows, batch_size=1000)
    audit.record(
        actor=None,
        action=Action.CREATE,
        object_type="branchlife.Meeting",
        object_repr=f"{label}: {len(meetings)} meetings of {orgs} organisations",
        changes={"meetings": len(meetings), "attendance": len(rows)},
        org_path=org_path,
    )
    return len(rows)
