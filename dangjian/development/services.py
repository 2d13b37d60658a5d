"""Writes for membership development: an application, each step, a withdrawal, local settings.

Every step goes through `development.rules.check`; a blocking refusal becomes a ValidationError
whose message says which rule, the dates involved and from when the step becomes possible. The
records that follow from the steps are written here too: a probationary membership when the
higher committee approves the admission (dated from the admitting meeting), conversion when it
decides so (dated from the end of probation), the end of the membership when probation is
cancelled; the person's political status follows through `people.services.refresh_derived`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import services as audit
from dangjian.organizations.models import PARTY_UNIT_KINDS, Organization
from dangjian.people import services as people
from dangjian.people.choices import PoliticalStatus
from dangjian.people.crypto import seal_bytes
from dangjian.people.models import Membership, Person

from . import rules
from .models import OPEN_STAGES, Candidacy, DevelopmentConfig, Outcome, Stage, Step, StepDocument

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def config_for(org: Organization) -> rules.Config:
    """The settings of the nearest organisation up the tree that has its own, else the defaults."""
    ids = [int(i) for i in org.path.strip("/").split("/") if i]
    configs = {c.organization_id: c for c in DevelopmentConfig.objects.filter(organization_id__in=ids)}
    for org_id in reversed(ids):
        c = configs.get(org_id)
        if c is not None:
            return rules.Config(
                notice_min_days=c.notice_min_days,
                notice_max_days=c.notice_max_days,
                thought_report_months=c.thought_report_months,
                conversion_prompt_days=c.conversion_prompt_days,
                birthday_basis=c.birthday_basis,
            )
    return rules.Config()


def history(candidacy: Candidacy, steps: Sequence[Step] | None = None) -> list[rules.Done]:
    steps = candidacy.steps.all() if steps is None else steps
    return [rules.Done(s.number, s.done_on, s.data or {}) for s in steps]


def full_members_of(org: Organization) -> frozenset[int]:
    """The full members of the organisation (and its party groups), who may sponsor and cultivate."""
    return frozenset(
        Person.objects.filter(party_org__path__startswith=org.path, political_status=PoliticalStatus.FULL).values_list(
            "pk", flat=True
        )
    )


def candidate_of(candidacy: Candidacy, full_members: frozenset[int] | None = None) -> rules.Candidate:
    return rules.Candidate(
        birth_date=candidacy.person.birth_date,
        full_members=full_members if full_members is not None else full_members_of(candidacy.organization),
        person_id=candidacy.person_id,
    )


def _refuse(refusals: Sequence[rules.Refusal]) -> None:
    blocking = [r for r in refusals if r.blocking]
    if blocking:
        raise ValidationError([r.message for r in blocking], code=blocking[0].rule)


def _documents(step: Step, documents: Sequence[tuple[str, bytes, str]], actor: Any) -> None:
    for name, data, content_type in documents:
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ValidationError(_("A document may be at most 20 MB; “%(name)s” is larger.") % {"name": name})
        doc = StepDocument.objects.create(
            step=step,
            file_name=name[-255:],
            content_type=content_type[:100],
            size=len(data),
            sealed_file=seal_bytes(data),
        )
        audit.record(actor=actor, action="create", obj=doc, changes={"file": doc.file_name, "size": doc.size})


@audit.write_transaction
def apply(
    *,
    actor: Any,
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
    candidacy.save()
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
    _documents(step, documents, actor)
    people.refresh_derived(person)
    return candidacy


@audit.write_transaction
def record_step(
    *,
    actor: Any,
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
    candidacy = (
        Candidacy.objects.select_for_update(of=("self",)).select_related("person", "organization").get(pk=candidacy.pk)
    )
    data = dict(data or {})
    if number == 10:
        data["conclusion"] = conclusion  # checked here, stored encrypted below, never in `data`
    done = history(candidacy)
    refusals = rules.check(
        done, number, done_on, data, candidate_of(candidacy), today, config_for(candidacy.organization)
    )
    _refuse(refusals)
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
    _documents(step, documents, actor)
    _follow(actor, candidacy, history(candidacy), step)
    return step


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


def _follow(actor: Any, candidacy: Candidacy, done: list[rules.Done], step: Step) -> None:
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
        membership = Membership.objects.get(person=person, ended_on__isnull=True)
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
def withdraw(*, actor: Any, candidacy: Candidacy, on: dt.date, reason: str) -> Candidacy:
    """The applicant withdraws or leaves before admission; the record stays, closed."""
    if candidacy.stage not in OPEN_STAGES:
        raise ValidationError(
            _(
                "Only an application not yet admitted can be withdrawn; probation is cancelled by the higher committee (step 24)."
            )
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the application ends.")})
    before = audit.snapshot(candidacy)
    candidacy.stage, candidacy.outcome, candidacy.closed_on = Stage.CLOSED, Outcome.WITHDRAWN, on
    candidacy.save()
    audit.record_update(actor, candidacy, before)
    audit.record(actor=actor, action="update", obj=candidacy, changes={"reason": reason[:500]})
    people.refresh_derived(candidacy.person)
    return candidacy


def due_for(candidacy: Candidacy, today: dt.date | None = None, steps: Sequence[Step] | None = None, full_members=None):
    today = today or timezone.localdate()
    return rules.due(
        history(candidacy, steps),
        candidate_of(candidacy, full_members or frozenset()),
        today,
        config_for(candidacy.organization),
    )


@audit.write_transaction
def save_config(*, actor: Any, organization: Organization, **fields: Any) -> DevelopmentConfig:
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
    config.save()
    if created:
        audit.record_create(actor, config)
    else:
        audit.record_update(actor, config, before)
    return config
