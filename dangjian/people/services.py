"""Writes to persons and membership records: validate → change → audit, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access.scopes import VIEW, can
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.bulk import Staging, reserve_ids
from dangjian.choices import PoliticalStatus
from dangjian.organizations.models import PARTY_UNIT_KINDS, OrgKind

from . import id_checks, rules
from .crypto import blind_index
from .models import Membership, Person
from .validators import mask_id_number, normalize_id_number, parse_id_number

if TYPE_CHECKING:
    from dangjian.access.models import User

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


# --- "is this ID number registered?" ----------------------------------------------------------
FREE, YOURS, ELSEWHERE, PAUSED, REGISTERED = "free", "yours", "elsewhere", "paused", "registered"


@dataclass(frozen=True)
class IdNumberAnswer:
    """What a user is told about an ID number they typed (see `answer_id_number`)."""

    kind: str
    person: Person | None = None  # YOURS: the person, whom the asker may see
    until: dt.datetime | None = None  # PAUSED: when checks resume

    @property
    def message(self) -> str:
        if self.kind == YOURS:
            return _(
                "A person with this ID number is already registered: %(name)s. Open their record instead of "
                "adding them again."
            ) % {"name": self.person.name if self.person is not None else ""}
        if self.kind == ELSEWHERE:
            return _(
                "This ID number belongs to a person registered outside your organisation. Ask the organisation "
                "that keeps their record to release or transfer them."
            )
        if self.kind == PAUSED:
            return _(
                "Several ID numbers you entered this hour belong to people registered outside your organisation, "
                "so ID-number checks are paused until %(until)s. Try again then, or ask your county organisation "
                "department."
            ) % {"until": timezone.localtime(self.until).strftime("%Y-%m-%d %H:%M")}
        if self.kind == REGISTERED:
            return _(
                "A person with this ID number is already registered. Search for them instead of adding them again."
            )
        return ""


def answer_id_number(
    *, actor: User | None, number: str, person: Person | None = None, record: bool = True
) -> IdNumberAnswer:
    """Whether `number` (valid, normalised) is registered to someone other than `person`, as far
    as `actor` may be told. Inside the actor's scope: YOURS, with the person. Outside it: ELSEWHERE,
    counted against the actor's hourly quota (people.id_checks) and audited as a disclosure about
    that person (who asked, the masked number; the person's organisation reads it in its log).
    With the quota used up, PAUSED for every number not in scope, registered or not, so the pause
    says nothing either. `actor` None is the system itself (commands, the demo): told in full.

    Callers ask before their write's transaction (the forms, the API, the admin, a roster check),
    so the audit event stands when the write is refused; the services ask again (clean_person)
    and a repeated question is neither counted nor recorded twice. `record=False` (an import's
    write, whose refusal is followed by a fresh check) neither counts nor records."""
    index = blind_index(number)
    clash = Person.objects.filter(id_number_index=index)
    if person is not None and person.pk is not None:
        clash = clash.exclude(pk=person.pk)
    found = clash.select_related("employer", "party_org").first()
    if actor is None:
        return IdNumberAnswer(REGISTERED) if found else IdNumberAnswer(FREE)
    if found is not None and can(actor, VIEW, found):
        return IdNumberAnswer(YOURS, person=found)
    return answer_out_of_scope(actor=actor, number=number, found=found, record=record)


def answer_out_of_scope(*, actor: User, number: str, found: Person | None, record: bool = True) -> IdNumberAnswer:
    """The rest of `answer_id_number` once the person registered with `number` (or None) has been
    looked up and found outside what `actor` may see: a roster check looks up a whole chunk of
    rows at once and calls this per row, so a file of numbers from elsewhere costs no query per
    row, only the cache's counting and, within the quota, the audit event."""
    index = blind_index(number)
    if found is not None and id_checks.already_answered(actor, index):
        return IdNumberAnswer(ELSEWHERE)
    quota = id_checks.quota(actor)
    if quota.left <= 0:
        return IdNumberAnswer(PAUSED, until=quota.resets_at)
    if found is None:
        return IdNumberAnswer(FREE)
    if record:
        id_checks.note_answer(actor, index)
        audit.record(
            actor=actor,
            action=Action.REVEAL,
            obj=found,
            changes={"field": "id_number", "answer": "registered elsewhere", "id_number": mask_id_number(number)},
        )
    return IdNumberAnswer(ELSEWHERE)


def ask_id_number(*, actor: User | None, value: str, person: Person | None = None) -> IdNumberAnswer:
    """`answer_id_number` for what a user typed into a form or an API call, asked before the
    write. Not a valid ID number, or the person's own: FREE (the write's validation explains)."""
    number = normalize_id_number(value or "")
    try:
        parse_id_number(number)
    except ValidationError:
        return IdNumberAnswer(FREE)
    stored = person if person is not None and person.pk is not None else None
    if stored is not None and stored.id_number_index == blind_index(number):
        return IdNumberAnswer(FREE)
    return answer_id_number(actor=actor, number=number, person=stored)


def clean_person(person: Person, *, actor: User | None = None, number_matched: bool = False) -> None:
    """Normalise and validate a person (saved or not) without writing; raises ValidationError
    keyed by field. The roster import checks its rows with this before anything is written.
    Whether a new or changed ID number is taken is answered as `actor` may be told
    (`answer_id_number`; None: the system, told in full). `number_matched`: the caller has just
    looked the number up among everyone registered (a roster matches a chunk's numbers in one
    query, and tells rows whose number is taken itself), so it is not asked again per row."""
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
            if not number_matched and (actor is None or person.id_number_index != index):  # new or changed
                answer = answer_id_number(actor=actor, number=person.id_number, person=person)
                if answer.message:
                    errors.setdefault("id_number", []).append(answer.message)
            person.id_number_index = index
    else:
        person.id_number_index = None
    if person.phone and not (person.phone.lstrip("+").replace("-", "").isdigit() and 7 <= len(person.phone) <= 20):
        errors.setdefault("phone", []).append(_("A phone number has 7 to 20 digits."))
    team = person.team if person.team_id else None
    if team is not None and team.enterprise_id != person.employer_id:
        errors.setdefault("team", []).append(_("The production team must belong to the person's employer."))
    if team is not None and team.kind != "team":
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
def create_person(*, actor: User | None, **fields: Any) -> Person:
    person = Person(**{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    clean_person(person, actor=actor)
    person.save()
    audit.record_create(actor, person)
    if person.is_league_member:
        refresh_derived(person)  # a League member starts as one, not as the masses
    # Otherwise a new person has no records yet: the defaults (the masses, no organisation) hold.
    return person


@audit.write_transaction
def update_person(*, actor: User | None, person: Person, **fields: Any) -> Person:
    audit.update_model(
        actor=actor, instance=person, data=fields, fields=PERSON_FIELDS, clean=lambda p: clean_person(p, actor=actor)
    )
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


def reserve_person_ids(n: int) -> list[int]:
    """`n` ids for new people staged now and written later (`stage_people`), taken in a short
    transaction of their own."""
    with transaction.atomic():
        return reserve_ids(Person._meta.db_table, n)


def people_staging(columns: Sequence[str]) -> Staging:
    """A staging table for new people given as `columns` (`stage_people`), to drop once written."""
    return Staging(Person._meta.db_table, ["id", *_person_columns(columns)])


def _person_columns(columns: Sequence[str]) -> list[str]:
    fields = [cast("Field[Any, Any]", Person._meta.get_field(c)) for c in [*columns, *_DEFAULTED]]
    return [str(f.column) for f in fields]


_DEFAULTED = ("political_status", "party_org", "created_at", "updated_at")


def stage_people(staging: Staging, columns: Sequence[str], rows: Sequence[Sequence[Any]], ids: Sequence[int]) -> None:
    """People already cleaned (a roster import's: `clean_person` ran on each while the file was
    prepared, the sensitive values sealed with crypto.seal), as new people with the default
    derived status (the masses, no organisation), staged with their reserved ids
    (`reserve_person_ids`) outside any transaction; `write_staged_people` writes them, in one
    statement, without the ORM's per-value work. Records no event: the caller stages theirs."""
    if not rows:
        return
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    tail = (str(PoliticalStatus.MASSES), None, stamp, stamp)
    dates = [i for i, c in enumerate(columns) if Person._meta.get_field(c).get_internal_type() == "DateField"]
    adapt = connection.ops.adapt_datefield_value

    def prepared(pk: int, row: Sequence[Any]) -> tuple[Any, ...]:
        values = list(row)
        for i in dates:
            values[i] = adapt(values[i])
        return (pk, *values, *tail)

    staging.add([prepared(pk, row) for pk, row in zip(ids, rows, strict=True)])


def staged_numbers_taken(staging: Staging) -> bool:
    """Whether a staged person's ID number has been registered since it was staged."""
    quote = connection.ops.quote_name
    column = quote(str(Person._meta.get_field("id_number_index").column))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {quote(staging.name)} AS s JOIN {quote(Person._meta.db_table)} AS p "
            f"ON p.{column} = s.{column} LIMIT 1"
        )
        return cursor.fetchone() is not None


def write_staged_people(staging: Staging) -> int:
    """Write the staged people (inside the caller's write transaction)."""
    with transaction.atomic():
        return staging.copy_into()


def refresh_derived_many(person_ids: Iterable[int], today: dt.date | None = None) -> int:
    """`refresh_derived` for many people at once (a roster import's): the same rules, read in a
    few queries and written one UPDATE per resulting (status, organisation). Returns how many
    people changed."""
    today = today or timezone.localdate()
    ids = sorted(set(person_ids))
    changed = 0
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        memberships: dict[int, list[Membership]] = {}
        for m in Membership.objects.filter(person_id__in=chunk).order_by("-admitted_on"):
            memberships.setdefault(m.person_id, []).append(m)
        candidacy = {
            pk: (stage, org)
            for pk, stage, org in Person.objects.filter(
                pk__in=chunk, candidacies__stage__in=["applicant", "activist", "target"]
            ).values_list("pk", "candidacies__stage", "candidacies__organization_id")
        }
        moves: dict[tuple[str, int | None], list[int]] = {}
        for pk, league, status_now, org_now in Person.objects.filter(pk__in=chunk).values_list(
            "pk", "is_league_member", "political_status", "party_org_id"
        ):
            ms = memberships.get(pk, [])
            facts = [rules.MembershipFacts(m.admitted_on, m.converted_on, m.ended_on, m.end_reason) for m in ms]
            stage, cand_org = candidacy.get(pk, (None, None))
            status = rules.derive_political_status(facts, stage, league, today)
            open_m = next((m for m in ms if m.ended_on is None or m.ended_on > today), None)
            org_id = open_m.organization_id if open_m else cand_org
            if (status_now, org_now) != (status, org_id):
                moves.setdefault((str(status), org_id), []).append(pk)
        for (new_status, org_id), pks in moves.items():
            changed += Person.objects.filter(pk__in=pks).update(political_status=new_status, party_org_id=org_id)
    return changed


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
def add_membership(*, actor: User | None, person: Person, **fields: Any) -> Membership:
    m = Membership(person=person, **{k: v for k, v in fields.items() if k in MEMBERSHIP_FIELDS})
    clean_membership(m)
    m.save()
    audit.record_create(actor, m)
    refresh_derived(person)
    return m


@audit.write_transaction
def update_membership(*, actor: User | None, membership: Membership, **fields: Any) -> Membership:
    audit.update_model(actor=actor, instance=membership, data=fields, fields=MEMBERSHIP_FIELDS, clean=clean_membership)
    refresh_derived(membership.person)
    return membership


def reveal(*, actor: User, person: Person, field: str) -> str:
    """Return a sensitive value in clear and log that this user saw it (the caller checks REVEAL)."""
    if field not in Person.SENSITIVE_FIELDS:
        raise ValueError(field)
    audit.record(actor=actor, action=Action.REVEAL, obj=person, changes={"field": field})
    value: str = getattr(person, field)
    return value
