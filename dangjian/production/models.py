"""Party building in production (ROADMAP C5, DOMAIN.md §5): the production teams a branch has
taken in charge (包联), members paired with workers (结对 1+1 / 1+N), posts on the shop floor
(党员先锋岗, 责任区, 示范岗) and member-led skills training with its trainees' assessments.

Every record names the party organisation that keeps it (`organization`, the branch) and the
enterprise it is about (`enterprise`): access.scopes reaches them through those two, and through
the people they name for their own records (`SCOPE_SELF`). Coverage, "trained" counts and the
双培养 outcomes are read from these records, never typed.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.labels import FastLabels
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit
from dangjian.people.models import Person
from dangjian.text import NO_NUL


class Kept(FastLabels, models.Model):
    """What every record of this app has: the organisation that keeps it and its enterprise."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("party organisation"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def audit_org_path(self) -> str:
        return self.organization.path


# A period's end is on or after its start, or open (the check each dated record's table keeps).
ENDS_AFTER_START = Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on"))


class Period(models.Model):
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class TeamCharge(Kept, Period):
    """A production team in the charge of a member (包联班组), or of a party group led by one,
    from a date until a date. A team is covered on a day when one of its charges spans that day."""

    SCOPE_RESOURCE = "team_charge"
    SCOPE_SELF = ("member_id",)

    class EndReason(models.TextChoices):
        HANDED_OVER = "handed_over", _("Handed over to another member")
        LEFT = "left", _("The member left the branch or the enterprise")
        ENDED = "ended", _("Ended by the branch")

    team = models.ForeignKey(
        ProductionUnit,
        verbose_name=pgettext_lazy("production", "production team"),
        on_delete=models.PROTECT,
        related_name="charges",
    )
    member = models.ForeignKey(
        Person, verbose_name=_("responsible member"), on_delete=models.PROTECT, related_name="team_charges"
    )
    group = models.ForeignKey(
        Organization,
        verbose_name=_("party group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_charges",
        help_text=_("When a party group takes the team in charge; the member is its lead."),
    )
    end_reason = models.CharField(_("why it ended"), max_length=12, choices=EndReason.choices, blank=True)

    class Meta:
        verbose_name = _("team in charge")
        verbose_name_plural = _("teams in charge")
        ordering = ["team_id", "-started_on"]
        constraints = [
            models.CheckConstraint(condition=ENDS_AFTER_START, name="charge_ends_after_start"),
            models.UniqueConstraint(
                fields=["team"], condition=Q(ended_on__isnull=True), name="one_open_charge_per_team"
            ),
        ]
        indexes = [models.Index(fields=["organization", "ended_on"]), models.Index(fields=["enterprise", "team"])]

    def __str__(self) -> str:
        return f"{self.team} ← {self.member}"


class Purpose(models.TextChoices):
    SKILLS = "skills", _("Skills")
    THINKING = "thinking", _("Thinking")
    LIFE = "life", _("Help in daily life")
    POLICY = "policy", _("Relaying policy and information")


class Pairing(Kept, Period):
    """A full member paired with one or more employees (1+1 / 1+N, 结对帮带) for some purposes."""

    SCOPE_RESOURCE = "pairing"
    SCOPE_SELF = ("member_id", "partners__person_id")

    member = models.ForeignKey(Person, verbose_name=_("member"), on_delete=models.PROTECT, related_name="pairings")
    purposes = models.JSONField(_("purposes"), default=list)
    end_reason = models.CharField(_("why it ended"), max_length=200, blank=True, validators=[NO_NUL])

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-started_on", "id"]
        constraints = [
            models.CheckConstraint(condition=ENDS_AFTER_START, name="pairing_ends_after_start"),
        ]
        indexes = [models.Index(fields=["organization", "ended_on"]), models.Index(fields=["enterprise", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.member} 1+{self.partners.count()}"

    @property
    def purpose_labels(self) -> list[str]:
        labels = dict(Purpose.choices)
        return [str(labels.get(p, p)) for p in self.purposes]


class Partner(models.Model):
    """One employee of a pairing (the N of 1+N)."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="partners")
    person = models.ForeignKey(Person, verbose_name=_("paired employee"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pairing", "person"], name="partner_once_per_pairing")]
        indexes = [models.Index(fields=["person"])]

    def __str__(self) -> str:
        return str(self.person)

    def audit_org_path(self) -> str:
        return self.pairing.organization.path


class PairingNote(models.Model):
    """A short dated note on how a pairing goes, by the member or an employee of it."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Person, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField(_("date"))
    text = models.TextField(_("note"), max_length=1000, validators=[NO_NUL])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pairing note")
        verbose_name_plural = _("pairing notes")
        ordering = ["-written_on", "-id"]
        indexes = [models.Index(fields=["pairing", "written_on"])]

    def __str__(self) -> str:
        return f"{self.written_on} {self.author}"

    def audit_org_path(self) -> str:
        return self.pairing.organization.path


class PostKind(models.TextChoices):
    VANGUARD = "vanguard", _("Party member vanguard post (党员先锋岗)")
    AREA = "area", _("Party member responsibility area (党员责任区)")
    MODEL = "model", _("Model post (示范岗)")


class PostStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    RECOGNISED = "recognised", _("Recognised by the county")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", pgettext_lazy("post", "Ended")


class Post(Kept, Period):
    """A post on the shop floor held by a member, with the public commitment (承诺) its sign shows."""

    SCOPE_RESOURCE = "post"
    SCOPE_SELF = ("holder_id",)

    kind = models.CharField(_("kind"), max_length=10, choices=PostKind.choices, default=PostKind.VANGUARD)
    title = models.CharField(_("title"), max_length=60, validators=[NO_NUL])
    unit = models.ForeignKey(
        ProductionUnit,
        verbose_name=_("workshop or team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
    )
    line = models.CharField(_("line or place"), max_length=60, blank=True, validators=[NO_NUL])
    holder = models.ForeignKey(Person, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="posts")
    commitment = models.TextField(_("public commitment"), max_length=400, validators=[NO_NUL])
    status = models.CharField(_("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.PROPOSED)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True, validators=[NO_NUL])
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    recognised_by = models.ForeignKey(
        Organization, verbose_name=_("recognised by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    photo = models.BinaryField(_("photo"), null=True, blank=True, editable=False)
    photo_type = models.CharField(max_length=40, blank=True, editable=False)
    public_key = models.CharField(max_length=32, unique=True, editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["enterprise_id", "title", "id"]
        constraints = [
            models.CheckConstraint(condition=ENDS_AFTER_START, name="post_ends_after_start"),
        ]
        indexes = [models.Index(fields=["organization", "status"]), models.Index(fields=["enterprise", "status"])]

    def __str__(self) -> str:
        return self.title


class Course(Kept):
    """A skills course led by a member (党员带头技能培训)."""

    SCOPE_RESOURCE = "course"
    SCOPE_SELF = ("trainer_id", "trainees__person_id")

    title = models.CharField(_("title"), max_length=100, validators=[NO_NUL])
    skill = models.CharField(_("skill"), max_length=100, validators=[NO_NUL])
    trainer = models.ForeignKey(Person, verbose_name=_("led by"), on_delete=models.PROTECT, related_name="courses_led")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-starts_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="course_ends_after_start")]
        indexes = [models.Index(fields=["organization", "starts_on"]), models.Index(fields=["enterprise", "starts_on"])]

    def __str__(self) -> str:
        return self.title


class Result(models.TextChoices):
    PENDING = "pending", _("Not assessed yet")
    PASSED = "passed", pgettext_lazy("assessment", "Passed")
    FAILED = "failed", pgettext_lazy("assessment", "Failed")
    CERTIFIED = "certified", _("Certified")


PASSING = (Result.PASSED, Result.CERTIFIED)


class Trainee(models.Model):
    """An employee on a course, with their assessment."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="trainees")
    person = models.ForeignKey(Person, verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="trainings")
    result = models.CharField(_("assessment"), max_length=10, choices=Result.choices, default=Result.PENDING)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=40, blank=True, validators=[NO_NUL])
    certified_on = models.DateField(_("certified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["course_id", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "person"], name="trainee_once_per_course")]
        indexes = [models.Index(fields=["person", "result"])]

    def __str__(self) -> str:
        return str(self.person)

    def audit_org_path(self) -> str:
        return self.course.organization.path


class Session(models.Model):
    """One session of a course; its attendance is marked with one tap per trainee."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    topic = models.CharField(_("topic"), max_length=100, blank=True, validators=[NO_NUL])

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.course} {self.held_on}"

    def audit_org_path(self) -> str:
        return self.course.organization.path


class SessionAttendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "trainee"], name="attendance_once_per_session")]

    def __str__(self) -> str:
        return f"{self.session} {self.trainee}"

    def audit_org_path(self) -> str:
        return self.session.course.organization.path


class ProductionConfig(models.Model):
    """A committee's local practice for production work (DOMAIN.md [config]); the nearest one up
    the tree applies, the defaults where there is none."""

    organization = models.OneToOneField(
        Organization, verbose_name=_("party organisation"), on_delete=models.CASCADE, related_name="production_config"
    )
    max_partners = models.PositiveSmallIntegerField(
        _("employees one member pairs with at most"),
        default=5,
        help_text=_("The N of 1+N."),
    )
    probationary_holders = models.BooleanField(
        _("probationary members may hold a post"),
        default=False,
    )
    quiet_days = models.PositiveSmallIntegerField(
        _("days without a note before a pairing is listed as quiet"),
        default=60,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("production settings")
        verbose_name_plural = _("production settings")

    def __str__(self) -> str:
        return str(self.organization)

    def audit_org_path(self) -> str:
        return self.organization.path
