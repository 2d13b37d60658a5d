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
from dangjian.files import SealedFile
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


class VisitPhoto(SealedFile):
    """A photo of a visit, sealed at rest like the people in it (dangjian.files)."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["id"]

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


# --- branch ratings (三好 and the like) ---------------------------------------------------------------


class Method(models.TextChoices):
    """How a criterion is scored: counted from the records as of the round's date, or by reviewers."""

    COUNTED = "counted", _("Counted from the records")
    REVIEWED = "reviewed", _("Scored by reviewers")


class Measure(models.TextChoices):
    """What a counted criterion counts, for the branch, in the round's year up to its date."""

    MEETINGS = "meetings", _("Meeting compliance (percent of required meetings held)")
    DEVELOPMENT = "development", _("Development progress (milestones reached by applicants)")
    COVERAGE = "coverage", _("Team coverage (percent of production teams in a member's charge)")
    POSTS = "posts", _("Pioneer posts recognised")
    TRAINING = "training", _("Workers trained by members and passed")
    FOLLOW_UPS = "follow_ups", _("Visit follow-ups closed (percent of those due)")
    APPRAISAL = "appraisal", _("Democratic appraisal held (percent of graded members excellent or qualified)")


PERCENT_MEASURES = (Measure.MEETINGS, Measure.COVERAGE, Measure.FOLLOW_UPS, Measure.APPRAISAL)


class Reviewer(models.TextChoices):
    SELF = "self", _("The branch itself")
    INSTRUCTOR = "instructor", _("The instructor")
    COUNTY = "county", _("The county")


class RatingScheme(models.Model):
    """A rating of branches a committee defines as data (三好, 五好, 双强六好 …): its criteria, each
    with a weight and a way of scoring. A scheme with no organisation is built in and offered to
    every committee; a committee's own is used under it."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("defined by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rating_schemes",
    )
    name = models.CharField(_("name"), max_length=60, validators=[NO_NUL])
    title = models.CharField(
        _("title awarded"),
        max_length=60,
        validators=[NO_NUL],
        help_text=_("What a branch that passes is called, e.g. “Three-good branch”."),
    )
    description = models.TextField(_("description"), blank=True, validators=[NO_NUL])
    active = models.BooleanField(_("offered for new rounds"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rating scheme")
        verbose_name_plural = _("rating schemes")
        ordering = ["organization_id", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.organization.path if self.organization_id and self.organization else "/"


class Criterion(models.Model):
    scheme = models.ForeignKey(RatingScheme, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    group = models.CharField(
        _("group"), max_length=40, blank=True, validators=[NO_NUL], help_text=_("e.g. “Good leading team”.")
    )
    name = models.CharField(_("criterion"), max_length=120, validators=[NO_NUL])
    weight = models.PositiveSmallIntegerField(_("weight (points)"))
    method = models.CharField(_("scored"), max_length=10, choices=Method.choices)
    measure = models.CharField(_("counts"), max_length=12, choices=Measure.choices, blank=True)
    target = models.PositiveIntegerField(
        _("full marks at"),
        null=True,
        blank=True,
        help_text=_("For a counted criterion: the figure that earns the full weight (100 for a percentage)."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["scheme_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weighs"),
            models.CheckConstraint(
                condition=Q(method="reviewed", measure="") | (Q(method="counted", target__gt=0) & ~Q(measure="")),
                name="criterion_counted_has_a_measure",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RatingRound(models.Model):
    """A committee's yearly round of a scheme: its candidates, their scores and results. Counted
    criteria are read as of `counted_on` and kept; a closed round's scores no longer change."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for scoring")
        CLOSED = "closed", _("Closed")

    scheme = models.ForeignKey(RatingScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="rounds")
    organization = models.ForeignKey(
        Organization, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="rating_rounds"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    counted_on = models.DateField(
        _("figures counted as of"), help_text=_("Counted criteria read the records of the year up to this day.")
    )
    pass_mark = models.DecimalField(_("pass mark (points)"), max_digits=5, decimal_places=1, default=85)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating round")
        verbose_name_plural = _("rating rounds")
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "organization", "year"], name="one_round_per_scheme_year"),
            models.CheckConstraint(
                condition=(Q(status="open", closed_on__isnull=True) | Q(status="closed", closed_on__isnull=False)),
                name="round_closed_has_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.year}"

    def audit_org_path(self) -> str:
        return self.organization.path


class Candidate(FastLabels, models.Model):
    """A branch in a round: its scores by criterion and reviewer, its total and result."""

    SCOPE_RESOURCE = "rating"

    class Result(models.TextChoices):
        PENDING = "pending", _("Being scored")
        AWARDED = "awarded", _("Awarded")
        NOT_AWARDED = "not_awarded", _("Not awarded")

    round = models.ForeignKey(RatingRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="candidates")
    organization = models.ForeignKey(
        Organization, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="rating_candidacies"
    )
    total = models.DecimalField(_("total (points)"), max_digits=5, decimal_places=1, null=True, blank=True)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, default=Result.PENDING)
    certificate_no = models.CharField(_("certificate number"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("candidate branch")
        verbose_name_plural = _("candidate branches")
        ordering = ["round_id", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["round", "organization"], name="candidate_once_per_round")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.round}"

    def audit_org_path(self) -> str:
        return self.organization.path


class Score(models.Model):
    """One criterion's score for a candidate: counted (with the figures it came from, kept as they
    were on the round's date) or given by a reviewer with a note."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    reviewer = models.CharField(_("by"), max_length=10, choices=Reviewer.choices, blank=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    figure = models.DecimalField(_("figure"), max_digits=9, decimal_places=1, null=True, blank=True)
    basis = models.JSONField(_("computed from"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True, validators=[NO_NUL])
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__order", "criterion_id", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "criterion", "reviewer"], name="score_once_per_reviewer"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} · {self.points}"

    def audit_org_path(self) -> str:
        return self.candidate.organization.path


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
