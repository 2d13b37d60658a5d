"""Writes for membership development: an application, each step, a withdrawal, local settings.

Every step goes through `development.rules.check`; a blocking refusal becomes a ValidationError
whose message says which rule, the dates involved and from when the step becomes possible. The
records that follow from the steps are written here too: a probationary membership when the
higher committee approves the admission (dated from the admitting meeting), conversion when it
decides so (dated from the end of probation), the end of the membership when probation is
cancelled; the person's political status follows through `people.services.refresh_derived`.

The higher committee's and the organisation department's steps (HIGHER_STEPS) are recorded only
from above the candidacy's organisation (`access.permissions.acts_above`), and each step takes only the details its
rules read (DATA_KEYS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access import permissions
from dangjian.access import selectors as access_selectors
from dangjian.access.models import User
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.files import store_sealed
from dangjian.notifications import services as notifications
from dangjian.notifications.models import Kind
from dangjian.organizations.models import PARTY_UNIT_KINDS, Organization
from dangjian.organizations.selectors import nearest_settings
from dangjian.people import selectors as people_selectors
from dangjian.people import services as people
from dangjian.people.models import Membership, Person
from dangjian.text import refuse_nul

from . import rules
from .models import OPEN_STAGES, Candidacy, DevelopmentConfig, Outcome, Stage, Step, StepDocument


def configs_for(orgs: Iterable[Organization]) -> dict[int, rules.Config]:
    """Each organisation's settings: those of the nearest organisation up its tree that has its
    own, else the defaults. One query for any number of organisations (boards, reminders)."""
    found = nearest_settings(orgs, DevelopmentConfig)
    return {pk: rules.Config() if c is None else rules.Config.of(c) for pk, c in found.items()}


def config_for(org: Organization) -> rules.Config:
    return configs_for([org])[org.pk]


def history(candidacy: Candidacy, steps: Sequence[Step] | None = None) -> list[rules.Done]:
    recorded = candidacy.steps.all() if steps is None else steps
    return [rules.Done(s.number, s.done_on, s.data or {}) for s in recorded]


def full_members_of(org: Organization, on: dt.date | None = None) -> frozenset[int]:
    """The full members of the organisation (and its party groups), who may sponsor and cultivate:
    now, or those who were full party members on the day `on` (a sponsor must be one on the day
    they are named; a member transferred in since, with a dossier that came with them, counts)."""
    return people_selectors.full_member_ids_under(org.path, on)


def voters_on(org: Organization, on: dt.date) -> int | None:
    """How many full members the organisation had on the day `on`, there that day (a vote's
    entitled may not exceed it); None before the organisation was founded, when the vote was
    held by the organisation that kept the dossier then, whose members are not counted here."""
    if org.founded_on is not None and org.founded_on > on:
        return None
    return len(people_selectors.full_member_ids_under(org.path, on, there_by_then=True))


def candidate_of(
    candidacy: Candidacy, full_members: frozenset[int] | None = None, on: dt.date | None = None
) -> rules.Candidate:
    """What the rules know of the candidate and the branch; the branch's full members as of `on`
    (the step's day) when given."""
    voters = None
    if full_members is None:
        full_members = full_members_of(candidacy.organization, on)
        voters = voters_on(candidacy.organization, on or timezone.localdate())
    return rules.Candidate(
        birth_date=candidacy.person.birth_date, full_members=full_members, person_id=candidacy.person_id, voters=voters
    )


class StepRefused(ValidationError):
    """A step the rules refuse; `refusals` say which rules, and from when it becomes possible."""

    def __init__(self, refusals: Sequence[rules.Refusal]) -> None:
        super().__init__([r.message for r in refusals], code=refusals[0].rule)
        self.refusals = list(refusals)


# The acts of the higher committee and of the organisation department (13, 16, 17, 18, 24, 25):
# recorded by those who hold the candidacy from above its organisation, never by the branch.
HIGHER_ACTORS = (rules.HIGHER, rules.DEPARTMENT)
HIGHER_STEPS = frozenset(n for n, s in rules.STEPS.items() if any(s.actor is a for a in HIGHER_ACTORS))

# The details each step may carry: the keys the rules (and the pages) read, nothing else.
TALLY_KEYS = frozenset({"entitled", "full_entitled", "present", "yes", "written_yes", "fewer_reason"})
DATA_KEYS: dict[int, frozenset[str]] = {
    3: frozenset({"recommended_by"}),
    5: frozenset({"contacts"}),
    9: frozenset({"sponsors"}),
    11: frozenset({"days", "hours"}),
    13: frozenset({"notice_from", "notice_to"}),
    15: TALLY_KEYS,
    23: TALLY_KEYS,
    24: frozenset({"decision", "months"}),
}


def data_keys(number: int) -> frozenset[str]:
    return DATA_KEYS.get(number, frozenset())


def _authority(user: User | None, candidacy: Candidacy, number: int) -> None:
    if permissions.may_record(user, candidacy.organization.path, higher_step=number in HIGHER_STEPS):
        return
    step = rules.STEPS[number]
    values = {"n": number, "label": step.label}
    if step.actor is rules.DEPARTMENT:
        message = _("Step %(n)d (%(label)s) is the organisation department's to record, not the branch's.")
    else:
        message = _("Step %(n)d (%(label)s) is the higher party committee's to record, not the branch's.")
    raise StepRefused([rules.Refusal("authority", message % values)])


def _check_data(number: int, data: dict[str, Any]) -> None:
    unknown = sorted(set(data) - data_keys(number))
    if unknown:
        raise ValidationError(
            {"data": _("Step %(n)d takes no detail named %(keys)s.") % {"n": number, "keys": ", ".join(unknown)}}
        )


def _refuse(refusals: Sequence[rules.Refusal]) -> None:
    blocking = [r for r in refusals if r.blocking]
    if blocking:
        raise StepRefused(blocking)


@audit.write_transaction
def apply(
    *,
    actor: User | None,
    person: Person,
    organization: Organization,
    applied_on: dt.date,
    acted_by: str = "",
    note: str = "",
    documents: Sequence[tuple[str, bytes, str]] = (),
    today: dt.date | None = None,
) -> Candidacy:
    """Record a written application (step 1): handed in on paper, or made by the person online."""
    today = today or timezone.localdate()
    refuse_nul(acted_by=acted_by, note=note)
    if organization.kind not in PARTY_UNIT_KINDS:
        raise ValidationError({"organization": _("Applications go to a branch, general branch or party committee.")})
    if person.is_party_member:
        raise ValidationError(_("%(name)s is already a Party member.") % {"name": person})
    current = person.candidacies.filter(stage__in=OPEN_STAGES).first()
    if current is not None:
        raise ValidationError(
            _("%(name)s already has an application in progress at %(org)s (since %(on)s).")
            % {"name": person, "org": current.organization, "on": current.applied_on}
        )
    candidacy = Candidacy(person=person, organization=organization, applied_on=applied_on, stage=Stage.APPLICANT)
    _refuse(rules.check([], 1, applied_on, {}, candidate_of(candidacy, frozenset()), today))
    try:
        with transaction.atomic():  # a savepoint: an application made at the same moment wins
            candidacy.save()
    except IntegrityError:
        raise ValidationError(
            _("%(name)s already has an application in progress (recorded a moment ago).") % {"name": person}
        ) from None
    audit.record_create(actor, candidacy)
    step = Step.objects.create(
        candidacy=candidacy,
        number=1,
        done_on=applied_on,
        acted_by=acted_by or person.name,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record_create(actor, step)
    store_sealed(StepDocument, documents, actor, step=step)
    people.refresh_derived(person)
    if actor is not None and getattr(actor, "person_id", None) == person.pk:
        _tell_officers_of_application(actor, candidacy)
    return candidacy


def _tell_officers_of_application(actor: User, candidacy: Candidacy) -> None:
    """An application made online reaches the branch's secretary and committee at once (their
    bell, and the to-do list once the talk falls due), not only at the next daily reminders."""
    org = candidacy.organization
    officers = access_selectors.nearest_role_holders(reversed(org.path_ids()), access_selectors.BRANCH_OFFICER_ROLES)
    person = candidacy.person

    def texts() -> tuple[str, str]:
        return (
            _("%(name)s has applied to join the Party") % {"name": person.name},
            _("%(name)s applied online to %(org)s on %(on)s. The talk is due within a month.")
            % {"name": person.name, "org": org.display_name, "on": candidacy.applied_on},
        )

    notifications.notify_event(
        actor=actor,
        users=officers,
        kind=Kind.APPLICATION,
        key=f"application:{candidacy.pk}",
        url=reverse("development:detail", args=[candidacy.pk]),
        texts=texts,
        about=candidacy,
    )


# The steps a candidate is told of at once: where their application moves on, and its end.
TOLD_STEPS = {3, 7, 15, 17, 23, 24}


def _tell_candidate(actor: User | None, candidacy: Candidacy, key: str, texts: Callable[[], tuple[str, str]]) -> None:
    """The candidate's own login is told at once (a step that moves their application on, its end)."""
    try:
        user = candidacy.person.user
    except ObjectDoesNotExist:
        return
    notifications.notify_event(
        actor=actor,
        users=[user],
        kind=Kind.CANDIDACY,
        key=f"candidacy:{candidacy.pk}:{key}",
        url=reverse("development:detail", args=[candidacy.pk]),
        texts=texts,
        about=candidacy,
    )


def _tell_candidate_of_step(actor: User | None, candidacy: Candidacy, step: Step) -> None:
    label = rules.STEPS[step.number].label

    def texts() -> tuple[str, str]:
        return (
            _("Your application: %(step)s") % {"step": label},
            _("Recorded on %(on)s by %(org)s.") % {"on": step.done_on, "org": candidacy.organization.display_name},
        )

    _tell_candidate(actor, candidacy, f"step:{step.pk}", texts)


@audit.write_transaction
def record_step(
    *,
    actor: User | None,
    candidacy: Candidacy,
    number: int,
    done_on: dt.date,
    data: dict[str, Any] | None = None,
    acted_by: str = "",
    note: str = "",
    conclusion: str = "",
    documents: Sequence[tuple[str, bytes, str]] = (),
    today: dt.date | None = None,
) -> Step:
    today = today or timezone.localdate()
    refuse_nul(acted_by=acted_by, note=note, conclusion=conclusion)
    candidacy = (
        Candidacy.objects.select_for_update(of=("self",)).select_related("person", "organization").get(pk=candidacy.pk)
    )
    if candidacy.outcome == Outcome.WITHDRAWN:
        message = _("This application was withdrawn on %(on)s; no further step can be recorded.")
        raise StepRefused([rules.Refusal("closed", message % {"on": candidacy.closed_on})])
    if number in rules.STEPS:
        _authority(actor, candidacy, number)
    data = dict(data or {})
    _check_data(number, data)
    if number == 10:
        data["conclusion"] = conclusion  # checked here, stored encrypted below, never in `data`
    done = history(candidacy)
    refusals = rules.check(
        done, number, done_on, data, candidate_of(candidacy, on=done_on), today, config_for(candidacy.organization)
    )
    _refuse(refusals)
    if number == 24:
        _open_membership(candidacy)  # refuses before anything is written
    data.pop("conclusion", None)
    step = Step.objects.create(
        candidacy=candidacy,
        number=number,
        done_on=done_on,
        data=_jsonable(data),
        acted_by=acted_by,
        note=note,
        conclusion=conclusion if number == 10 else "",
        late=any(not r.blocking for r in refusals),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record_create(actor, step)
    store_sealed(StepDocument, documents, actor, step=step)
    _follow(actor, candidacy, history(candidacy), step)
    if number in TOLD_STEPS:
        _tell_candidate_of_step(actor, candidacy, step)
    return step


def _open_membership(candidacy: Candidacy) -> Membership:
    """The probationary membership the conversion decision (step 24) acts on: the person's open
    membership in the candidacy's organisation (or a party group of it)."""
    person = candidacy.person
    membership = people_selectors.open_membership_of(person)
    if membership is None:
        ended = people_selectors.last_ended_membership_of(person)
        message = _(
            "%(name)s has no open membership record (the last one ended on %(on)s): the conversion cannot be "
            "decided on this candidacy. Check the membership records first."
        ) % {"name": person, "on": ended.ended_on if ended else "—"}
        raise StepRefused([rules.Refusal("membership", message)])
    if not membership.organization.path.startswith(candidacy.organization.path):
        message = _("%(name)s now belongs to %(org)s: the conversion is decided there, not on this candidacy.") % {
            "name": person,
            "org": membership.organization,
        }
        raise StepRefused([rules.Refusal("membership", message)])
    return membership


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


def _follow(actor: User | None, candidacy: Candidacy, done: list[rules.Done], step: Step) -> None:
    """Bring the candidacy's caches and the membership record in line with the steps."""
    before = audit.snapshot(candidacy)
    candidacy.stage = rules.stage_of(done)
    if step.number == 3:
        candidacy.activist_on = step.done_on
    elif step.number == 7:
        candidacy.target_on = step.done_on
    elif step.number == 15:
        candidacy.admitted_on = step.done_on
    candidacy.probation_ends_on = rules.probation_end(done)
    person = candidacy.person
    if step.number == 17:
        people.add_membership(
            actor=actor, person=person, organization=candidacy.organization, admitted_on=candidacy.admitted_on
        )
    elif step.number == 24:
        membership = _open_membership(candidacy)
        choice = step.data.get("decision")
        if choice == rules.ON_TIME:
            # 按期转正: full membership (and party age) runs from the end of probation.
            people.update_membership(actor=actor, membership=membership, converted_on=candidacy.probation_ends_on)
            candidacy.outcome, candidacy.closed_on = Outcome.CONVERTED, step.done_on
        elif choice == rules.CANCEL:
            people.update_membership(
                actor=actor, membership=membership, ended_on=step.done_on, end_reason=Membership.EndReason.CANCELLED
            )
            candidacy.outcome, candidacy.closed_on = Outcome.CANCELLED, step.done_on
    candidacy.save()
    audit.record_update(actor, candidacy, before)
    people.refresh_derived(person)


@audit.write_transaction
def withdraw(*, actor: User | None, candidacy: Candidacy, on: dt.date, reason: str) -> Candidacy:
    """The applicant withdraws or leaves before admission; the record stays, closed."""
    # Lock and re-read, like record_step: a step recorded meanwhile decides what may be closed.
    candidacy = (
        Candidacy.objects.select_for_update(of=("self",)).select_related("person", "organization").get(pk=candidacy.pk)
    )
    if candidacy.stage not in OPEN_STAGES:
        raise ValidationError(
            _(
                "Only an application not yet admitted can be withdrawn; probation is cancelled by the higher committee (step 24)."
            )
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the application ends.")})
    if on < candidacy.applied_on or on > timezone.localdate():
        raise ValidationError(
            {
                "on": _("The date must lie between the application (%(applied)s) and today.")
                % {"applied": candidacy.applied_on}
            }
        )
    before = audit.snapshot(candidacy)
    candidacy.stage, candidacy.outcome, candidacy.closed_on = Stage.CLOSED, Outcome.WITHDRAWN, on
    candidacy.save()
    audit.record_update(actor, candidacy, before)
    audit.record(actor=actor, action="update", obj=candidacy, changes={"reason": reason[:500]})
    people.refresh_derived(candidacy.person)
    _tell_candidate_of_end(actor, candidacy, reason)
    return candidacy


def _tell_candidate_of_end(actor: User | None, candidacy: Candidacy, reason: str) -> None:
    def texts() -> tuple[str, str]:
        return (
            _("Your application has ended"),
            _("Ended on %(on)s: %(reason)s") % {"on": candidacy.closed_on, "reason": reason[:300]},
        )

    _tell_candidate(actor, candidacy, "ended", texts)


def due_for(
    candidacy: Candidacy,
    today: dt.date | None = None,
    steps: Sequence[Step] | None = None,
    config: rules.Config | None = None,
) -> list[rules.Due]:
    """What may be recorded next on the candidacy, with deadlines (rules.due). Lists pass the
    prefetched steps and the settings from `configs_for`, so they cost no query per row."""
    if candidacy.outcome == Outcome.WITHDRAWN:
        return []
    today = today or timezone.localdate()
    config = config or config_for(candidacy.organization)
    # The branch's full members matter only to check(), never to due().
    return rules.due(history(candidacy, steps), candidate_of(candidacy, frozenset()), today, config)


@audit.write_transaction
def reveal_conclusion(*, actor: User | None, candidacy: Candidacy) -> str:
    """The political review's conclusion (step 10) in clear, for the page and the API alike:
    refused (PermissionDenied) unless `access.permissions.may_see_conclusion`, Http404 before the review is recorded;
    each view of the clear text is recorded."""
    if not permissions.may_see_conclusion(actor, candidacy, candidacy.person):
        raise PermissionDenied
    step = candidacy.steps.select_related("candidacy__organization").filter(number=10).first()
    if step is None:
        raise Http404
    audit.record(actor=actor, action=Action.REVEAL, obj=step, changes={"field": "conclusion"})
    return step.conclusion


@audit.write_transaction
def ledger_exported(*, actor: User | None, name: str, rows: int, filters: dict[str, Any], org_path: str) -> None:
    audit.record(
        actor=actor,
        action=Action.EXPORT,
        object_type="development.ledger",
        object_repr=name,
        changes={"rows": rows, "revealed": 0, "filters": filters},
        org_path=org_path,
    )


def pipeline_exported(*, actor: User, name: str, rows: int, org: Organization) -> None:
    """The development figures by branch left the platform as a file (counts, no person)."""
    audit.record(
        actor=actor,
        action=Action.EXPORT,
        object_type="development.pipeline",
        object_id=org.pk,
        object_repr=name,
        changes={"rows": rows},
        org_path=org.path,
    )


@audit.write_transaction
def save_config(*, actor: User | None, organization: Organization, **fields: Any) -> DevelopmentConfig:
    config, created = DevelopmentConfig.objects.get_or_create(organization=organization)
    before = audit.snapshot(config)
    for key, value in fields.items():
        if key in {
            "notice_min_days",
            "notice_max_days",
            "thought_report_months",
            "conversion_prompt_days",
            "birthday_basis",
        }:
            setattr(config, key, value)
    if config.notice_min_days > config.notice_max_days:
        raise ValidationError({"notice_max_days": _("The longest notice cannot be shorter than the shortest.")})
    config.full_clean()
    audit.save_and_record(actor, config, before, created=created)
    return config
