"""Transfers of membership (组织关系转接, DOMAIN.md §1): a member's party organisation moves with
them when they change employer.

Three kinds, one table (`Transfer`), because the person page and the lists show them as one
history of moves:

- **internal**: branch to branch inside the platform (any county). The sending branch issues a
  letter; the receiving branch accepts it (the membership moves: people.services ends the
  sender's record, reason "transferred", and opens the receiver's with the same admission and
  conversion dates) or returns it with a reason (the member stays). Until acceptance the member
  stays with the sender.
- **outgoing**: to an organisation outside the platform, on the three-part paper letter (存根 stub
  / 主件 letter / 回执 receipt, printed as PDF). The sending branch stays responsible until the
  receipt comes back; recording it ends the membership. Stubs are kept for
  TRANSFER_STUB_RETENTION_YEARS, then their personal detail is removed.
- **incoming**: a letter from outside, registered, verified, and the member placed in a branch
  (their person and membership records created through people.services).

The person's facts on the letter (name, gender, ethnicity, date of birth, status, admission and
conversion dates) are kept on the row as the letter states them: a receiving branch in another
county reads the letter addressed to it without reading the sender's person records, and an
incoming letter has them before there is any person. The ID number is never copied here: it is
the person's (encrypted, people), revealed — and audited — only when the paper letter is printed.

access.scopes reaches a transfer (resource "transfer") through both its organisations.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.organizations.models import Organization
from dangjian.people.choices import Ethnicity, Gender
from dangjian.people.models import Person
from dangjian.text import NO_NUL


class Kind(models.TextChoices):
    INTERNAL = "internal", _("Within the platform")
    OUTGOING = "outgoing", _("Out of the platform")
    INCOMING = "incoming", _("In from outside")


class Status(models.TextChoices):
    ISSUED = "issued", _("Issued, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")
    RECEIPTED = "receipted", _("Receipt returned")
    REGISTERED = "registered", _("Registered, to verify")
    VERIFIED = "verified", _("Verified, to place")
    PLACED = "placed", _("Placed in a branch")


# A letter still waiting for the other side: the member may have no second one.
OPEN_STATUSES = (Status.ISSUED, Status.REGISTERED, Status.VERIFIED)


class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


class Transfer(models.Model):
    # The person's detail as the letter states it never enters the audit log in clear (its events
    # say a value changed, "***", not what it was): the log is sealed and kept for good, while a
    # stub's detail is removed after its retention (services.purge_stub). The letter is named
    # in the log by its number alone (__str__).
    SENSITIVE_FIELDS = (
        "person_name",
        "gender",
        "ethnicity",
        "birth_date",
        "member_status",
        "admitted_on",
        "converted_on",
        "reason",
    )

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # The letter's number: ours for the letters we issue (rules.letter_number, unique), the
    # outside organisation's for an incoming one.
    number = models.CharField(_("letter number"), max_length=40, validators=[NO_NUL])
    year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="transfers", null=True, blank=True
    )
    from_org = models.ForeignKey(
        Organization,
        verbose_name=_("sending organisation"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
        null=True,
        blank=True,
    )
    to_org = models.ForeignKey(
        Organization,
        verbose_name=_("receiving organisation"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
        null=True,
        blank=True,
    )
    # Outgoing: the receiving organisation's name; incoming: the sending organisation's.
    outside_org_name = models.CharField(
        _("organisation outside the platform"), max_length=200, blank=True, validators=[NO_NUL]
    )
    # The letter as it states the person (see the module's docstring).
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=100, blank=True, validators=[NO_NUL])
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=Ethnicity.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    member_status = models.CharField(_("political status"), max_length=12, choices=MemberStatus.choices, blank=True)
    admitted_on = models.DateField(_("admitted as probationary member on"), null=True, blank=True)
    converted_on = models.DateField(_("converted to full member on"), null=True, blank=True)
    reason = models.CharField(_("reason for the transfer"), max_length=300, blank=True, validators=[NO_NUL])
    issued_on = models.DateField(_("letter dated"))
    valid_until = models.DateField(_("valid until"))
    dues_paid_to = models.DateField(_("dues paid up to (month)"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What happened to it.
    done_on = models.DateField(_("completed on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    returned_reason = models.CharField(_("reason for returning"), max_length=300, blank=True, validators=[NO_NUL])
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True, validators=[NO_NUL])
    receipt_org_name = models.CharField(
        _("organisation that sent the receipt"), max_length=200, blank=True, validators=[NO_NUL]
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The day the daily run told both sides the letter had expired (once).
    expiry_flagged_on = models.DateField(null=True, blank=True, editable=False)
    # The day the stub's personal detail was removed after its retention (outgoing letters).
    purged_on = models.DateField(_("personal detail removed on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("membership transfer")
        verbose_name_plural = _("membership transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["from_org", "year", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="transfers_one_number_per_org_year",
            ),
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(kind="incoming"), name="transfers_unique_own_number"
            ),
            # A person has at most one letter on its way (issued and not yet accepted, returned,
            # cancelled or receipted): DOMAIN.md §1, one membership at a time.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["issued", "registered", "verified"], person__isnull=False),
                name="transfers_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("issued_on")), name="transfers_valid_after_issue"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="transfers_status_valid"),
        ]

    def __str__(self) -> str:
        # The number alone: this is the audit events' name of the letter (SENSITIVE_FIELDS).
        return self.number

    def audit_org_path(self) -> str:
        org = self.from_org if self.from_org_id else self.to_org
        return org.path if org is not None else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def expired_on(self, today: dt.date) -> bool:
        """An issued letter past its validity, not accepted."""
        return self.status == Status.ISSUED and self.valid_until < today

    @property
    def sender_name(self) -> str:
        return self.from_org.display_name if self.from_org is not None else self.outside_org_name

    @property
    def receiver_name(self) -> str:
        return self.to_org.display_name if self.to_org is not None else self.outside_org_name
