"""Pacesetter selections (ROADMAP C6, DOMAIN.md §5): rounds of the "four pacesetters" (四个标兵:
learning, thinking, performance, income models) and the like, open to an enterprise's employees,
members and non-members alike.

A round is organised by a branch (`organization`) at an enterprise (`enterprise`), as a
production record is: access.scopes reaches it through both (resource "selection"). It moves
through its phases in order, never back: nomination → evidence → vote → committee review →
public notice (公示) → announcement. Its vote is a poll of the ballot engine (`ballots`), whose
roll and ballots are kept apart.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.ballots.models import Poll
from dangjian.files import SealedFile
from dangjian.organizations.models import Enterprise, Organization
from dangjian.people.models import Person
from dangjian.text import NO_NUL


class Phase(models.TextChoices):
    NOMINATION = "nomination", _("nomination")
    EVIDENCE = "evidence", _("evidence")
    VOTE = "vote", _("vote")
    REVIEW = "review", _("committee review")
    NOTICE = "notice", _("public notice")
    ANNOUNCED = "announced", _("announced")


PHASES = [p.value for p in Phase]


class Eligible(models.TextChoices):
    """Who may be nominated, who may vote."""

    EMPLOYEES = "employees", _("all employees, members or not")
    MEMBERS = "members", _("the branch's party members")
    EVERYONE = "everyone", _("all employees and the branch's party members")


class Builtin(models.TextChoices):
    """The four pacesetters (四个标兵), a round's categories by default; a round may add others."""

    LEARNING = "learning", _("Learning model")
    THINKING = "thinking", _("Thinking model")
    PERFORMANCE = "performance", _("Performance model")
    INCOME = "income", _("Income model")


class Round(models.Model):
    SCOPE_SELF: tuple[str, ...] = ()

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="selection_rounds"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("party organisation"), on_delete=models.PROTECT, related_name="selection_rounds"
    )
    title = models.CharField(_("title"), max_length=200, validators=[NO_NUL])
    nominees = models.CharField(
        _("who may be nominated"), max_length=10, choices=Eligible.choices, default=Eligible.EMPLOYEES
    )
    voters = models.CharField(_("who may vote"), max_length=10, choices=Eligible.choices, default=Eligible.EMPLOYEES)
    opens_on = models.DateField(_("nominations open on"))
    evidence_on = models.DateField(_("evidence from"))
    vote_on = models.DateField(_("vote opens on"))
    vote_until = models.DateField(_("vote closes after"))
    notice_on = models.DateField(_("public notice from"))
    notice_days = models.PositiveSmallIntegerField(_("public notice lasts (days)"), default=5)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.NOMINATION)
    # When the notice really began and the announcement was made (the dates above are the plan).
    noticed_on = models.DateField(_("public notice began on"), null=True, blank=True)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    poll = models.OneToOneField(Poll, on_delete=models.PROTECT, null=True, blank=True, related_name="round")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")
        indexes = [models.Index(fields=["phase"], name="selections_round_phase")]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path

    @property
    def phase_index(self) -> int:
        return PHASES.index(self.phase)

    @property
    def published(self) -> bool:
        """The results are public: the notice has begun (or the round is announced)."""
        return self.phase in (Phase.NOTICE, Phase.ANNOUNCED)

    @property
    def notice_until(self) -> dt.date | None:
        """The last day of the public notice, once it has begun."""
        return self.noticed_on + dt.timedelta(days=self.notice_days - 1) if self.noticed_on else None


class Category(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="categories")
    order = models.PositiveSmallIntegerField(default=0)
    builtin = models.CharField(max_length=12, choices=Builtin.choices, blank=True)
    name = models.CharField(_("category"), max_length=100, validators=[NO_NUL])
    description = models.CharField(_("what it honours"), max_length=300, blank=True, validators=[NO_NUL])
    quota = models.PositiveSmallIntegerField(_("places"), default=1)

    class Meta:
        ordering = ["round", "order", "pk"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="selections_category_name_once")]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.round.audit_org_path()


class NominationKind(models.TextChoices):
    SELF = "self", _("self-nomination")
    PEER = "peer", _("nominated by a colleague")
    TEAM_LEADER = "team_leader", _("nominated by the team leader")
    ORGANISER = "organiser", _("nominated by the organiser")


class NominationStatus(models.TextChoices):
    STANDING = "standing", _("standing")
    DECLINED = "declined", _("declined")


class Nomination(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="nominations")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="nominations"
    )
    nominee = models.ForeignKey(Person, verbose_name=_("nominee"), on_delete=models.PROTECT, related_name="nominations")
    nominated_by = models.ForeignKey(
        Person, verbose_name=_("nominated by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("nomination"), max_length=12, choices=NominationKind.choices)
    reason = models.CharField(_("reason"), max_length=300, validators=[NO_NUL])
    status = models.CharField(
        _("status"), max_length=10, choices=NominationStatus.choices, default=NominationStatus.STANDING
    )
    declined_note = models.CharField(_("why declined"), max_length=300, blank=True, validators=[NO_NUL])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "nominee__name", "pk"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(fields=["category", "nominee"], name="selections_nominated_once_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.nominee} — {self.category}"

    def audit_org_path(self) -> str:
        return self.round.audit_org_path()


class Evidence(models.Model):
    """What backs a nomination: text, figures (label and value) and sealed files."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence")
    text = models.TextField(_("evidence"), max_length=4000, validators=[NO_NUL])
    figures = models.JSONField(_("figures"), default=list, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nomination", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.text[:60]

    def audit_org_path(self) -> str:
        return self.nomination.round.audit_org_path()


class EvidenceFile(SealedFile):
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="files")

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def audit_org_path(self) -> str:
        return self.evidence.audit_org_path()


class Decision(models.TextChoices):
    PENDING = "pending", _("awaiting review")
    CONFIRMED = "confirmed", _("confirmed")
    SET_ASIDE = "set_aside", _("set aside")


class Result(models.Model):
    """A nominee's place after the count; the committee confirms it or sets it aside, with a
    reason (always for a set-aside, and for a tie it breaks)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="results")
    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="result")
    votes = models.PositiveIntegerField(_("votes"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    elected = models.BooleanField(_("within the places"), default=False)
    tied = models.BooleanField(_("tied for the last place"), default=False)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reason = models.CharField(_("reason"), max_length=300, blank=True, validators=[NO_NUL])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["category", "rank", "pk"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"{self.nomination}: {self.votes}"

    def audit_org_path(self) -> str:
        return self.round.audit_org_path()


class Objection(models.Model):
    """An objection raised during the public notice, and the organiser's answer."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="objections")
    result = models.ForeignKey(Result, on_delete=models.SET_NULL, null=True, blank=True, related_name="objections")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    raised_on = models.DateField(_("raised on"))
    text = models.TextField(_("objection"), max_length=2000, validators=[NO_NUL])
    answer = models.TextField(_("answer"), max_length=2000, blank=True, validators=[NO_NUL])
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        ordering = ["round", "raised_on", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return self.text[:60]

    def audit_org_path(self) -> str:
        return self.round.audit_org_path()
