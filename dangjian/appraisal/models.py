"""Democratic appraisal of party members (民主评议党员, DOMAIN.md §3), held yearly by a branch.

A round (`Round`, one per branch and year) moves through its steps in order, never back:
study and preparation → self-assessment (个人自评) → mutual assessment (党员互评) → the
anonymous 民主测评 (a poll of the ballot engine, one question per graded member) → the branch
committee's proposed grades (支委会) → the general meeting's confirmation (党员大会).

Its roll (`Participant`) is taken when the round opens: the branch's full members are graded,
its probationary members take part (they write, assess, vote) but are not graded, and invited
representatives of the workers (群众代表) only vote. Mutual assessment (`PeerComment`) is signed,
not anonymous; the 测评 is secret: the ballot engine keeps who voted apart from what was chosen,
and nothing here records either (docs/appraisal.md, "Secrecy").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.ballots.models import Poll
from dangjian.organizations.models import Organization
from dangjian.people.models import Person
from dangjian.text import NO_NUL


class Step(models.TextChoices):
    PREPARATION = "preparation", _("study and preparation")
    SELF = "self", _("self-assessment")
    MUTUAL = "mutual", _("mutual assessment")
    VOTE = "vote", _("democratic rating")
    PROPOSAL = "proposal", _("committee's proposal")
    CONFIRMED = "confirmed", _("confirmed by the general meeting")


STEPS = [s.value for s in Step]


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")
    QUALIFIED = "qualified", _("qualified")
    BASIC = "basic", _("basically qualified")
    UNQUALIFIED = "unqualified", _("unqualified")


GRADES = [g.value for g in Grade]


class Part(models.TextChoices):
    """How a person takes part in a round."""

    MEMBER = "member", _("full member (graded)")
    PROBATIONARY = "probationary", _("probationary member (not graded)")
    REPRESENTATIVE = "representative", _("workers' representative (votes only)")


class Round(models.Model):
    """A branch's democratic appraisal of one year."""

    SCOPE_SELF = ("participants__person",)

    organization = models.ForeignKey(
        Organization, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="appraisal_rounds"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    step = models.CharField(_("step"), max_length=12, choices=Step.choices, default=Step.PREPARATION)
    # The plan: the last day of each step and the day of the general meeting.
    self_until = models.DateField(_("self-assessments written by"))
    mutual_until = models.DateField(_("mutual assessment until"))
    vote_until = models.DateField(_("rating closes after"))
    meeting_on = models.DateField(_("general meeting on"))
    poll = models.OneToOneField(Poll, on_delete=models.PROTECT, null=True, blank=True, related_name="appraisal_round")
    proposed_on = models.DateField(_("grades proposed on"), null=True, blank=True)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "organization__name", "pk"]
        verbose_name = _("democratic appraisal")
        verbose_name_plural = _("democratic appraisals")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="appraisal_one_round_per_year"),
        ]
        indexes = [models.Index(fields=["year", "step"], name="appraisal_round_year_step")]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"

    def audit_org_path(self) -> str:
        return self.organization.path

    @property
    def step_index(self) -> int:
        return STEPS.index(self.step)

    def reached(self, step: str) -> bool:
        return self.step_index >= STEPS.index(step)


class Participant(models.Model):
    """A line of the round's roll: a member (graded or not) or an invited representative, with
    the member's self-assessment and, later, the committee's proposed and the meeting's grade."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="appraisal_parts"
    )
    part = models.CharField(_("takes part as"), max_length=14, choices=Part.choices)
    self_assessment = models.TextField(_("self-assessment"), max_length=6000, blank=True, validators=[NO_NUL])
    self_written_on = models.DateField(_("self-assessment written on"), null=True, blank=True)
    proposed_grade = models.CharField(_("proposed grade"), max_length=12, choices=Grade.choices, blank=True)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    # The organisation's follow-up (组织处置) of a member graded unqualified: a decision's text
    # only; the member's status is never changed here.
    follow_up = models.TextField(_("organisational follow-up"), max_length=2000, blank=True, validators=[NO_NUL])

    class Meta:
        ordering = ["round", "person__name", "pk"]
        verbose_name = _("appraisal participant")
        verbose_name_plural = _("appraisal participants")
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="appraisal_one_line_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.round})"

    def audit_org_path(self) -> str:
        return self.round.audit_org_path()

    @property
    def graded(self) -> bool:
        return self.part == Part.MEMBER

    @property
    def member(self) -> bool:
        """A party member of the branch (graded or not): writes, assesses peers, votes."""
        return self.part in (Part.MEMBER, Part.PROBATIONARY)


class PeerComment(models.Model):
    """One member's signed comment on another in the mutual assessment (党员互评)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="peer_comments")
    author = models.ForeignKey(
        Participant, verbose_name=_("written by"), on_delete=models.CASCADE, related_name="comments_written"
    )
    subject = models.ForeignKey(
        Participant, verbose_name=_("about"), on_delete=models.CASCADE, related_name="comments_received"
    )
    text = models.TextField(_("comment"), max_length=2000, validators=[NO_NUL])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "subject__person__name", "author__person__name", "pk"]
        verbose_name = _("mutual assessment comment")
        verbose_name_plural = _("mutual assessment comments")
        constraints = [
            models.UniqueConstraint(fields=["author", "subject"], name="appraisal_one_comment_per_pair"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def audit_org_path(self) -> str:
        return self.round.audit_org_path()
