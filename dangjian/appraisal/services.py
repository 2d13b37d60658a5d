"""Writes of the democratic appraisal: opening a round with its roll, inviting workers'
representatives, self-assessments, the mutual assessment, moving the round through its steps
(opening and counting the 测评 through the ballot engine), the committee's proposed grades, the
general meeting's confirmation and the follow-up of a member graded unqualified.

Every function is keyword-only, runs in one audited transaction and explains a refusal with a
ValidationError in the user's language; a refused write stores nothing. Who may call which is
decided by access.permissions; these functions enforce the round's own rules (its step, who is
graded, the one-third cap).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access.models import User as UserModel
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import Poll
from dangjian.choices import PARTY_MEMBER_STATUSES
from dangjian.notifications import services as notifications
from dangjian.notifications.models import Kind
from dangjian.organizations import selectors as org_selectors
from dangjian.organizations.models import Organization, OrgKind
from dangjian.people import selectors as people_selectors
from dangjian.people.models import Person
from dangjian.text import refuse_nul

from . import rules
from .models import GRADES, Grade, Part, Participant, PeerComment, Round, Step

if TYPE_CHECKING:
    from dangjian.access.models import User

# The kinds of organisation that hold a democratic appraisal of their members.
BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH)
# Notifications of the appraisal go under a kind of their own (notifications 0009), which people
# may choose apart from their branch's meetings.
NOTIFY_KIND = Kind.APPRAISAL


def _field(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _step_refusal(r: Round, allowed: Iterable[str], doing: str) -> None:
    if r.step not in allowed:
        raise ValidationError(
            _("%(doing)s is not possible now: the appraisal is at its step “%(step)s”.")
            % {"doing": doing, "step": r.get_step_display()}
        )


def _locked(round_id: int) -> Round:
    """The round as stored, its row locked until the write commits: a step is checked against
    this, not against a copy loaded earlier, so nothing lands in a step the round has left (a
    representative invited as the rating opens would be on the roll but not on the ballot's)."""
    return Round.objects.select_for_update().get(pk=round_id)


def _users_of(person_ids: Any) -> list[UserModel]:
    return list(UserModel.objects.filter(person_id__in=person_ids, is_active=True))


# --- a round ----------------------------------------------------------------------------------------


@audit.write_transaction
def open_round(
    *,
    actor: User | None,
    organization: Organization,
    year: int,
    self_until: dt.date,
    mutual_until: dt.date,
    vote_until: dt.date,
    meeting_on: dt.date,
) -> Round:
    """A round in its preparation step, with its roll: the branch's members (its party groups'
    too) as they are today, full members graded, probationary members taking part."""
    if organization.kind not in BRANCH_KINDS:
        raise _field(
            "organization",
            _("%(org)s is not a branch: the democratic appraisal is held by a party branch.") % {"org": organization},
        )
    if not 2000 <= year <= 2100:
        raise _field("year", _("Give the year the appraisal is for, e.g. %(year)d.") % {"year": timezone.now().year})
    if Round.objects.filter(organization=organization, year=year).exists():
        raise _field(
            "year",
            _("%(org)s has an appraisal for %(year)d already: one a year.") % {"org": organization, "year": year},
        )
    _refuse_overlap(organization, year)
    problems = rules.plan_problems(self_until, mutual_until, vote_until, meeting_on)
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})
    members = list(
        people_selectors.members_in_orgs(org_selectors.orgs_under(organization.path))
        .order_by("name", "pk")
        .values_list("pk", "political_status")
    )
    lines = [(pk, rules.part_of(status)) for pk, status in members]
    if not any(part == Part.MEMBER for _pk, part in lines):
        raise _field(
            "organization",
            _("%(org)s has no full members to appraise: probationary members take part but are not graded.")
            % {"org": organization},
        )
    r = Round.objects.create(
        organization=organization,
        year=year,
        self_until=self_until,
        mutual_until=mutual_until,
        vote_until=vote_until,
        meeting_on=meeting_on,
    )
    audit.record_create(actor, r)
    Participant.objects.bulk_create(Participant(round=r, person_id=pk, part=part) for pk, part in lines if part)
    audit.record(actor=actor, action=Action.UPDATE, obj=r, changes={"roll": len(lines)})
    return r


def _refuse_overlap(organization: Organization, year: int) -> None:
    """A round's roll takes everyone under its branch, so a general branch and a branch under it
    cannot both appraise the same year: its members would be on two rolls, graded twice and
    counted twice. The organisations along the path are locked first, so that two branches, one
    under the other, opening at once wait for each other (the upper one is on both paths)."""
    list(Organization.objects.select_for_update().filter(pk__in=organization.path_ids()).values_list("pk"))
    above = (
        Round.objects.filter(year=year, organization_id__in=organization.ancestor_ids())
        .select_related("organization")
        .first()
    )
    if above is not None:
        raise _field(
            "organization",
            _(
                "%(other)s, which %(org)s belongs to, has an appraisal for %(year)d already, and its roll"
                " takes in the members of %(org)s: they are appraised there, once a year."
            )
            % {"other": above.organization, "org": organization, "year": year},
        )
    below = (
        Round.objects.filter(year=year, organization__path__startswith=organization.path)
        .exclude(organization=organization)
        .select_related("organization")
        .order_by("organization__path")
        .first()
    )
    if below is not None:
        raise _field(
            "organization",
            _(
                "%(other)s, under %(org)s, has an appraisal for %(year)d already: a round of %(org)s would"
                " appraise its members a second time. Open the year's appraisal in each branch under"
                " %(org)s instead."
            )
            % {"other": below.organization, "org": organization, "year": year},
        )


@audit.write_transaction
def invite_representative(*, actor: User | None, round: Round, person: Person) -> Participant:
    """A representative of the workers (群众代表) invited to the rating: they vote, nothing else.
    Invited before the rating opens; a party member takes part as a member, not as one."""
    _step_refusal(_locked(round.pk), [Step.PREPARATION, Step.SELF, Step.MUTUAL], _("Inviting a representative"))
    if person.political_status in PARTY_MEMBER_STATUSES:
        raise _field(
            "person",
            _("%(name)s is a party member: representatives invited to the rating are not party members.")
            % {"name": person.name},
        )
    if Participant.objects.filter(round=round, person=person).exists():
        raise _field("person", _("%(name)s is invited already.") % {"name": person.name})
    org = round.organization
    employer = person.employer_id
    if employer is None or not org_selectors.enterprises_under(org.path).filter(pk=employer).exists():
        raise _field(
            "person",
            _(
                "%(name)s does not work in an enterprise whose party work %(org)s covers: the representatives"
                " are workers of the branch's own enterprises."
            )
            % {"name": person.name, "org": org},
        )
    p = Participant.objects.create(round=round, person=person, part=Part.REPRESENTATIVE)
    audit.record_create(actor, p)
    return p


@audit.write_transaction
def withdraw_invitation(*, actor: User | None, participant: Participant) -> None:
    """A representative's invitation withdrawn, before the rating opens."""
    _step_refusal(
        _locked(participant.round_id), [Step.PREPARATION, Step.SELF, Step.MUTUAL], _("Withdrawing an invitation")
    )
    if participant.part != Part.REPRESENTATIVE:
        raise ValidationError(_("Only an invited representative is withdrawn: the branch's members all take part."))
    pk, path = participant.pk, participant.audit_org_path()
    before = audit.snapshot(participant)
    participant.delete()
    audit.record_delete(actor, participant, before, pk, path)


# --- self and mutual assessment -------------------------------------------------------------------


@audit.write_transaction
def write_self_assessment(
    *, actor: User | None, participant: Participant, text: str, today: dt.date | None = None
) -> Participant:
    """A member's self-assessment (个人自评), written (and rewritten) during the self-assessment
    and the mutual assessment steps."""
    if not participant.member:
        raise ValidationError(_("Representatives vote in the rating only: a self-assessment is a member's."))
    _step_refusal(_locked(participant.round_id), [Step.SELF, Step.MUTUAL], _("Writing a self-assessment"))
    refuse_nul(self_assessment=text)
    text = text.strip()
    if not text:
        raise _field(
            "self_assessment",
            _("Write your self-assessment: your political study, your work, your role as a member, what to improve."),
        )
    audit.update_model(
        actor=actor,
        instance=participant,
        data={"self_assessment": text[:6000], "self_written_on": today or timezone.localdate()},
        clean=False,
    )
    return participant


@audit.write_transaction
def comment_on_peer(*, actor: User | None, author: Participant, subject: Participant, text: str) -> PeerComment:
    """A member's signed comment on another member in the mutual assessment (党员互评); a
    second comment on the same member replaces the first."""
    r = author.round
    if subject.round_id != r.pk:
        raise _field("subject", _("Choose a member of this appraisal."))
    if not author.member or not subject.member:
        raise _field("subject", _("The mutual assessment is among the branch's members."))
    if author.pk == subject.pk:
        raise _field("subject", _("Your own assessment is your self-assessment: comment on the other members."))
    _step_refusal(_locked(r.pk), [Step.MUTUAL], _("Commenting on a member"))
    refuse_nul(text=text)
    text = text.strip()
    if not text:
        raise _field("text", _("Write your comment: strengths, and what the member could do better."))
    comment = PeerComment.objects.filter(author=author, subject=subject).first()
    if comment is None:
        comment = PeerComment.objects.create(round=r, author=author, subject=subject, text=text[:2000])
        audit.record_create(actor, comment)
    else:
        audit.update_model(actor=actor, instance=comment, data={"text": text[:2000]}, clean=False)
    return comment


# --- the steps -------------------------------------------------------------------------------------


def blocked(r: Round) -> str | None:
    """Why the round cannot move on to its next step by the officers' hand (None: it can)."""
    if r.step == Step.PROPOSAL:
        return _("The general meeting confirms the committee's proposal: the round moves on by its confirmation.")
    if r.step == Step.CONFIRMED:
        return _("The appraisal is confirmed: it has no further step.")
    if r.step == Step.VOTE and r.poll is not None:
        waiting = ballot_selectors.paper_waiting(r.poll)
        if waiting:
            return _(
                "%(n)d paper ballots handed in are not yet entered by two tellers who agree: enter them before the count."
            ) % {"n": waiting}
    return None


@audit.write_transaction
def advance(*, actor: User | None, round: Round) -> Round:
    """The round's next step, never back: opening the rating builds its ballot (one question per
    graded member) and its roll, closing it counts."""
    r = Round.objects.select_for_update(of=("self",)).select_related("organization", "poll").get(pk=round.pk)
    reason = blocked(r)
    if reason:
        raise ValidationError(reason)
    target = rules.next_step(r.step)
    assert target is not None  # blocked() refuses the last steps
    data: dict[str, Any] = {"step": target}
    if target == Step.VOTE:
        data["poll"] = _open_vote(actor, r)
    elif target == Step.PROPOSAL:
        assert r.poll is not None
        ballots.count(actor=actor, poll=r.poll)
    audit.update_model(actor=actor, instance=r, data=data, clean=False)
    round.__dict__.update({"step": r.step, "poll_id": r.poll_id})
    if target == Step.SELF:
        _tell(actor, r, "self", Participant.objects.filter(round=r).exclude(part=Part.REPRESENTATIVE))
    elif target == Step.VOTE:
        _tell(actor, r, "vote", Participant.objects.filter(round=r))
    return r


def _open_vote(actor: User | None, r: Round) -> Poll:
    graded = list(
        Participant.objects.filter(round=r, part=Part.MEMBER).select_related("person").order_by("person__name", "pk")
    )
    options = [(str(g.label), g.value) for g in Grade]
    questions = [ballots.QuestionSpec(label=p.person.name, ref=str(p.pk), options=options) for p in graded]
    voters = Participant.objects.filter(round=r).values_list("person_id", flat=True)
    return ballots.open_poll(
        actor=actor,
        title=_("Democratic rating %(year)d, %(org)s") % {"year": r.year, "org": r.organization},
        org_path=r.organization.path,
        questions=questions,
        voters=voters,
    )


def _tell(actor: User | None, r: Round, what: str, participants: Any) -> None:
    year, org = r.year, str(r.organization)
    until = r.self_until if what == "self" else r.vote_until

    def texts() -> tuple[str, str]:
        if what == "self":
            return (
                _("Democratic appraisal %(year)d: write your self-assessment") % {"year": year},
                _("%(org)s: write it by %(day)s.") % {"org": org, "day": until.isoformat()},
            )
        return (
            _("Democratic appraisal %(year)d: the rating is open") % {"year": year},
            _("%(org)s: rate by %(day)s. The rating is secret: nobody sees what you choose.")
            % {"org": org, "day": until.isoformat()},
        )

    url = reverse("appraisal:ballot" if what == "vote" else "appraisal:round", args=[r.pk])
    notifications.notify_event(
        actor=actor,
        users=_users_of(participants.values("person_id")),
        kind=NOTIFY_KIND,
        key=f"appraisal:{r.pk}:{what}",
        url=url,
        texts=texts,
        about=r,
    )


# --- the committee's proposal and the meeting's confirmation ----------------------------------------


def _checked_grades(r: Round, grades: Mapping[int, str]) -> dict[int, Participant]:
    """The graded lines a complete set of grades names, or a refusal naming the first fault."""
    lines = {p.pk: p for p in Participant.objects.filter(round=r).select_related("person")}
    for pk, grade in grades.items():
        p = lines.get(pk)
        if p is None:
            raise _field("grades", _("A grade names someone who is not on this appraisal's roll: reload the page."))
        if not p.graded:
            raise _field(
                "grades",
                _("%(name)s takes part as %(part)s and is not graded.")
                % {"name": p.person.name, "part": p.get_part_display()},
            )
        if grade not in GRADES:
            raise _field("grades", _("Choose one of the four grades for %(name)s.") % {"name": p.person.name})
    graded = {pk: p for pk, p in lines.items() if p.graded}
    missing = [p.person.name for pk, p in graded.items() if pk not in grades]
    if missing:
        raise _field(
            "grades",
            _("Grade every graded member: %(names)s has no grade yet.") % {"names": ", ".join(missing[:5])},
        )
    refusal = rules.excellent_refusal(grades, len(graded))
    if refusal:
        raise _field("grades", refusal)
    return graded


@audit.write_transaction
def propose_grades(
    *, actor: User | None, round: Round, grades: Mapping[int, str], today: dt.date | None = None
) -> Round:
    """The branch committee's proposed grades (支委会), after the rating is counted: one for
    every graded member, at most one third excellent. Proposed again, the new set replaces the
    old while the general meeting has not confirmed."""
    r = Round.objects.select_for_update().get(pk=round.pk)
    _step_refusal(r, [Step.PROPOSAL], _("Proposing grades"))
    graded = _checked_grades(r, grades)
    for pk, p in graded.items():
        audit.update_model(actor=actor, instance=p, data={"proposed_grade": grades[pk]}, clean=False)
    audit.update_model(actor=actor, instance=r, data={"proposed_on": today or timezone.localdate()}, clean=False)
    round.proposed_on = r.proposed_on
    return r


@audit.write_transaction
def confirm(*, actor: User | None, round: Round, today: dt.date | None = None) -> Round:
    """The general meeting (党员大会) confirms the committee's proposal: each graded member's grade
    is recorded and they are told it."""
    r = Round.objects.select_for_update(of=("self",)).select_related("organization").get(pk=round.pk)
    if r.step == Step.PROPOSAL and r.proposed_on is None:
        raise ValidationError(
            _("The committee has not proposed the grades yet: the general meeting confirms a proposal.")
        )
    _step_refusal(r, [Step.PROPOSAL], _("Confirming the grades"))
    graded = list(Participant.objects.filter(round=r, part=Part.MEMBER).select_related("person"))
    # The proposal was checked when it was made; checked again, as the roll may not change
    # under it but a later rule must not be bypassed.
    _checked_grades(r, {p.pk: p.proposed_grade for p in graded})
    for p in graded:
        audit.update_model(actor=actor, instance=p, data={"grade": p.proposed_grade}, clean=False)
    audit.update_model(
        actor=actor,
        instance=r,
        data={"step": Step.CONFIRMED, "confirmed_on": today or timezone.localdate()},
        clean=False,
    )
    round.__dict__.update({"step": r.step, "confirmed_on": r.confirmed_on})
    _tell_grades(actor, r, graded)
    return r


def _tell_grades(actor: User | None, r: Round, graded: list[Participant]) -> None:
    users = {u.person_id: u for u in _users_of([p.person_id for p in graded])}
    year = r.year
    for p in graded:
        user = users.get(p.person_id)
        if user is None:
            continue
        label = Grade(p.grade)

        def texts(label: Grade = label) -> tuple[str, str]:
            return (
                _("Democratic appraisal %(year)d: your grade is %(grade)s") % {"year": year, "grade": label.label},
                _("Confirmed by the branch's general meeting."),
            )

        notifications.notify_event(
            actor=actor,
            users=[user],
            kind=NOTIFY_KIND,
            key=f"appraisal:{r.pk}:grade:{p.pk}",
            url=reverse("appraisal:round", args=[r.pk]),
            texts=texts,
            about=p,
        )


@audit.write_transaction
def record_follow_up(*, actor: User | None, participant: Participant, text: str) -> Participant:
    """The organisation's decision on a member graded unqualified (组织处置: 限期改正 …), as text.
    The member's status is not changed here: that is a decision of its own, recorded where
    memberships are."""
    if participant.round.step != Step.CONFIRMED or participant.grade != Grade.UNQUALIFIED:
        raise ValidationError(_("A follow-up is recorded for a member whose confirmed grade is unqualified."))
    refuse_nul(follow_up=text)
    text = text.strip()
    if not text:
        raise _field("follow_up", _("Write the decision, e.g. “correction within six months, helped by …”."))
    audit.update_model(actor=actor, instance=participant, data={"follow_up": text[:2000]}, clean=False)
    return participant
