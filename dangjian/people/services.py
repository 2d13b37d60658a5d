"""Writes to persons and membership records: validate → change → audit, in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.organizations.models import PARTY_UNIT_KINDS, OrgKind

from . import rules
from .crypto import blind_index
from .models import Membership, Person
from .validators import normalize_id_number, parse_id_number

PERSON_FIELDS = (
    "name",
    "name_latin",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "phone",
    "education",
    "post",
    "employer",
    "team",
    "hire_date",
    "is_league_member",
    "preferred_language",
)


def id_number_lookup(value: str) -> str:
    return blind_index(normalize_id_number(value))


def clean_person(person: Person) -> None:
    """Normalise and validate a person (saved or not) without writing; raises ValidationError
    keyed by field. The roster import checks its rows with this before anything is written."""
    errors: dict[str, list[str]] = {}
    person.name = (person.name or "").strip()
    person.phone = "".join((person.phone or "").split())
    if person.id_number:
        person.id_number = normalize_id_number(person.id_number)
        try:
            facts = parse_id_number(person.id_number)
        except ValidationError as exc:
            errors.setdefault("id_number", []).extend(exc.messages)
        else:
            if person.birth_date is None:
                person.birth_date = facts.birth_date
            elif person.birth_date != facts.birth_date:
                errors.setdefault("birth_date", []).append(
                    _("The date of birth %(typed)s does not match the one in the ID number (%(id)s).")
                    % {"typed": person.birth_date.isoformat(), "id": facts.birth_date.isoformat()}
                )
            if not person.gender:
                person.gender = facts.gender
            elif person.gender != facts.gender:
                errors.setdefault("gender", []).append(
                    _("The gender does not match the ID number (its 17th digit is %(digit)s, which means %(gender)s).")
                    % {"digit": person.id_number[16], "gender": _("male") if facts.gender == "M" else _("female")}
                )
            index = blind_index(person.id_number)
            clash = Person.objects.filter(id_number_index=index).exclude(pk=person.pk).exists()
            if clash:
                errors.setdefault("id_number", []).append(
                    _(
                        "A person with this ID number is already registered. Search for them instead of adding them again."
                    )
                )
            person.id_number_index = index
    else:
        person.id_number_index = None
    if person.phone and not (person.phone.lstrip("+").replace("-", "").isdigit() and 7 <= len(person.phone) <= 20):
        errors.setdefault("phone", []).append(_("A phone number has 7 to 20 digits."))
    if person.team_id and person.team.enterprise_id != person.employer_id:
        errors.setdefault("team", []).append(_("The production team must belong to the person's employer."))
    if person.team_id and person.team.kind != "team":
        errors.setdefault("team", []).append(_("Choose a production team, not a workshop."))
    if person.hire_date and person.birth_date and person.hire_date < person.birth_date:
        errors.setdefault("hire_date", []).append(_("The hire date is before the date of birth."))
    # When the ID number itself is wrong, do not also complain that the date of birth and gender
    # it would have supplied are missing.
    exclude = ["id_number_index"] + (["birth_date", "gender"] if "id_number" in errors else [])
    # A related row handed over as a loaded instance exists: skip full_clean's query for it (a
    # roster import validates hundreds of thousands of persons).
    exclude += [fk for fk in ("employer", "team") if _loaded(person, fk)]
    try:
        person.full_clean(exclude=exclude)
    except ValidationError as exc:
        for key, msgs in exc.message_dict.items():
            errors.setdefault(key, []).extend(m for m in msgs if m not in errors.get(key, []))
    if errors:
        raise ValidationError(errors)


def _loaded(obj: Any, fk: str) -> bool:
    related = obj._state.fields_cache.get(fk)
    return related is not None and related.pk is not None and not related._state.adding


@audit.write_transaction
def create_person(*, actor: Any, **fields: Any) -> Person:
    person = Person(**{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    clean_person(person)
    person.save()
    audit.record_create(actor, person)
    if person.is_league_member:
        refresh_derived(person)  # a League member starts as one, not as the masses
    # Otherwise a new person has no records yet: the defaults (the masses, no organisation) hold.
    return person


@audit.write_transaction
def update_person(*, actor: Any, person: Person, **fields: Any) -> Person:
    before = audit.snapshot(person)
    for key, value in fields.items():
        if key in PERSON_FIELDS:
            setattr(person, key, value)
    clean_person(person)
    person.save()
    audit.record_update(actor, person, before)
    refresh_derived(person)
    return person


def refresh_derived(person: Person, today: dt.date | None = None) -> Person:
    """Recompute the cached political status and party organisation from the records."""
    today = today or timezone.localdate()
    memberships = list(person.memberships.order_by("-admitted_on"))
    facts = [rules.MembershipFacts(m.admitted_on, m.converted_on, m.ended_on, m.end_reason) for m in memberships]
    candidacy = person.candidacies.filter(stage__in=["applicant", "activist", "target"]).first()
    status = rules.derive_political_status(
        facts, candidacy.stage if candidacy else None, person.is_league_member, today
    )
    open_m = next((m for m in memberships if m.ended_on is None or m.ended_on > today), None)
    org_id = open_m.organization_id if open_m else (candidacy.organization_id if candidacy else None)
    if (person.political_status, person.party_org_id) != (status, org_id):
        person.political_status, person.party_org_id = status, org_id
        Person.objects.filter(pk=person.pk).update(political_status=status, party_org_id=org_id)
    return person


def clean_membership(m: Membership) -> None:
    """Validate a membership record without writing (its person may be not yet saved)."""
    errors: dict[str, list[str]] = {}
    if m.organization.kind not in PARTY_UNIT_KINDS | {OrgKind.PARTY_GROUP}:
        errors["organization"] = [_("Membership belongs to a branch, general branch, joint branch or party committee.")]
    if m.converted_on and m.converted_on < m.admitted_on:
        errors["converted_on"] = [_("Conversion cannot come before admission.")]
    if m.ended_on and m.ended_on < m.admitted_on:
        errors["ended_on"] = [_("The end date cannot come before admission.")]
    if m.ended_on and not m.end_reason:
        errors["end_reason"] = [_("Say why the membership ended.")]
    if m.person.birth_date and rules.age_on(m.person.birth_date, m.admitted_on) < 18:
        errors["admitted_on"] = [
            _("A person is admitted at 18 or older; on this date they were %(age)d.")
            % {"age": rules.age_on(m.person.birth_date, m.admitted_on)}
        ]
    if m.ended_on is None and m.person.pk is not None:
        other = Membership.objects.filter(person=m.person, ended_on__isnull=True).exclude(pk=m.pk).first()
        if other:
            errors["organization"] = [
                _("This person already belongs to %(org)s. End or transfer that membership first.")
                % {"org": other.organization}
            ]
    today = timezone.localdate()
    if m.admitted_on and m.admitted_on > today:
        errors["admitted_on"] = [_("The admission date is in the future.")]
    # Records say what has happened: a conversion or an end is recorded when it happens, so the
    # derived status never waits on a date to pass.
    if m.converted_on and m.converted_on > today:
        errors["converted_on"] = [
            _("The conversion date is in the future. Record the conversion on the day it is approved.")
        ]
    if m.ended_on and m.ended_on > today:
        errors["ended_on"] = [_("The end date is in the future. Record the end on the day it happens.")]
    if errors:
        raise ValidationError(errors)


MEMBERSHIP_FIELDS = ("organization", "admitted_on", "converted_on", "joined_org_on", "ended_on", "end_reason")


@audit.write_transaction
def add_membership(*, actor: Any, person: Person, **fields: Any) -> Membership:
    m = Membership(person=person, **{k: v for k, v in fields.items() if k in MEMBERSHIP_FIELDS})
    clean_membership(m)
    m.save()
    audit.record_create(actor, m)
    refresh_derived(person)
    return m


@audit.write_transaction
def update_membership(*, actor: Any, membership: Membership, **fields: Any) -> Membership:
    before = audit.snapshot(membership)
    for key, value in fields.items():
        if key in MEMBERSHIP_FIELDS:
            setattr(membership, key, value)
    clean_membership(membership)
    membership.save()
    audit.record_update(actor, membership, before)
    refresh_derived(membership.person)
    return membership


def reveal(*, actor: Any, person: Person, field: str) -> str:
    """Return a sensitive value in clear and log that this user saw it (the caller checks REVEAL)."""
    if field not in Person.SENSITIVE_FIELDS:
        raise ValueError(field)
    audit.record(actor=actor, action=Action.REVEAL, obj=person, changes={"field": field})
    return getattr(person, field)
