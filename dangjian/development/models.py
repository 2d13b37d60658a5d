"""Membership development (发展党员): one candidacy per person per attempt and the steps recorded
on it (DOMAIN.md §2). `stage` and the dates beside it are caches that development.services
derives from the steps (development.rules decides what may be recorded); nothing else writes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.files import SealedFile
from dangjian.labels import FastLabels
from dangjian.organizations.models import Organization
from dangjian.people.crypto import EncryptedTextField
from dangjian.people.models import Person

if TYPE_CHECKING:
    import datetime as dt

    from .rules import Due


class Stage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant for membership")
    ACTIVIST = "activist", _("Activist")
    TARGET = "target", _("Development target")
    ADMITTED = "admitted", pgettext_lazy("candidacy stage", "Admitted")
    CLOSED = "closed", _("Closed")


OPEN_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET)  # not yet admitted
LIVE_STAGES = (*OPEN_STAGES, Stage.ADMITTED)  # still moving: on the boards, in the reminders


class Outcome(models.TextChoices):
    CONVERTED = "converted", _("Converted to full member")
    CANCELLED = "cancelled", _("Probation cancelled")
    WITHDRAWN = "withdrawn", _("Withdrawn or ended")


class Candidacy(FastLabels, models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="candidacies")
    organization = models.ForeignKey(
        Organization, verbose_name=_("party organisation"), on_delete=models.PROTECT, related_name="candidacies"
    )
    applied_on = models.DateField(_("application received on"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.APPLICANT)
    activist_on = models.DateField(_("designated activist on"), null=True, blank=True)
    target_on = models.DateField(_("designated development target on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    admitted_on = models.DateField(_("admitted on (branch meeting)"), null=True, blank=True)
    probation_ends_on = models.DateField(_("probation ends on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set by development.selectors for the board and the list (with_due, board), never stored.
    due: list[Due]
    overdue: int
    since: dt.date | None

    class Meta:
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        ordering = ["-applied_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(stage__in=["applicant", "activist", "target"]),
                name="one_open_candidacy_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_stage_display()})"

    def audit_org_path(self) -> str:
        return self.organization.path


class Step(models.Model):
    """One of the 25 steps, recorded on a candidacy (a repeatable one, such as the half-yearly
    assessment, may be recorded more than once)."""

    SENSITIVE_FIELDS = ("conclusion",)

    candidacy = models.ForeignKey(
        Candidacy, verbose_name=_("candidacy"), on_delete=models.CASCADE, related_name="steps"
    )
    number = models.PositiveSmallIntegerField(_("step"))
    done_on = models.DateField(_("date"))
    acted_by = models.CharField(_("done by"), max_length=200, blank=True, help_text=_("Who took the step."))
    data = models.JSONField(_("details"), default=dict, blank=True)  # tallies, sponsors, days …
    # The political review's written conclusion (政审) is sensitive personal information.
    conclusion = EncryptedTextField(_("political review conclusion"), blank=True)
    note = models.TextField(_("note"), blank=True)
    late = models.BooleanField(_("late"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("development step")
        verbose_name_plural = _("development steps")
        ordering = ["candidacy", "done_on", "number", "id"]
        indexes = [models.Index(fields=["candidacy", "number"])]

    def __str__(self) -> str:
        return f"{self.candidacy_id}#{self.number} {self.done_on}"

    def audit_org_path(self) -> str:
        return self.candidacy.organization.path


class StepDocument(SealedFile):
    """A scanned application, thought report or form, kept sealed like the data in it."""

    step = models.ForeignKey(Step, verbose_name=_("step"), on_delete=models.CASCADE, related_name="documents")

    class Meta:
        verbose_name = _("step document")
        verbose_name_plural = _("step documents")

    def audit_org_path(self) -> str:
        return self.step.candidacy.organization.path


class DevelopmentConfig(models.Model):
    """Local practice a committee sets for the organisations under it (DOMAIN.md §2 [config])."""

    organization = models.OneToOneField(
        Organization, verbose_name=_("party organisation"), on_delete=models.CASCADE, related_name="development_config"
    )
    notice_min_days = models.PositiveSmallIntegerField(_("public notice: fewest days"), default=5)
    notice_max_days = models.PositiveSmallIntegerField(_("public notice: most days"), default=7)
    thought_report_months = models.PositiveSmallIntegerField(_("thought reports every (months)"), default=3)
    conversion_prompt_days = models.PositiveSmallIntegerField(
        _("conversion reminder (days before probation ends)"), default=30
    )
    birthday_basis = models.CharField(
        _("political birthday counts from"),
        max_length=10,
        choices=[("admission", _("admission")), ("conversion", _("conversion"))],
        default="admission",
    )

    class Meta:
        verbose_name = _("development settings")
        verbose_name_plural = _("development settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notice_min_days__lte=models.F("notice_max_days")), name="notice_days_in_order"
            )
        ]

    def __str__(self) -> str:
        return str(self.organization)

    def audit_org_path(self) -> str:
        return self.organization.path
