"""Writes of transfers: validate → change → audit, each in one transaction, the membership moves
through people.services (DOMAIN.md §1 组织关系转接; docs/transfers.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access import selectors as access_selectors
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.calendar import period_of
from dangjian.choices import PoliticalStatus
from dangjian.notifications import services as notifications
from dangjian.notifications.models import Kind as NotificationKind
from dangjian.organizations.models import PARTY_UNIT_KINDS, Organization, OrgKind
from dangjian.people import selectors as people_selectors
from dangjian.people import services as people_services
from dangjian.people.models import Membership, Person
from dangjian.people.validators import normalize_id_number
from dangjian.text import refuse_nul

from . import rules
from .models import OPEN_STATUSES, Kind, MemberStatus, Status, Transfer
from .selectors import dues_paid_up_to

if TYPE_CHECKING:
    from dangjian.access.models import User

NOTIFY_KIND = NotificationKind.TRANSFER
_RECEIVING_KINDS = PARTY_UNIT_KINDS | {OrgKind.PARTY_GROUP}


def _field(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def open_transfer_of(person: Person) -> Transfer | None:
    """The person's letter on its way, if any (the selectors' `open_transfer_of`, here for the
    services' own checks)."""
    return Transfer.objects.filter(person=person, status__in=OPEN_STATUSES).select_related("to_org").first()


def _check_letter_dates(
    errors: dict[str, list[str]], *, issued_on: dt.date, valid_until: dt.date, today: dt.date
) -> None:
    if issued_on > today:
        errors.setdefault("issued_on", []).append(
            _("The letter's date %(date)s is in the future. Date it today or earlier.")
            % {"date": issued_on.isoformat()}
        )
    problem = rules.validity_error(issued_on, valid_until)
    if problem:
        errors.setdefault("valid_until", []).append(problem)


def _officers(org: Organization | None) -> list[User]:
    """The officers told about a letter of `org`: its own, or the nearest above that has any."""
    if org is None:
        return []
    return access_selectors.nearest_role_holders(reversed(org.path_ids()), access_selectors.BRANCH_OFFICER_ROLES)


def _tell(*, actor: User | None, transfer: Transfer, org: Organization | None, what: str, texts: Any) -> None:
    notifications.notify_event(
        actor=actor,
        users=_officers(org),
        kind=NOTIFY_KIND,
        key=f"transfer:{transfer.pk}:{what}",
        url=reverse("transfers:detail", args=[transfer.pk]),
        texts=texts,
        about=transfer,
    )


# --- issuing -----------------------------------------------------------------------------------


def _next_sequence(org: Organization, year: int) -> int:
    """The organisation's next count of letters in `year`. Its row is locked for the rest of the
    transaction, so two letters issued at once by the same organisation take turns instead of
    both taking the same number (and one failing on the unique constraint)."""
    Organization.objects.select_for_update().filter(pk=org.pk).values_list("pk", flat=True).first()
    last = Transfer.objects.filter(from_org=org, year=year).aggregate(m=Max("sequence"))["m"]
    return (last or 0) + 1


@audit.write_transaction
def issue(
    *,
    actor: User | None,
    person: Person,
    dues_paid_to: dt.date | None = None,
    to_org: Organization | None = None,
    outside_org_name: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    reason: str = "",
    today: dt.date | None = None,
) -> Transfer:
    """The sending branch issues a letter: to `to_org` inside the platform (internal), or to the
    organisation named `outside_org_name` outside it (outgoing, the three-part paper letter). The
    member stays with the sender until the letter is accepted (or its receipt comes back)."""
    today = _today(today)
    issued_on = issued_on or today
    valid_until = valid_until or rules.default_valid_until(issued_on)
    refuse_nul(outside_org_name=outside_org_name, reason=reason)
    outside_org_name, reason = outside_org_name.strip(), reason.strip()
    errors: dict[str, list[str]] = {}
    membership = people_selectors.open_membership_of(person)
    if membership is None or person.political_status not in (PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL):
        raise _field(
            "person",
            _("%(name)s has no open membership record: only a party member's relationship is transferred.")
            % {"name": person.name},
        )
    from_org = membership.organization
    pending = open_transfer_of(person)
    if pending is not None:
        errors.setdefault("person", []).append(
            _(
                "%(name)s already has a letter on its way (number %(number)s, to %(to)s). Wait until it is accepted "
                "or returned, or cancel it, before issuing another."
            )
            % {"name": person.name, "number": pending.number, "to": pending.receiver_name}
        )
    if to_org is not None:
        if to_org.kind not in _RECEIVING_KINDS:
            errors.setdefault("to_org", []).append(
                _("A letter goes to a branch, general branch, joint branch or enterprise party committee.")
            )
        elif from_org.path.startswith(to_org.path) or to_org.path.startswith(from_org.path):
            errors.setdefault("to_org", []).append(
                _("%(org)s is %(name)s's own branch: a transfer goes to another one.")
                % {"org": to_org.display_name, "name": person.name}
            )
        if outside_org_name:
            errors.setdefault("outside_org_name", []).append(
                _("Choose a branch in the platform or name an organisation outside it, not both.")
            )
    elif not outside_org_name:
        errors.setdefault("to_org", []).append(
            _("Choose the receiving branch, or name the receiving organisation if it is outside the platform.")
        )
    if dues_paid_to is None:
        # Unsaid, the letter states what the dues ledger has (selectors.dues_paid_up_to).
        dues_paid_to = dues_paid_up_to(person.pk)
    if dues_paid_to is None:
        errors.setdefault("dues_paid_to", []).append(
            _("The dues ledger has no month of this member's paid: say up to which month their dues are paid.")
        )
    _check_letter_dates(errors, issued_on=issued_on, valid_until=valid_until, today=today)
    if errors:
        raise ValidationError(errors)
    assert dues_paid_to is not None  # for the type: refused above
    sequence = _next_sequence(from_org, issued_on.year)
    transfer = Transfer(
        kind=Kind.INTERNAL if to_org is not None else Kind.OUTGOING,
        status=Status.ISSUED,
        number=rules.letter_number(from_org.pk, issued_on.year, sequence),
        year=issued_on.year,
        sequence=sequence,
        person=person,
        from_org=from_org,
        to_org=to_org,
        outside_org_name=outside_org_name,
        person_name=person.name,
        gender=person.gender,
        ethnicity=person.ethnicity,
        birth_date=person.birth_date,
        member_status=MemberStatus.FULL
        if person.political_status == PoliticalStatus.FULL
        else MemberStatus.PROBATIONARY,
        admitted_on=membership.admitted_on,
        converted_on=membership.converted_on,
        reason=reason,
        issued_on=issued_on,
        valid_until=valid_until,
        dues_paid_to=period_of(dues_paid_to).first_day,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    transfer.full_clean(exclude=["person", "from_org", "to_org", "issued_by"])
    transfer.save()
    audit.record_create(actor, transfer)
    if to_org is not None:
        _tell(
            actor=actor,
            transfer=transfer,
            org=to_org,
            what="issued",
            texts=lambda: (
                _("A membership transfer letter for %(name)s awaits your acceptance") % {"name": transfer.person_name},
                _("From %(from)s, letter %(number)s, valid until %(until)s.")
                % {"from": from_org.display_name, "number": transfer.number, "until": transfer.valid_until.isoformat()},
            ),
        )
    return transfer


def _require(transfer: Transfer, kinds: Iterable[str], statuses: Iterable[str], doing: str) -> None:
    """Refuse unless the letter is of one of `kinds` and in one of `statuses` as it is now: its row
    is locked for the rest of the transaction and read afresh first, so that two people acting on
    the same letter at once (an acceptance and a cancellation) cannot both succeed; the second is
    told what the letter has become."""
    transfer.refresh_from_db(from_queryset=Transfer.objects.select_for_update())
    if transfer.kind not in kinds or transfer.status not in statuses:
        raise ValidationError(
            _("%(doing)s is not possible: the letter %(number)s is %(status)s.")
            % {"doing": doing, "number": transfer.number, "status": transfer.get_status_display()}
        )


@audit.write_transaction
def cancel(*, actor: User | None, transfer: Transfer, reason: str, today: dt.date | None = None) -> Transfer:
    """The sending branch withdraws a letter issued by mistake, before it is accepted; the
    member stays."""
    _require(transfer, [Kind.INTERNAL, Kind.OUTGOING], [Status.ISSUED], _("Cancelling"))
    refuse_nul(reason=reason)
    if not reason.strip():
        raise _field("reason", _("Say why the letter is cancelled; the receiving branch reads it."))
    audit.update_model(
        actor=actor,
        instance=transfer,
        data={"status": Status.CANCELLED, "cancelled_reason": reason.strip(), "done_on": _today(today)},
        clean=False,
    )
    if transfer.to_org_id:
        _tell(
            actor=actor,
            transfer=transfer,
            org=transfer.to_org,
            what="cancelled",
            texts=lambda: (
                _("The transfer letter %(number)s for %(name)s was cancelled")
                % {"number": transfer.number, "name": transfer.person_name},
                transfer.cancelled_reason,
            ),
        )
    return transfer


def _move(*, actor: User | None, transfer: Transfer, on: dt.date) -> Membership:
    """End the member's record at the sender (reason: transferred) on `on`."""
    person = transfer.person
    membership = people_selectors.open_membership_of(person) if person is not None else None
    if membership is None or membership.organization_id != transfer.from_org_id:
        raise ValidationError(
            _(
                "%(name)s's membership is no longer with %(org)s, which issued the letter: it has changed since. "
                "Return the letter and ask for a new one."
            )
            % {"name": transfer.person_name, "org": transfer.sender_name}
        )
    if on < membership.admitted_on:
        raise _field("on", _("The date is before the member's admission."))
    people_services.update_membership(
        actor=actor, membership=membership, ended_on=on, end_reason=Membership.EndReason.TRANSFERRED
    )
    return membership


@audit.write_transaction
def accept(
    *, actor: User | None, transfer: Transfer, on: dt.date | None = None, today: dt.date | None = None
) -> Transfer:
    """The receiving branch accepts a letter: the member's record at the sender ends (reason
    transferred) and one opens here with the same admission and conversion dates, joined on the
    day of acceptance."""
    today = _today(today)
    on = on or today
    _require(transfer, [Kind.INTERNAL], [Status.ISSUED], _("Accepting"))
    problem = rules.acceptance_error(issued_on=transfer.issued_on, valid_until=transfer.valid_until, on=on, today=today)
    if problem:
        raise _field("on", problem)
    assert transfer.person is not None and transfer.to_org is not None  # an issued internal letter has both
    ended = _move(actor=actor, transfer=transfer, on=on)
    people_services.add_membership(
        actor=actor,
        person=transfer.person,
        organization=transfer.to_org,
        admitted_on=ended.admitted_on,
        converted_on=ended.converted_on,
        joined_org_on=on,
    )
    audit.update_model(
        actor=actor,
        instance=transfer,
        data={"status": Status.ACCEPTED, "done_on": on, "done_by": actor},
        clean=False,
    )
    _tell(
        actor=actor,
        transfer=transfer,
        org=transfer.from_org,
        what="accepted",
        texts=lambda: (
            _("%(to)s accepted %(name)s's transfer") % {"to": transfer.receiver_name, "name": transfer.person_name},
            _("Letter %(number)s, accepted on %(on)s.") % {"number": transfer.number, "on": on.isoformat()},
        ),
    )
    return transfer


@audit.write_transaction
def return_letter(*, actor: User | None, transfer: Transfer, reason: str, today: dt.date | None = None) -> Transfer:
    """The receiving branch returns a letter with its reason; the member stays with the sender,
    who reads the reason."""
    _require(transfer, [Kind.INTERNAL], [Status.ISSUED], _("Returning"))
    refuse_nul(reason=reason)
    if not reason.strip():
        raise _field("reason", _("Say why the letter is returned; the sending branch reads it."))
    audit.update_model(
        actor=actor,
        instance=transfer,
        data={"status": Status.RETURNED, "returned_reason": reason.strip(), "done_on": _today(today), "done_by": actor},
        clean=False,
    )
    _tell(
        actor=actor,
        transfer=transfer,
        org=transfer.from_org,
        what="returned",
        texts=lambda: (
            _("%(to)s returned %(name)s's transfer letter")
            % {"to": transfer.receiver_name, "name": transfer.person_name},
            _("Reason: %(reason)s") % {"reason": transfer.returned_reason},
        ),
    )
    return transfer


@audit.write_transaction
def record_receipt(
    *,
    actor: User | None,
    transfer: Transfer,
    received_on: dt.date,
    receipt_org_name: str,
    today: dt.date | None = None,
) -> Transfer:
    """The receipt (回执) of a letter to an organisation outside the platform came back: the
    sending branch's responsibility ends, and so does the membership record (reason
    transferred) on the day the receipt says."""
    today = _today(today)
    _require(transfer, [Kind.OUTGOING], [Status.ISSUED], _("Recording the receipt"))
    refuse_nul(receipt_org_name=receipt_org_name)
    errors: dict[str, list[str]] = {}
    if not receipt_org_name.strip():
        errors["receipt_org_name"] = [_("Name the organisation that sent the receipt back.")]
    if received_on > today:
        errors["received_on"] = [_("The receipt's date is in the future.")]
    elif received_on < transfer.issued_on:
        errors["received_on"] = [
            _("The receipt's date is before the letter's (%(issued)s).") % {"issued": transfer.issued_on.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    _move(actor=actor, transfer=transfer, on=received_on)
    audit.update_model(
        actor=actor,
        instance=transfer,
        data={
            "status": Status.RECEIPTED,
            "done_on": received_on,
            "done_by": actor,
            "receipt_org_name": receipt_org_name.strip(),
        },
        clean=False,
    )
    return transfer


@audit.write_transaction
def record_past_transfer(
    *,
    actor: User | None,
    membership: Membership,
    from_org: Organization,
    issued_on: dt.date,
    valid_until: dt.date,
    dues_paid_to: dt.date,
    reason: str = "",
    today: dt.date | None = None,
) -> Transfer:
    """A transfer made on paper before the platform kept it, entered as history: `membership`
    (the record at the receiving organisation, joined on the day of acceptance) came from
    `from_org` by a letter of `issued_on`. The letter is kept as accepted, numbered as the
    sending organisation's, and the member's record there (from admission to the acceptance,
    reason transferred) is added if the history lacks it, so that the person page and the
    figures as of any past day follow the records."""
    today = _today(today)
    accepted_on = membership.joined_org_on
    errors: dict[str, list[str]] = {}
    if accepted_on is None or accepted_on <= membership.admitted_on:
        errors["membership"] = [_("The record does not say it was joined by a transfer (no later joining date).")]
    # The letter as it stood on the day it was accepted (and that day not in the future).
    elif problem := rules.acceptance_error(
        issued_on=issued_on, valid_until=valid_until, on=accepted_on, today=min(today, accepted_on)
    ):
        errors["valid_until"] = [problem]
    if from_org.pk == membership.organization_id:
        errors["from_org"] = [_("A transfer comes from another organisation.")]
    _check_letter_dates(errors, issued_on=issued_on, valid_until=valid_until, today=today)
    if errors:
        raise ValidationError(errors)
    assert accepted_on is not None  # refused above
    person = membership.person
    earlier = people_selectors.memberships_of(person).filter(organization=from_org, ended_on=accepted_on).exists()
    if not earlier:
        people_services.add_membership(
            actor=actor,
            person=person,
            organization=from_org,
            admitted_on=membership.admitted_on,
            converted_on=membership.converted_on
            if membership.converted_on and membership.converted_on <= accepted_on
            else None,
            ended_on=accepted_on,
            end_reason=Membership.EndReason.TRANSFERRED,
        )
    sequence = _next_sequence(from_org, issued_on.year)
    full = membership.converted_on is not None and membership.converted_on <= issued_on
    transfer = Transfer(
        kind=Kind.INTERNAL,
        status=Status.ACCEPTED,
        number=rules.letter_number(from_org.pk, issued_on.year, sequence),
        year=issued_on.year,
        sequence=sequence,
        person=person,
        from_org=from_org,
        to_org=membership.organization,
        person_name=person.name,
        gender=person.gender,
        ethnicity=person.ethnicity,
        birth_date=person.birth_date,
        member_status=MemberStatus.FULL if full else MemberStatus.PROBATIONARY,
        admitted_on=membership.admitted_on,
        converted_on=membership.converted_on if full else None,
        reason=reason,
        issued_on=issued_on,
        valid_until=valid_until,
        dues_paid_to=period_of(dues_paid_to).first_day,
        done_on=accepted_on,
    )
    transfer.save()
    audit.record_create(actor, transfer)
    return transfer


# --- in from outside ---------------------------------------------------------------------------

INCOMING_FIELDS = (
    "outside_org_name",
    "number",
    "issued_on",
    "valid_until",
    "dues_paid_to",
    "person_name",
    "gender",
    "ethnicity",
    "birth_date",
    "member_status",
    "admitted_on",
    "converted_on",
    "reason",
)


@audit.write_transaction
def register_incoming(
    *, actor: User | None, to_org: Organization, today: dt.date | None = None, **fields: Any
) -> Transfer:
    """A letter from an organisation outside the platform, received by `to_org`: registered as it
    states the member, to be verified and then placed."""
    today = _today(today)
    data = {k: v for k, v in fields.items() if k in INCOMING_FIELDS}
    refuse_nul(**{k: v for k, v in data.items() if isinstance(v, str)})
    for k, v in data.items():
        if isinstance(v, str):
            data[k] = v.strip()
    transfer = Transfer(kind=Kind.INCOMING, status=Status.REGISTERED, to_org=to_org, **data)
    errors: dict[str, list[str]] = {}
    if to_org.kind not in _RECEIVING_KINDS:
        errors["to_org"] = [_("A member is placed in a branch, general branch, joint branch or party committee.")]
    for name, message in (
        ("outside_org_name", _("Name the organisation that issued the letter.")),
        ("number", _("Enter the letter's number as it is printed.")),
        ("person_name", _("Enter the member's name as the letter states it.")),
        ("member_status", _("Say whether the member is probationary or full, as the letter states.")),
        ("admitted_on", _("Enter the date of admission the letter states.")),
    ):
        if not getattr(transfer, name):
            errors.setdefault(name, []).append(message)
    if transfer.number and transfer.outside_org_name:
        # The same letter registered twice (it names no person until it is placed, so the
        # one-open-letter constraint cannot see it): the letter is its organisation and number,
        # looked for among the letters to this branch only (whose letters the user reads).
        twin = Transfer.objects.filter(
            kind=Kind.INCOMING,
            to_org=to_org,
            status__in=OPEN_STATUSES,
            outside_org_name=transfer.outside_org_name,
            number=transfer.number,
        ).first()
        if twin is not None:
            errors.setdefault("number", []).append(
                _(
                    "The letter %(number)s of %(org)s is already registered (%(status)s, for %(name)s). "
                    "Open it from the list of transfers instead of registering it again."
                )
                % {
                    "number": twin.number,
                    "org": twin.outside_org_name,
                    "status": twin.get_status_display(),
                    "name": twin.person_name,
                }
            )
    if transfer.dues_paid_to is None:
        errors.setdefault("dues_paid_to", []).append(_("Say up to which month the member's dues are paid."))
    else:
        transfer.dues_paid_to = period_of(transfer.dues_paid_to).first_day
    if transfer.issued_on is None or transfer.valid_until is None:
        errors.setdefault("issued_on", []).append(_("Enter the letter's date and the date it is valid until."))
    else:
        _check_letter_dates(errors, issued_on=transfer.issued_on, valid_until=transfer.valid_until, today=today)
    if transfer.member_status == MemberStatus.FULL and not transfer.converted_on:
        errors.setdefault("converted_on", []).append(_("A full member's letter states the date of conversion."))
    if transfer.member_status == MemberStatus.PROBATIONARY and transfer.converted_on:
        errors.setdefault("converted_on", []).append(_("A probationary member has no date of conversion yet."))
    if transfer.admitted_on and transfer.converted_on and transfer.converted_on < transfer.admitted_on:
        errors.setdefault("converted_on", []).append(_("Conversion cannot come before admission."))
    if errors:
        raise ValidationError(errors)
    transfer.full_clean(exclude=["person", "from_org", "to_org", "issued_by", "done_by", "verified_by"])
    transfer.save()
    audit.record_create(actor, transfer)
    return transfer


@audit.write_transaction
def verify_incoming(*, actor: User | None, transfer: Transfer, today: dt.date | None = None) -> Transfer:
    """Someone of the receiving branch checked the letter against the sender (a call, the
    seal): who and when are kept."""
    _require(transfer, [Kind.INCOMING], [Status.REGISTERED], _("Verifying"))
    audit.update_model(
        actor=actor,
        instance=transfer,
        data={"status": Status.VERIFIED, "verified_on": _today(today), "verified_by": actor},
        clean=False,
    )
    return transfer


@audit.write_transaction
def place_incoming(
    *,
    actor: User | None,
    transfer: Transfer,
    id_number: str,
    on: dt.date | None = None,
    employer: Any = None,
    today: dt.date | None = None,
) -> Transfer:
    """Place the member of a verified incoming letter in its branch: their person record (found
    by ID number among those the user may see, or created) and a membership record with the
    letter's admission and conversion dates, joined on the day of placement."""
    today = _today(today)
    on = on or today
    _require(transfer, [Kind.INCOMING], [Status.VERIFIED], _("Placing"))
    problem = rules.acceptance_error(issued_on=transfer.issued_on, valid_until=transfer.valid_until, on=on, today=today)
    if problem:
        raise _field("on", problem)
    refuse_nul(id_number=id_number)
    number = normalize_id_number(id_number or "")
    if not number:
        raise _field("id_number", _("Enter the member's ID number: it finds or creates their record."))
    answer = people_services.answer_id_number(actor=actor, number=number)
    person: Person | None = None
    if answer.person is not None:
        person = answer.person
    elif answer.message:
        raise _field("id_number", answer.message)
    if person is not None:
        if person.name != transfer.person_name:
            raise _field(
                "id_number",
                _("This ID number is %(name)s's, but the letter is for %(letter)s. Check the number.")
                % {"name": person.name, "letter": transfer.person_name},
            )
        if people_selectors.open_membership_of(person) is not None:
            raise _field(
                "id_number",
                _("%(name)s already has an open membership record; transfer it within the platform instead.")
                % {"name": person.name},
            )
    else:
        fields: dict[str, Any] = {
            "name": transfer.person_name,
            "gender": transfer.gender,
            "ethnicity": transfer.ethnicity,
            "birth_date": transfer.birth_date,
            "id_number": number,
        }
        if employer is not None:
            fields["employer"] = employer
        try:
            person = people_services.create_person(actor=actor, **fields)
        except ValidationError as exc:
            # The person's fields come from the letter: the ID number is the one typed here.
            raise ValidationError({"id_number": [m for msgs in exc.message_dict.values() for m in msgs]}) from exc
    assert transfer.admitted_on is not None and transfer.to_org is not None  # registered with both
    people_services.add_membership(
        actor=actor,
        person=person,
        organization=transfer.to_org,
        admitted_on=transfer.admitted_on,
        converted_on=transfer.converted_on,
        joined_org_on=on,
    )
    audit.update_model(
        actor=actor,
        instance=transfer,
        data={"status": Status.PLACED, "person": person, "done_on": on, "done_by": actor},
        clean=False,
    )
    return transfer


# --- the daily tasks ---------------------------------------------------------------------------


def flag_expired(*, today: dt.date | None = None, actor: User | None = None) -> dict[str, int]:
    """The daily task: each letter past its validity and not accepted is flagged once to both
    sides (their officers), who return or cancel it and issue a new one."""
    today = _today(today)
    expired = list(
        Transfer.objects.filter(status=Status.ISSUED, valid_until__lt=today, expiry_flagged_on__isnull=True)
        .select_related("from_org", "to_org")
        .order_by("pk")
    )
    told = _flag(actor=actor, today=today, expired=expired)
    return {"expired": len(expired), "notifications": told}


@audit.write_transaction
def _flag(*, actor: User | None, today: dt.date, expired: list[Transfer]) -> int:
    drafts: list[notifications.Draft] = []
    for t in expired:
        url = reverse("transfers:detail", args=[t.pk])
        for org in (t.from_org, t.to_org):
            for user in _officers(org):

                def texts(t: Transfer = t) -> tuple[str, str]:
                    return (
                        _("The transfer letter %(number)s for %(name)s has expired unaccepted")
                        % {"number": t.number, "name": t.person_name},
                        _("It was valid until %(until)s. Return or cancel it, and issue a new one if needed.")
                        % {"until": t.valid_until.isoformat()},
                    )

                drafts.append(notifications.Draft(user, NOTIFY_KIND, f"transfer:{t.pk}:expired", url, texts))
    rows = notifications.notify_many(drafts=drafts, sent_on=today)
    for t in expired:
        audit.update_model(actor=actor, instance=t, data={"expiry_flagged_on": today}, clean=False)
    notifications.record_run(
        actor=actor,
        today=today,
        object_type="transfers.Transfer",
        name="transfer_expiry",
        figures={"expired": len(expired), "notifications": len(rows)},
    )
    return len(rows)


# What a stub loses after its retention: the person's detail and the link to their record, each
# with the value it is left with.
STUB_PERSONAL_FIELDS: dict[str, Any] = {
    "person": None,
    "person_name": "",
    "gender": "",
    "ethnicity": "",
    "birth_date": None,
    "admitted_on": None,
    "converted_on": None,
    "reason": "",
}


def stub_retention_years() -> int:
    return int(settings.TRANSFER_STUB_RETENTION_YEARS)


@audit.write_transaction
def purge_stub(*, actor: User | None, transfer: Transfer, today: dt.date | None = None) -> Transfer:
    """Remove the personal detail of an outgoing letter's stub once its retention has passed
    (TRANSFER_STUB_RETENTION_YEARS from the letter's date); refused before."""
    today = _today(today)
    transfer.refresh_from_db(from_queryset=Transfer.objects.select_for_update())
    if transfer.purged_on is not None:
        return transfer
    if transfer.kind != Kind.OUTGOING or transfer.status == Status.ISSUED:
        raise ValidationError(_("Only the stub of a letter out of the platform that is closed is removed."))
    kept_until = rules.stub_kept_until(transfer.issued_on, stub_retention_years())
    if today < kept_until:
        raise ValidationError(
            _("This stub is kept until %(date)s (%(years)d years from the letter's date); it cannot be removed before.")
            % {"date": kept_until.isoformat(), "years": stub_retention_years()}
        )
    # Saved and recorded by hand: the event names what was removed, never its values (an
    # update event would hold them as its "before").
    held = {name: getattr(transfer, name) for name in STUB_PERSONAL_FIELDS if name != "person"}
    held["person"] = transfer.person_id
    removed = [name for name in STUB_PERSONAL_FIELDS if held[name] not in (None, "")]
    for name, empty in STUB_PERSONAL_FIELDS.items():
        setattr(transfer, name, empty)
    transfer.purged_on = today
    transfer.save(update_fields=[*STUB_PERSONAL_FIELDS, "purged_on", "updated_at"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=transfer,
        changes={"personal_detail_removed": removed, "purged_on": [None, today.isoformat()]},
    )
    return transfer


def purge_old_stubs(*, today: dt.date | None = None, actor: User | None = None) -> dict[str, int]:
    """The daily task: the stubs past their retention lose their personal detail, each audited."""
    today = _today(today)
    cutoff = rules.stub_kept_until(today, -stub_retention_years())
    due = Transfer.objects.filter(kind=Kind.OUTGOING, purged_on__isnull=True, issued_on__lte=cutoff).exclude(
        status=Status.ISSUED
    )
    purged = 0
    for t in due.select_related("from_org").order_by("pk"):
        try:
            purge_stub(actor=actor, transfer=t, today=today)
        except ValidationError:  # a letter of 29 February: its day comes tomorrow
            continue
        purged += 1
    return {"purged": purged}
