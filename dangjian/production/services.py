"""Writes of party building in production: teams taken in charge and handed over, pairings and
their notes, posts (proposed, recognised, suspended, ended), courses with their sessions,
attendance and assessments, and a committee's local settings.

Every function is keyword-only, runs in one audited transaction (audit.write_transaction) and
explains a refusal with a ValidationError in the user's language, naming what to change.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.access import selectors as roles
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.choices import PARTY_MEMBER_STATUSES, PoliticalStatus
from dangjian.notifications import services as notifications
from dangjian.notifications.models import Kind
from dangjian.organizations.models import Enterprise, Organization, OrgKind, ProductionUnit, UnitKind
from dangjian.people.crypto import seal_bytes
from dangjian.people.models import Person
from dangjian.text import refuse_nul

from . import selectors
from .models import (
    Course,
    Pairing,
    PairingNote,
    Partner,
    Post,
    PostStatus,
    ProductionConfig,
    Purpose,
    Result,
    Session,
    SessionAttendance,
    TeamCharge,
    Trainee,
)

if TYPE_CHECKING:
    from dangjian.access.models import User

PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_PHOTO_BYTES = 2 * 1024 * 1024


def _refuse_period(started_on: dt.date, ended_on: dt.date | None, field: str = "ended_on") -> None:
    if ended_on is not None and ended_on < started_on:
        raise ValidationError(
            {
                field: [
                    _("The end (%(end)s) is before the start (%(start)s): give an end on or after the start.")
                    % {"end": ended_on.isoformat(), "start": started_on.isoformat()}
                ]
            }
        )


def _in_org(person: Person, org: Organization) -> bool:
    """Whether `person` is a party member of `org` or of an organisation below it (a party group)."""
    return (
        person.political_status in PARTY_MEMBER_STATUSES
        and person.party_org is not None
        and person.party_org.path.startswith(org.path)
    )


def _refuse_not_member(person: Person, org: Organization, field: str, *, full_only: bool = False) -> None:
    if full_only and person.political_status != PoliticalStatus.FULL:
        raise ValidationError(
            {field: [_("%(name)s is not a full member: only a full member may do this.") % {"name": person.name}]}
        )
    if not _in_org(person, org):
        raise ValidationError(
            {
                field: [
                    _("%(name)s is not a party member of %(org)s: choose one of its members.")
                    % {"name": person.name, "org": org.display_name}
                ]
            }
        )


def _refuse_other_enterprise(person: Person, enterprise_id: int, enterprise_name: str, field: str) -> None:
    if person.employer_id != enterprise_id:
        raise ValidationError(
            {
                field: [
                    _("%(name)s is not an employee of %(enterprise)s: only its own employees can be chosen here.")
                    % {"name": person.name, "enterprise": enterprise_name}
                ]
            }
        )


def _keeping_org(organization: Organization) -> None:
    if organization.kind not in selectors.BRANCH_KINDS:
        raise ValidationError(
            _("%(org)s is not a branch: a branch (or an enterprise's committee) keeps this work; choose it instead.")
            % {"org": organization.display_name}
        )


def _no_employer(person: Person, field: str) -> ValidationError:
    return ValidationError(
        {field: [_("%(name)s has no employer on record: record where they work first.") % {"name": person.name}]}
    )


def _refuse_uncovered(organization: Organization, enterprise_id: int, name: str, field: str) -> None:
    """A branch keeps the work of the enterprises it covers only: a member of it who works
    elsewhere (their employer changed, their membership not yet transferred) pairs, holds a post
    or trains there for that enterprise's own organisation, not for this one."""
    if not selectors.covers_enterprise(organization, enterprise_id):
        enterprise = Enterprise.objects.get(pk=enterprise_id)
        raise ValidationError(
            {
                field: [
                    _("%(team)s belongs to %(enterprise)s, which %(org)s does not cover.")
                    % {"team": name, "enterprise": enterprise.display_name, "org": organization.display_name}
                ]
            }
        )


# --- teams in charge (包联) -------------------------------------------------------------------------


def _refuse_overlap(actor: User | None, team: ProductionUnit, started_on: dt.date, ended_on: dt.date | None) -> None:
    """Two members never have one team in charge on the same day. A charge whose member left
    (selectors.lapsed_charges, not yet closed by the daily run) ends the day before."""
    for old in selectors.lapsed_charges().filter(team=team, started_on__lt=started_on):
        end_charge(
            actor=actor, charge=old, ended_on=started_on - dt.timedelta(days=1), reason=TeamCharge.EndReason.LEFT
        )
    other = (
        TeamCharge.objects.filter(selectors.overlapping(started_on, ended_on), team=team)
        .select_related("member")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "team": [
                    _(
                        "%(team)s is already in the charge of %(name)s from %(start)s%(end)s: end that charge or "
                        "hand it over first."
                    )
                    % {
                        "team": team.display_name,
                        "name": other.member.name,
                        "start": other.started_on.isoformat(),
                        "end": f" {_('until')} {other.ended_on.isoformat()}" if other.ended_on else "",
                    }
                ]
            }
        )


@audit.write_transaction
def take_charge(
    *,
    actor: User | None,
    organization: Organization,
    team: ProductionUnit,
    member: Person,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    group: Organization | None = None,
) -> TeamCharge:
    """The branch puts a team in the charge of one of its members (or of a party group led by one)."""
    _keeping_org(organization)
    if team.kind != UnitKind.TEAM:
        raise ValidationError(
            {"team": [_("%(unit)s is a workshop: choose one of its teams.") % {"unit": team.display_name}]}
        )
    _refuse_uncovered(organization, team.enterprise_id, team.display_name, "team")
    _refuse_not_member(member, organization, "member")
    _refuse_other_enterprise(member, team.enterprise_id, team.enterprise.display_name, "member")
    if group is not None and (group.kind != OrgKind.PARTY_GROUP or not group.path.startswith(organization.path)):
        raise ValidationError({"group": [_("Choose a party group of %(org)s.") % {"org": organization.display_name}]})
    if group is not None and not _in_org(member, group):
        raise ValidationError(
            {
                "member": [
                    _("%(name)s is not in %(group)s: the lead of a group's charge is one of its members.")
                    % {"name": member.name, "group": group.display_name}
                ]
            }
        )
    _refuse_period(started_on, ended_on)
    _refuse_overlap(actor, team, started_on, ended_on)
    charge = TeamCharge.objects.create(
        organization=organization,
        enterprise_id=team.enterprise_id,
        team=team,
        member=member,
        group=group,
        started_on=started_on,
        ended_on=ended_on,
    )
    audit.record_create(actor, charge)
    return charge


@audit.write_transaction
def end_charge(
    *, actor: User | None, charge: TeamCharge, ended_on: dt.date, reason: str = TeamCharge.EndReason.ENDED
) -> TeamCharge:
    charge = TeamCharge.objects.select_for_update().get(pk=charge.pk)
    if charge.ended_on is not None:
        raise ValidationError(_("This charge already ended on %(day)s.") % {"day": charge.ended_on.isoformat()})
    _refuse_period(charge.started_on, ended_on)
    audit.update_model(actor=actor, instance=charge, data={"ended_on": ended_on, "end_reason": reason}, clean=False)
    return charge


@audit.write_transaction
def hand_over(*, actor: User | None, charge: TeamCharge, member: Person, on: dt.date) -> TeamCharge:
    """The team passes to another member from `on`: the old charge ends the day before, so the
    team is never uncovered and never covered twice."""
    if on <= charge.started_on:
        raise ValidationError(
            {
                "on": [
                    _("A hand-over is after the charge began (%(start)s): choose a later day.")
                    % {"start": charge.started_on.isoformat()}
                ]
            }
        )
    end_charge(actor=actor, charge=charge, ended_on=on - dt.timedelta(days=1), reason=TeamCharge.EndReason.HANDED_OVER)
    return take_charge(
        actor=actor,
        organization=charge.organization,
        team=charge.team,
        member=member,
        started_on=on,
        group=charge.group,
    )


_LAPSED = (
    gettext_lazy("Team no longer in charge: %(team)s"),
    gettext_lazy(
        "%(name)s left the branch or %(enterprise)s: %(team)s is uncovered from %(day)s. Put it in another member's charge."
    ),
)


@audit.write_transaction
def release_lapsed(*, today: dt.date, actor: User | None = None) -> dict[str, int]:
    """The daily run: each charge whose member has left the branch or the enterprise ends the
    day before `today` (the team is already shown uncovered, selectors.lapsed, and stays so: a
    charge ending today would cover it today again), and the branch's officers are told."""
    ended = 0
    for charge in selectors.lapsed_charges():
        end_charge(
            actor=actor,
            charge=charge,
            ended_on=max(today - dt.timedelta(days=1), charge.started_on),
            reason=TeamCharge.EndReason.LEFT,
        )
        ended += 1

        def texts(charge: TeamCharge = charge) -> tuple[str, str]:
            values = {
                "team": charge.team.display_name,
                "name": charge.member.name,
                "enterprise": charge.enterprise.display_name,
                "day": today.isoformat(),
            }
            return str(_LAPSED[0]) % values, str(_LAPSED[1]) % values

        notifications.notify_event(
            actor=actor,
            users=roles.nearest_role_holders(reversed(charge.organization.path_ids()), roles.BRANCH_OFFICER_ROLES),
            kind=Kind.PRODUCTION,
            key=f"charge:{charge.pk}:lapsed",
            url=reverse("production:page") + f"?org={charge.organization_id}",
            texts=texts,
            about=charge,
        )
    return {"charges_ended": ended}


# --- pairing (结对 1+1 / 1+N) ----------------------------------------------------------------------


def _refuse_purposes(purposes: Sequence[str]) -> list[str]:
    chosen = [p for p in Purpose.values if p in set(purposes)]
    if not chosen or len(chosen) != len(set(purposes)):
        raise ValidationError({"purposes": [_("Choose at least one purpose: skills, thinking, daily life or policy.")]})
    return chosen


@audit.write_transaction
def pair(
    *,
    actor: User | None,
    organization: Organization,
    member: Person,
    partners: Sequence[Person],
    purposes: Sequence[str],
    started_on: dt.date,
    ended_on: dt.date | None = None,
) -> Pairing:
    """A full member of the branch paired with 1 to N employees of their own enterprise."""
    _keeping_org(organization)
    _refuse_not_member(member, organization, "member", full_only=True)
    if member.employer_id is None or member.employer is None:
        raise _no_employer(member, "member")
    _refuse_uncovered(organization, member.employer_id, member.name, "member")
    chosen = _refuse_purposes(purposes)
    _refuse_period(started_on, ended_on)
    people = list({p.pk: p for p in partners}.values())
    limit = selectors.config_for(organization).max_partners
    if not people:
        raise ValidationError({"partners": [_("Choose at least one employee to pair with.")]})
    already = selectors.partners_of(member, started_on, ended_on)
    if len(people) + already > limit:
        raise ValidationError(
            {
                "partners": [
                    _("One member pairs with at most %(n)d employees here (1+%(n)d); %(chosen)d were chosen.")
                    % {"n": limit, "chosen": len(people)}
                    if not already
                    else _(
                        "One member pairs with at most %(n)d employees here (1+%(n)d): %(name)s is already paired "
                        "with %(already)d, so %(left)d more at most."
                    )
                    % {"n": limit, "name": member.name, "already": already, "left": max(limit - already, 0)}
                ]
            }
        )
    for p in people:
        if p.pk == member.pk:
            raise ValidationError({"partners": [_("A member is not paired with themselves.")]})
        _refuse_other_enterprise(p, member.employer_id, member.employer.display_name, "partners")
    busy = selectors.busy_partners([p.pk for p in people], chosen, started_on, ended_on)
    if busy:
        person_id, other_member, purpose = busy[0]
        name = next(p.name for p in people if p.pk == person_id)
        raise ValidationError(
            {
                "partners": [
                    _(
                        "%(name)s is already paired with %(member)s for “%(purpose)s”: an employee has one "
                        "pairing per purpose at a time."
                    )
                    % {"name": name, "member": other_member, "purpose": Purpose(purpose).label}
                ]
            }
        )
    pairing = Pairing.objects.create(
        organization=organization,
        enterprise_id=member.employer_id,
        member=member,
        purposes=chosen,
        started_on=started_on,
        ended_on=ended_on,
    )
    Partner.objects.bulk_create([Partner(pairing=pairing, person=p) for p in people])
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=pairing,
        changes={**audit.snapshot(pairing), "partners": [p.pk for p in people]},
    )
    return pairing


@audit.write_transaction
def end_pairing(*, actor: User | None, pairing: Pairing, ended_on: dt.date, reason: str = "") -> Pairing:
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    refuse_nul(reason=reason)
    if pairing.ended_on is not None:
        raise ValidationError(_("This pairing already ended on %(day)s.") % {"day": pairing.ended_on.isoformat()})
    _refuse_period(pairing.started_on, ended_on)
    audit.update_model(
        actor=actor, instance=pairing, data={"ended_on": ended_on, "end_reason": reason.strip()}, clean=False
    )
    return pairing


@audit.write_transaction
def add_note(
    *, actor: User | None, pairing: Pairing, author: Person, text: str, written_on: dt.date | None = None
) -> PairingNote:
    """A short dated note by the member or one of the paired employees."""
    written_on = written_on or timezone.localdate()
    refuse_nul(text=text)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write a few words on how the pairing goes.")]})
    if len(text) > 1000:
        raise ValidationError({"text": [_("A note is at most 1,000 characters; shorten it.")]})
    if author.pk != pairing.member_id and not pairing.partners.filter(person=author).exists():
        raise ValidationError(_("Only the member and the employees of a pairing write its notes."))
    if written_on > timezone.localdate():
        raise ValidationError({"written_on": [_("A note cannot be dated in the future.")]})
    if written_on < pairing.started_on or (pairing.ended_on is not None and written_on > pairing.ended_on):
        raise ValidationError(
            {
                "written_on": [
                    _("The pairing ran from %(start)s%(end)s: date the note within it.")
                    % {
                        "start": pairing.started_on.isoformat(),
                        "end": f" {_('until')} {pairing.ended_on.isoformat()}" if pairing.ended_on else "",
                    }
                ]
            }
        )
    note = PairingNote.objects.create(pairing=pairing, author=author, text=text, written_on=written_on)
    audit.record_create(actor, note)
    return note


# --- posts (党员先锋岗, 责任区, 示范岗) ------------------------------------------------------------------


def _photo(photo: tuple[str, bytes, str] | None) -> dict[str, Any]:
    if photo is None:
        return {}
    _name, data, content_type = photo
    if content_type not in PHOTO_TYPES:
        raise ValidationError({"photo": [_("The photo must be a JPEG or PNG picture.")]})
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": [_("The photo may be at most 2 MB; choose a smaller one.")]})
    return {"photo": seal_bytes(data), "photo_type": content_type}


def _clean_post(post: Post) -> None:
    refuse_nul(title=post.title, commitment=post.commitment, line=post.line)
    errors: dict[str, list[str]] = {}
    if not post.title.strip():
        errors["title"] = [_("Give the post a short title, as its sign will show it.")]
    if not post.commitment.strip():
        errors["commitment"] = [_("Write the holder's public commitment: the sign shows it.")]
    if len(post.title) > 60:
        errors["title"] = [_("A title is at most 60 characters.")]
    if len(post.commitment) > 400:
        errors["commitment"] = [_("A commitment is at most 400 characters: it must fit on the sign.")]
    if errors:
        raise ValidationError(errors)
    org = post.organization
    holder = post.holder
    allowed = selectors.config_for(org).probationary_holders
    if holder.political_status == PoliticalStatus.PROBATIONARY and not allowed:
        raise ValidationError(
            {
                "holder": [
                    _("%(name)s is a probationary member: the county allows only full members to hold a post.")
                    % {"name": holder.name}
                ]
            }
        )
    _refuse_not_member(holder, org, "holder")
    _refuse_other_enterprise(holder, post.enterprise_id, post.enterprise.display_name, "holder")
    _refuse_uncovered(org, post.enterprise_id, holder.name, "holder")
    if post.unit is not None and post.unit.enterprise_id != post.enterprise_id:
        raise ValidationError(
            {"unit": [_("Choose a workshop or team of %(enterprise)s.") % {"enterprise": post.enterprise.display_name}]}
        )
    _refuse_period(post.started_on, post.ended_on)


@audit.write_transaction
def propose_post(
    *,
    actor: User | None,
    organization: Organization,
    kind: str,
    title: str,
    holder: Person,
    commitment: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    unit: ProductionUnit | None = None,
    line: str = "",
    photo: tuple[str, bytes, str] | None = None,
) -> Post:
    """The branch proposes a post; the county recognises it (set_post_status)."""
    _keeping_org(organization)
    if holder.employer_id is None:
        raise _no_employer(holder, "holder")
    post = Post(
        organization=organization,
        enterprise_id=unit.enterprise_id if unit is not None else holder.employer_id,
        kind=kind,
        title=(title or "").strip(),
        holder=holder,
        commitment=(commitment or "").strip(),
        started_on=started_on,
        ended_on=ended_on,
        unit=unit,
        line=(line or "").strip(),
        public_key=secrets.token_urlsafe(16)[:22],
        **_photo(photo),
    )
    _clean_post(post)
    post.save()
    audit.record_create(actor, post)
    return post


POST_EDITABLE = ("kind", "title", "holder", "commitment", "started_on", "ended_on", "unit", "line")


@audit.write_transaction
def update_post(*, actor: User | None, post: Post, photo: tuple[str, bytes, str] | None = None, **changes: Any) -> Post:
    post = Post.objects.select_for_update().select_related("organization", "enterprise").get(pk=post.pk)
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items() if k in POST_EDITABLE}
    data.update(_photo(photo))
    audit.update_model(actor=actor, instance=post, data=data, clean=_clean_post)
    return post


# Which status may follow which (the county recognises; a suspension gives a reason).
POST_MOVES = {
    PostStatus.PROPOSED: {PostStatus.RECOGNISED, PostStatus.ENDED},
    PostStatus.RECOGNISED: {PostStatus.SUSPENDED, PostStatus.ENDED},
    PostStatus.SUSPENDED: {PostStatus.RECOGNISED, PostStatus.ENDED},
    PostStatus.ENDED: set(),
}


@audit.write_transaction
def set_post_status(
    *,
    actor: User | None,
    post: Post,
    status: str,
    reason: str = "",
    on: dt.date | None = None,
    recognised_by: Organization | None = None,
) -> Post:
    """Recognise (by the county: `recognised_by`), suspend with a reason, reinstate or end a post.
    Who may recognise is access's to say (permissions.may_recognise_post), asked by the caller."""
    on = on or timezone.localdate()
    refuse_nul(reason=reason)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if status not in POST_MOVES.get(PostStatus(post.status), set()):
        raise ValidationError(
            {
                "status": [
                    _("A post that is “%(now)s” cannot become “%(next)s”.")
                    % {
                        "now": post.get_status_display(),
                        "next": PostStatus(status).label if status in PostStatus.values else status,
                    }
                ]
            }
        )
    data: dict[str, Any] = {"status": status, "status_reason": (reason or "").strip()}
    if status == PostStatus.SUSPENDED and not data["status_reason"]:
        raise ValidationError({"reason": [_("Say why the post is suspended: the branch and the holder read it.")]})
    if status == PostStatus.RECOGNISED:
        if recognised_by is None:
            raise ValidationError(_("A post is recognised by a committee above its branch."))
        if post.status == PostStatus.PROPOSED:
            data.update(recognised_on=on, recognised_by=recognised_by)
    if status == PostStatus.ENDED:
        if on < post.started_on:
            raise ValidationError(
                {"on": [_("A post cannot end before it began (%(start)s).") % {"start": post.started_on.isoformat()}]}
            )
        data["ended_on"] = on
    audit.update_model(actor=actor, instance=post, data=data, clean=False)
    return post


@audit.write_transaction
def sign_printed(*, actor: User | None, post: Post) -> None:
    """Printing a sign puts the holder's name and photo on paper: recorded like any export."""
    audit.record(actor=actor, action=Action.EXPORT, obj=post, changes={"sign": post.title})


# --- member-led skills training -------------------------------------------------------------------


def _clean_course(course: Course) -> None:
    refuse_nul(title=course.title, skill=course.skill)
    errors: dict[str, list[str]] = {}
    if not course.title.strip():
        errors["title"] = [_("Give the course a title.")]
    if not course.skill.strip():
        errors["skill"] = [_("Name the skill the course teaches (e.g. quality inspection).")]
    if course.hours is None or course.hours <= 0:
        errors["hours"] = [_("Hours must be more than zero.")]
    if errors:
        raise ValidationError(errors)
    _refuse_period(course.starts_on, course.ends_on, "ends_on")
    _refuse_not_member(course.trainer, course.organization, "trainer")
    _refuse_uncovered(course.organization, course.enterprise_id, course.trainer.name, "trainer")


@audit.write_transaction
def open_course(
    *,
    actor: User | None,
    organization: Organization,
    title: str,
    skill: str,
    trainer: Person,
    starts_on: dt.date,
    ends_on: dt.date,
    hours: Decimal,
) -> Course:
    """A course led by a member of the branch, for employees of the member's enterprise."""
    _keeping_org(organization)
    if trainer.employer_id is None:
        raise _no_employer(trainer, "trainer")
    course = Course(
        organization=organization,
        enterprise_id=trainer.employer_id,
        title=(title or "").strip(),
        skill=(skill or "").strip(),
        trainer=trainer,
        starts_on=starts_on,
        ends_on=ends_on,
        hours=hours,
    )
    _clean_course(course)
    course.save()
    audit.record_create(actor, course)
    return course


@audit.write_transaction
def enrol(*, actor: User | None, course: Course, people: Sequence[Person]) -> list[Trainee]:
    """Put employees of the course's enterprise on it (those already on it stay as they are)."""
    enterprise = course.enterprise
    for p in people:
        _refuse_other_enterprise(p, course.enterprise_id, enterprise.display_name, "people")
        if p.pk == course.trainer_id:
            raise ValidationError({"people": [_("%(name)s leads this course.") % {"name": p.name}]})
    already = set(Trainee.objects.filter(course=course).values_list("person_id", flat=True))
    new = [Trainee(course=course, person=p) for p in {p.pk: p for p in people}.values() if p.pk not in already]
    Trainee.objects.bulk_create(new)
    sessions = list(Session.objects.filter(course=course).values_list("pk", flat=True))
    created = list(Trainee.objects.filter(course=course, person_id__in=[t.person_id for t in new]))
    SessionAttendance.objects.bulk_create(
        [SessionAttendance(session_id=s, trainee=t) for s in sessions for t in created]
    )
    if created:
        audit.record(
            actor=actor, action=Action.UPDATE, obj=course, changes={"enrolled": [t.person_id for t in created]}
        )
    return created


@audit.write_transaction
def hold_session(*, actor: User | None, course: Course, held_on: dt.date, hours: Decimal, topic: str = "") -> Session:
    refuse_nul(topic=topic)
    if held_on < course.starts_on or held_on > course.ends_on:
        raise ValidationError(
            {
                "held_on": [
                    _("The course runs from %(start)s to %(end)s: date the session within it.")
                    % {"start": course.starts_on.isoformat(), "end": course.ends_on.isoformat()}
                ]
            }
        )
    if hours is None or hours <= 0:
        raise ValidationError({"hours": [_("Hours must be more than zero.")]})
    session = Session.objects.create(course=course, held_on=held_on, hours=hours, topic=(topic or "").strip())
    SessionAttendance.objects.bulk_create(
        [SessionAttendance(session=session, trainee_id=t) for t in course.trainees.values_list("pk", flat=True)]
    )
    audit.record_create(actor, session)
    return session


@audit.write_transaction
def mark_attendance(*, actor: User | None, attendance: SessionAttendance, present: bool) -> SessionAttendance:
    """One tap: present or not."""
    attendance = SessionAttendance.objects.select_for_update().select_related("session__course").get(pk=attendance.pk)
    if attendance.session.held_on > timezone.localdate():
        raise ValidationError(
            _("This session is on %(day)s: presence is marked from that day on.")
            % {"day": attendance.session.held_on.isoformat()}
        )
    audit.update_model(actor=actor, instance=attendance, data={"present": present}, clean=False)
    return attendance


def _clean_assessment(trainee: Trainee) -> None:
    refuse_nul(certificate_no=trainee.certificate_no)
    course = trainee.course
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if trainee.result not in Result.values:
        errors["result"] = [_("Choose passed, failed or certified.")]
    elif trainee.result != Result.PENDING:
        if trainee.assessed_on is None:
            errors["assessed_on"] = [_("Give the date of the assessment.")]
        elif trainee.assessed_on < course.starts_on or trainee.assessed_on > today:
            errors["assessed_on"] = [
                _("The assessment is on or after the course began (%(start)s) and not in the future.")
                % {"start": course.starts_on.isoformat()}
            ]
    if trainee.result == Result.CERTIFIED:
        if not trainee.certificate_no.strip():
            errors["certificate_no"] = [_("A certified trainee has a certificate number: give it.")]
        if trainee.certified_on is None:
            errors["certified_on"] = [_("Give the date on the certificate.")]
        elif trainee.assessed_on is not None and trainee.certified_on < trainee.assessed_on:
            errors["certified_on"] = [_("The certificate is dated on or after the assessment.")]
    if errors:
        raise ValidationError(errors)


@audit.write_transaction
def assess(
    *,
    actor: User | None,
    trainee: Trainee,
    result: str,
    assessed_on: dt.date | None = None,
    certificate_no: str = "",
    certified_on: dt.date | None = None,
) -> Trainee:
    trainee = Trainee.objects.select_for_update().select_related("course").get(pk=trainee.pk)
    certified = result == Result.CERTIFIED
    data = {
        "result": result,
        "assessed_on": assessed_on if result != Result.PENDING else None,
        "certificate_no": (certificate_no or "").strip() if certified else "",
        "certified_on": certified_on if certified else None,
    }
    audit.update_model(actor=actor, instance=trainee, data=data, clean=_clean_assessment)
    return trainee


# --- local settings -------------------------------------------------------------------------------


@audit.write_transaction
def save_config(
    *, actor: User | None, organization: Organization, max_partners: int, probationary_holders: bool, quiet_days: int
) -> ProductionConfig:
    if not 1 <= max_partners <= 20:
        raise ValidationError({"max_partners": [_("A member pairs with 1 to 20 employees.")]})
    if not 7 <= quiet_days <= 365:
        raise ValidationError({"quiet_days": [_("Give between 7 and 365 days.")]})
    config = selectors.own_config(organization)
    data = {"max_partners": max_partners, "probationary_holders": probationary_holders, "quiet_days": quiet_days}
    if config is None:
        config = ProductionConfig.objects.create(organization=organization, **data)
        audit.record_create(actor, config)
    else:
        audit.update_model(actor=actor, instance=config, data=data, clean=False)
    return config
