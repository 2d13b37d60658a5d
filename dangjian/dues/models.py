"""Party dues (党费, DOMAIN.md §3; 中组发〔2008〕3号).

- `RateBand`: the rates as data. A band set is the rows of one category with one
  `effective_from`; a change adds rows with a later date and never rewrites the old ones.
- `DuesBase`: a member's monthly base (the regular after-tax pay, sensitive: stored encrypted)
  and category from a month on; a new wage applies from its month.
- `Relief`: a reduction or exemption for hardship, approved by the branch with a reason.
- `Charge`: one member's dues for one month, as charged: the band used, the regular amount, the
  amount due after any relief, and what was paid. A band change later never touches it.
- `Payment`: money received from a member (or on their behalf, 代缴), for one or several months
  (in advance), or a voluntary payment (≥ 1,000 yuan goes wholly to the Central Committee).
- `ClosedMonth`: a branch's month once its money is handed upward; reopened only with a reason.
- `Handover`: what a branch handed upward (上缴), when and to whom.

Every row is reached through its branch (`organization`), resource "dues" in access.scopes; a
member reads their own through `person` (SCOPE_SELF).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.organizations.models import Organization
from dangjian.people.crypto import EncryptedTextField
from dangjian.people.models import Person
from dangjian.text import NO_NUL


class Category(models.TextChoices):
    EMPLOYED = "employed", _("Employed (on a wage)")
    RETIRED = "retired", _("Retired")
    FARMER = "farmer", _("Farmer")
    STUDENT = "student", _("Student")
    UNEMPLOYED = "unemployed", _("Unemployed or laid off")
    RELIEF = "relief", _("Living on relief or the minimum allowance")


class RateBand(models.Model):
    """One band of a category's rates from `effective_from`: a base up to `up_to` (inclusive; None:
    no upper limit) pays `rate` of it, or a fixed monthly amount (`fixed`, up to `fixed_max` where
    the member may choose more, as farmers do)."""

    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    effective_from = models.DateField(_("effective from"))
    up_to = models.DecimalField(_("base up to (yuan)"), null=True, blank=True, max_digits=12, decimal_places=2)
    rate = models.DecimalField(_("rate"), max_digits=6, decimal_places=4, null=True, blank=True)
    fixed = models.DecimalField(_("fixed monthly amount"), null=True, blank=True, max_digits=12, decimal_places=2)
    fixed_max = models.DecimalField(_("highest fixed amount"), null=True, blank=True, max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rate band")
        verbose_name_plural = _("rate bands")
        ordering = ["category", "-effective_from", models.F("up_to").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["category", "effective_from", "up_to"], name="dues_band_once"),
            # One open-ended band per set (NULLs are distinct in the constraint above).
            models.UniqueConstraint(
                fields=["category", "effective_from"], condition=models.Q(up_to__isnull=True), name="dues_band_one_top"
            ),
            models.CheckConstraint(
                condition=models.Q(rate__isnull=False) | models.Q(fixed__isnull=False), name="dues_band_rate_or_fixed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.effective_from} ≤{self.up_to}"

    @property
    def percent(self) -> str:
        """The rate as a percentage, as people say it: "0.5", "1.5"."""
        return "" if self.rate is None else f"{(self.rate * 100).normalize():f}"

    def audit_org_path(self) -> str:
        return ""


class DuesBase(models.Model):
    """A member's base from `month` on, until their next base."""

    SENSITIVE_FIELDS = ("base_pay",)
    SCOPE_SELF = ("person",)

    person = models.ForeignKey(Person, verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues_bases")
    organization = models.ForeignKey(
        Organization, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("from month"))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, default=Category.EMPLOYED)
    # Decimal yuan as text, encrypted at rest (PIPL: individual income); "" for a fixed band.
    base_pay = EncryptedTextField(_("monthly base pay (after tax)"), blank=True)
    chosen_amount = models.DecimalField(
        _("chosen monthly amount"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    source = models.CharField(_("source"), max_length=10, default="form")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dues base")
        verbose_name_plural = _("dues bases")
        ordering = ["person_id", "-month"]
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="dues_base_once_a_month")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m}"

    def audit_org_path(self) -> str:
        return self.organization.path

    @property
    def pay(self) -> Decimal | None:
        return Decimal(self.base_pay) if self.base_pay else None


class Relief(models.Model):
    """A reduction (a lower monthly amount) or an exemption for hardship, for the months
    `first_month`..`last_month`, approved by the branch (支部委员会 or 党员大会) with a reason."""

    class Kind(models.TextChoices):
        REDUCED = "reduced", _("Reduced")
        EXEMPT = "exempt", _("Exempt")

    class Body(models.TextChoices):
        COMMITTEE = "committee", _("Branch committee")
        GENERAL = "general", _("Branch general meeting")

    SCOPE_SELF = ("person",)

    person = models.ForeignKey(Person, verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues_reliefs")
    organization = models.ForeignKey(
        Organization, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    amount = models.DecimalField(
        _("monthly amount when reduced"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    first_month = models.DateField(_("first month"))
    last_month = models.DateField(_("last month"))
    reason = models.CharField(_("reason"), max_length=300, validators=[NO_NUL])
    approved_by = models.CharField(_("approved by"), max_length=10, choices=Body.choices)
    approved_on = models.DateField(_("approved on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dues reduction or exemption")
        verbose_name_plural = _("dues reductions and exemptions")
        ordering = ["-first_month", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id} {self.first_month:%Y-%m}–{self.last_month:%Y-%m}"

    def audit_org_path(self) -> str:
        return self.organization.path


class Payment(models.Model):
    """Money received: regular dues for `months` months from `first_month` (more than one: in
    advance), or a voluntary payment (no months). `paid_by` is who handed it in on the member's
    behalf (代缴), empty when the member paid themself."""

    class Kind(models.TextChoices):
        DUES = "dues", _("Dues")
        VOLUNTARY = "voluntary", _("Voluntary payment")

    SCOPE_SELF = ("person",)

    person = models.ForeignKey(Person, verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues_payments")
    organization = models.ForeignKey(
        Organization, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DUES)
    amount = models.DecimalField(
        _("amount"), validators=[MinValueValidator(Decimal("0.01"))], max_digits=12, decimal_places=2
    )
    paid_on = models.DateField(_("paid on"))
    first_month = models.DateField(_("first month"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("months"), default=1)
    paid_by = models.ForeignKey(
        Person,
        verbose_name=_("paid on behalf by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dues_paid_for_others",
    )
    to_centre = models.BooleanField(_("goes wholly to the Central Committee"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[NO_NUL])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="dues_payment_positive")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.amount} {self.paid_on}"

    def audit_org_path(self) -> str:
        return self.organization.path


class Charge(models.Model):
    """One member's dues for one month, as charged when the month was charged."""

    SCOPE_SELF = ("person",)

    person = models.ForeignKey(Person, verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues_charges")
    organization = models.ForeignKey(
        Organization, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="dues_charges"
    )
    month = models.DateField(_("month"))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    band = models.ForeignKey(RateBand, verbose_name=_("rate band"), on_delete=models.PROTECT, related_name="+")
    regular = models.DecimalField(_("regular amount"), max_digits=12, decimal_places=2)
    due = models.DecimalField(pgettext_lazy("dues", "due"), max_digits=12, decimal_places=2)
    relief = models.ForeignKey(Relief, null=True, blank=True, on_delete=models.SET_NULL, related_name="charges")
    paid = models.DecimalField(_("paid"), default=Decimal("0.00"), max_digits=12, decimal_places=2)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="charges")

    class Meta:
        verbose_name = _("monthly dues")
        verbose_name_plural = _("monthly dues")
        ordering = ["month", "person_id"]
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="dues_charged_once_a_month")]
        indexes = [
            models.Index(fields=["organization", "month"]),
            models.Index(fields=["month", "organization"], condition=models.Q(paid=0), name="dues_unpaid"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m}"

    def audit_org_path(self) -> str:
        return self.organization.path

    @property
    def settled(self) -> bool:
        """Paid in full, or nothing due (exempt)."""
        return self.paid >= self.due


class ClosedMonth(models.Model):
    """A branch's month, closed once its money was handed upward; `reopened_at` set while it is
    open again (with the reason)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.CharField(_("reason for reopening"), max_length=300, blank=True, validators=[NO_NUL])

    class Meta:
        verbose_name = _("closed dues month")
        verbose_name_plural = _("closed dues months")
        ordering = ["organization_id", "-month"]
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="dues_month_closed_once")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:%Y-%m}"

    def audit_org_path(self) -> str:
        return self.organization.path

    @property
    def is_closed(self) -> bool:
        return self.reopened_at is None


class Handover(models.Model):
    """Dues a branch handed upward (上缴) for a month: how much, when, to which committee."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    amount = models.DecimalField(
        _("amount handed upward"), validators=[MinValueValidator(Decimal("0"))], max_digits=12, decimal_places=2
    )
    handed_on = models.DateField(_("handed on"))
    handed_to = models.ForeignKey(Organization, verbose_name=_("handed to"), on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[NO_NUL])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("dues handed upward")
        verbose_name_plural = _("dues handed upward")
        ordering = ["organization_id", "-month", "-pk"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:%Y-%m} {self.amount}"

    def audit_org_path(self) -> str:
        return self.organization.path
