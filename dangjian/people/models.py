"""Persons (one record per human being) and their party membership records.

`political_status` and `party_org` are derived caches: people.services recomputes them from the
membership and development records whenever those change, so lists can filter on an indexed
column at province scale. Nothing else writes them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.choices import PoliticalStatus
from dangjian.labels import FastLabels
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit
from dangjian.text import NO_NUL

from .choices import Education, Ethnicity, Gender
from .crypto import EncryptedTextField
from .validators import mask_id_number, mask_phone


class Person(FastLabels, models.Model):
    # Values of these fields never reach audit records, exports or pages in clear unless the
    # viewer's role allows it (access.rules.may_reveal).
    SENSITIVE_FIELDS = ("id_number", "phone")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=100, validators=[NO_NUL])
    name_latin = models.CharField(_("name in Latin letters"), max_length=100, blank=True, validators=[NO_NUL])
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=Ethnicity.choices)
    birth_date = models.DateField(_("date of birth"))
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_index = models.CharField(max_length=64, unique=True, null=True, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    education = models.CharField(_("education"), max_length=12, choices=Education.choices, blank=True)
    post = models.CharField(_("post"), max_length=100, blank=True, validators=[NO_NUL])
    employer = models.ForeignKey(
        Enterprise,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    team = models.ForeignKey(
        ProductionUnit,
        verbose_name=_("production team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    is_league_member = models.BooleanField(_("Communist Youth League member"), default=False)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
    )

    political_status = models.CharField(
        _("political status"),
        max_length=12,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
        editable=False,
    )
    party_org = models.ForeignKey(
        Organization,
        verbose_name=_("party organisation"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="current_members",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["employer", "political_status"]),
            # Also covers the members-by-ethnicity count of a subtree (the dashboards): read from
            # the index alone instead of a heap row per member (docs/benchmarks.md).
            models.Index(fields=["party_org", "political_status", "ethnicity"]),
            models.Index(fields=["name"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def picker_label(self) -> str:
        """How pickers name a person so that namesakes are told apart without revealing their ID
        number: name · employer · year of birth · masked ID number."""
        parts = [self.name]
        if self.employer is not None:
            parts.append(self.employer.display_name)
        if self.birth_date:
            parts.append(str(self.birth_date.year))
        if self.id_number:
            parts.append(self.id_number_masked)
        return " · ".join(parts)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_party_member(self) -> bool:
        return self.political_status in {PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL}

    def audit_org_path(self) -> str:
        """A person's audit events are filed under their party organisation, else their employer's."""
        if self.party_org is not None:
            return self.party_org.path
        if self.employer is not None:
            return self.employer.audit_org_path()
        return ""


class Membership(FastLabels, models.Model):
    """A period of party membership in one organisation (组织关系).

    `admitted_on` is the date of the branch meeting that admitted the person as a probationary
    member; `converted_on` the date they became a full member (party age counts from it). A
    transfer ends one record (`ended_on`, reason "transferred") and opens the next with the same
    admission and conversion dates.
    """

    class EndReason(models.TextChoices):
        TRANSFERRED = "transferred", _("Transferred out")
        DECEASED = "deceased", _("Deceased")
        CANCELLED = "cancelled", _("Probation cancelled")
        EXPELLED = "expelled", _("Expelled")
        WITHDRAWN = "withdrawn", _("Withdrew or removed")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, verbose_name=_("party organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    admitted_on = models.DateField(_("admitted as probationary member on"))
    converted_on = models.DateField(_("converted to full member on"), null=True, blank=True)
    joined_org_on = models.DateField(_("joined this organisation on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=12, choices=EndReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("membership record")
        verbose_name_plural = _("membership records")
        ordering = ["person_id", "-admitted_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(converted_on__isnull=True) | models.Q(converted_on__gte=models.F("admitted_on")),
                name="membership_converted_after_admitted",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(ended_on__isnull=True), name="one_open_membership_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organization}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    def audit_org_path(self) -> str:
        return self.organization.path
