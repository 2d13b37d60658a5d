"""Membership development (发展党员). The foundation keeps one record per attempt and its current
stage, which is what political status needs; the 25 recorded steps come with the development
capability (ROADMAP C2) and will derive `stage` from them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.organizations.models import Organization
from dangjian.people.models import Person


class Stage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant for membership")
    ACTIVIST = "activist", _("Activist")
    TARGET = "target", _("Development target")
    ADMITTED = "admitted", pgettext_lazy("candidacy stage", "Admitted")
    CLOSED = "closed", _("Closed")


OPEN_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET)


class Candidacy(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="candidacies")
    organization = models.ForeignKey(
        Organization, verbose_name=_("party organisation"), on_delete=models.PROTECT, related_name="candidacies"
    )
    applied_on = models.DateField(_("application received on"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.APPLICANT)
    activist_on = models.DateField(_("designated activist on"), null=True, blank=True)
    target_on = models.DateField(_("designated development target on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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


def _candidacy_audit_path(self: Candidacy) -> str:
    return self.organization.path


Candidacy.audit_org_path = _candidacy_audit_path
