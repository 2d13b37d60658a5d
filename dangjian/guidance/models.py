"""County guidance (ROADMAP C8, DOMAIN.md §4): what a county's party-building instructors (党建
指导员) do at the enterprises they are assigned to — their declaration of no business tie, their
visits with the problems found, and the follow-up of each problem until it is closed — and the
county's yearly appraisal of each instructor, with the enterprise's own opinion of them.

An instructor is a role held on an enterprise (access.RoleAssignment, from its `started_on`).
Every record here is about one enterprise (`enterprise`): access.scopes reaches them through it
(the county that supervises it, the branch that covers it, its managers and instructors).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.access.models import RoleAssignment
from dangjian.calendar import QUARTER, PeriodKind
from dangjian.labels import FastLabels
from dangjian.organizations.models import Enterprise, Organization
from dangjian.text import NO_NUL


class Topic(models.TextChoices):
    """The topics a county's instructors talk about by default; a county adds its own (GuidanceConfig.topics)."""

    SETUP = "setup", _("Setting up the party organisation")
    BRANCH_LIFE = "branch_life", _("Branch life and meetings")
    DEVELOPMENT = "development", _("Developing members")
    PRODUCTION = "production", _("Party building in production")
    IDEOLOGY = "ideology", _("Political and ideological work")
    POLICY = "policy", _("Relaying policy")
    DIFFICULTIES = "difficulties", _("The enterprise's difficulties")


def default_topics() -> list[str]:
    return [t.value for t in Topic]


class GuidanceConfig(models.Model):
    """A committee's local practice for its instructors (DOMAIN.md [config]); the nearest one up
    the tree applies, the defaults where there is none."""

    organization = models.OneToOneField(
        Organization, verbose_name=_("party organisation"), on_delete=models.CASCADE, related_name="guidance_config"
    )
    visit_period = models.CharField(
        _("an instructor visits each enterprise at least once a"),
        max_length=8,
        choices=PeriodKind.choices,
        default=QUARTER,
    )
    topics = models.JSONField(
        _("topics of a visit"),
        default=default_topics,
        help_text=_("The list an instructor picks from; the built-in topics by their key, the county's own as text."),
    )
    excellent_cap = models.PositiveSmallIntegerField(
        _("at most this share of instructors rated Excellent (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Of the instructors the county appraises in a year, rounded down; empty: no limit."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("guidance settings")
        verbose_name_plural = _("guidance settings")

    def __str__(self) -> str:
        return str(self.organization)

    def audit_org_path(self) -> str:
        return self.organization.path


class Declaration(models.Model):
    """An instructor's declaration, once per assignment, that they have no business tie to the
    enterprise (no shares, employment, contracts or relatives in its management)."""

    assignment = models.OneToOneField(
        RoleAssignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="declaration"
    )
    declared_on = models.DateField(_("declared on"))
    statement = models.TextField(_("statement"), validators=[NO_NUL])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declaration of no business tie")
        verbose_name_plural = _("declarations of no business tie")

    def __str__(self) -> str:
        return f"{self.assignment} · {self.declared_on}"

    def audit_org_path(self) -> str:
        return self.assignment.audit_org_path()


class Visit(FastLabels, models.Model):
    """An instructor's visit to an enterprise (走访), written on a phone at the enterprise."""

    SCOPE_RESOURCE = "visit"

    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("instructor"), on_delete=models.PROTECT, related_name="visits"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("visited on"))
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    met = models.CharField(_("whom they met"), max_length=300, validators=[NO_NUL])
    topics = models.JSONField(_("topics"), default=list)
    other_topics = models.CharField(_("other topics"), max_length=300, blank=True, validators=[NO_NUL])
    notes = models.TextField(_("what was done and found"), blank=True, validators=[NO_NUL])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("instructor's visit")
        verbose_name_plural = _("instructors' visits")
        ordering = ["-visited_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gt=0), name="visit_takes_time")]
        indexes = [
            models.Index(fields=["enterprise", "visited_on"]),
            models.Index(fields=["instructor", "visited_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.visited_on}"

    def audit_org_path(self) -> str:
        return self.enterprise.audit_org_path()


class VisitPhoto(models.Model):
    """A photo of a visit, sealed at rest like the people in it (dangjian.files)."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    file_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    sealed_file = models.BinaryField(default=b"", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file_name

    def audit_org_path(self) -> str:
        return self.visit.enterprise.audit_org_path()


class OwnerRole(models.TextChoices):
    SECRETARY = "secretary", _("The branch secretary")
    MANAGER = "manager", _("The enterprise's manager")
    INSTRUCTOR = "instructor", _("The instructor")


class FollowUp(FastLabels, models.Model):
    """A problem found on a visit, in someone's hands until it is closed with a note (整改跟踪)."""

    SCOPE_RESOURCE = "visit"

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="follow_ups")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    problem = models.TextField(_("problem found"), validators=[NO_NUL])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("in the hands of"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    owner_role = models.CharField(_("as"), max_length=12, choices=OwnerRole.choices)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("how it was resolved"), blank=True, validators=[NO_NUL])
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="open", closed_on__isnull=True) | Q(status="closed", closed_on__isnull=False)),
                name="follow_up_closed_has_a_day",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(closing_note=""), name="follow_up_closed_has_a_note"
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "status", "due_on"]),
            models.Index(fields=["owner", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.problem[:60]

    def audit_org_path(self) -> str:
        return self.enterprise.audit_org_path()

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < today


# --- the yearly appraisal (年度考核) ----------------------------------------------------------------


class Grade(models.TextChoices):
    """The four grades of a cadre's yearly appraisal (优秀 / 称职 / 基本称职 / 不称职)."""

    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASICALLY_COMPETENT = "basically_competent", _("Basically competent")
    NOT_COMPETENT = "not_competent", _("Not competent")


class Appraisal(FastLabels, models.Model):
    """A county committee's appraisal of an instructor for a year, with the figures it was based
    on as they stood when it was saved (a later visit or closing does not change them)."""

    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("instructor"), on_delete=models.PROTECT, related_name="appraisals"
    )
    committee = models.ForeignKey(
        Organization, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="instructor_appraisals"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    visits = models.PositiveIntegerField(_("visits in the year"))
    follow_ups_closed = models.PositiveIntegerField(_("follow-ups closed"))
    follow_ups_open = models.PositiveIntegerField(_("follow-ups open"))
    comment = models.TextField(_("comment"), blank=True, validators=[NO_NUL])
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appraised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    appraised_at = models.DateTimeField(_("appraised at"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instructor's appraisal")
        verbose_name_plural = _("instructors' appraisals")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["instructor", "committee", "year"], name="one_appraisal_a_year"),
        ]
        indexes = [models.Index(fields=["committee", "year", "grade"])]

    def __str__(self) -> str:
        return f"{self.instructor} · {self.year} · {self.get_grade_display()}"

    def audit_org_path(self) -> str:
        return self.committee.path


class Rating(models.TextChoices):
    """The enterprise's short rating of its instructor (满意 / 基本满意 / 不满意)."""

    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


class OpinionRole(models.TextChoices):
    SECRETARY = "secretary", _("The branch secretary")
    MANAGER = "manager", _("The enterprise's manager")


class Opinion(FastLabels, models.Model):
    """The enterprise's own opinion of its instructor for a year: one by its branch secretary and
    one by its management (any of its managers; the last to write it is its author)."""

    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("instructor"), on_delete=models.PROTECT, related_name="opinions_of"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="instructor_opinions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    author_role = models.CharField(_("given by"), max_length=12, choices=OpinionRole.choices)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True, validators=[NO_NUL])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enterprise's opinion of its instructor")
        verbose_name_plural = _("enterprises' opinions of their instructors")
        ordering = ["-year", "enterprise_id", "author_role"]
        constraints = [
            models.UniqueConstraint(
                fields=["instructor", "enterprise", "year", "author_role"], name="one_opinion_a_year_by_role"
            ),
        ]
        indexes = [models.Index(fields=["year", "instructor"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.year} · {self.get_rating_display()}"

    def audit_org_path(self) -> str:
        return self.enterprise.audit_org_path()
