"""Branch life (DOMAIN.md §3): the meetings a party organisation holds — 三会一课, theme party
days, organisational life meetings, party-history learning sessions and collective political
birthdays — with who was expected, who came, who asked for leave and which non-members were
invited; and the frequency rules the compliance calendar measures them against.

`Meeting.quorate` is a cache that branchlife.services derives from the attendance; nothing
else writes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.calendar import PeriodKind
from dangjian.files import SealedFile
from dangjian.labels import FastLabels
from dangjian.organizations.models import Organization
from dangjian.people.models import Person


class MeetingKind(models.TextChoices):
    GENERAL = "general", _("Branch general meeting")  # 支部党员大会
    COMMITTEE = "committee", _("Branch committee meeting")  # 支委会
    GROUP = "group", _("Party group meeting")  # 党小组会
    LECTURE = "lecture", _("Party lecture")  # 党课
    THEME_DAY = "theme_day", _("Theme party day")  # 主题党日
    LIFE = "life", _("Organisational life meeting")  # 组织生活会
    STUDY = "study", _("Party-history learning session")  # 党史学习教育
    CELEBRATION = "celebration", _("Collective political birthday")  # 集体过政治生日


# A meeting rule's period kinds are the calendar's (one period type, dangjian.calendar).
Period = PeriodKind


class Meeting(FastLabels, models.Model):
    SENSITIVE_FIELDS = ("checkin_token",)  # never in the audit log in clear

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", pgettext_lazy("meeting status", "Held")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(
        Organization, verbose_name=_("party organisation"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=300)
    host = models.ForeignKey(
        Person, verbose_name=_("host"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorder = models.ForeignKey(
        Person, verbose_name=_("recorder"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minutes = models.TextField(_("minutes"), blank=True)
    materials = models.TextField(_("materials"), blank=True, help_text=_("What was read or studied."))
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1, null=True, blank=True, help_text=_("Length of a lecture or study.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # A collective political birthday for every member (the article's 28 June: all 38 members,
    # before 1 July), not only the period's cohort.
    all_members = models.BooleanField(
        _("everyone's political birthday together"),
        default=False,
        help_text=_("For a collective political birthday: every member is expected, not only this period's cohort."),
    )
    # Derived from the attendance by branchlife.services: a committee meeting needs at least
    # half of the committee present (DOMAIN.md §3); other kinds are always quorate.
    quorate = models.BooleanField(_("quorate"), default=True, editable=False)
    # The secret in the check-in QR code: only someone who sees the code at the meeting can
    # mark themself present.
    checkin_token = models.CharField(max_length=32, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]
        # Every read goes through an organisation (scope, calendar, register); an index led by
        # status made SQLite read a prefecture's held meetings for one branch (74 ms → 1 ms).
        indexes = [models.Index(fields=["organization", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()} · {self.topic}"

    @property
    def is_ahead(self) -> bool:
        """Whether the meeting's day is still to come (nobody can be present yet)."""
        return self.held_on > timezone.localdate()

    def audit_org_path(self) -> str:
        return self.organization.path


class Attendance(FastLabels, models.Model):
    """One person expected at a meeting (a member), or invited to it (a non-member), and whether
    they came. Invited non-members are counted apart: never as member attendance."""

    class State(models.TextChoices):
        PRESENT = "present", _("Present")
        LEAVE = "leave", _("On leave")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="attendances")
    invited = models.BooleanField(_("invited non-member"), default=False)
    state = models.CharField(_("attendance"), max_length=8, choices=State.choices, default=State.ABSENT)
    reason = models.CharField(_("reason for leave"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "invited", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_meeting")]
        indexes = [models.Index(fields=["person", "meeting"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_state_display()}"

    def audit_org_path(self) -> str:
        return self.meeting.organization.path


class MeetingAttachment(SealedFile):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta:
        verbose_name = _("meeting attachment")
        verbose_name_plural = _("meeting attachments")
        ordering = ["id"]

    def audit_org_path(self) -> str:
        return self.meeting.organization.path


class FrequencyRule(models.Model):
    """How often a kind of meeting must be held (DOMAIN.md §3). The rows without an organisation
    are the defaults from the regulations (migration 0002); a committee's row applies to every
    organisation under it that has none nearer."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("party organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_rules",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    period = models.CharField(_("every"), max_length=8, choices=Period.choices)
    times = models.PositiveSmallIntegerField(_("times per period"), default=1)
    day_of_month = models.PositiveSmallIntegerField(
        _("fixed day of the month"), null=True, blank=True, help_text=_("For a theme party day held on a fixed day.")
    )

    class Meta:
        verbose_name = _("meeting frequency rule")
        verbose_name_plural = _("meeting frequency rules")
        ordering = ["organization_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="frequency_rule_once_per_org"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(organization__isnull=True), name="frequency_default_once"
            ),
            models.CheckConstraint(condition=models.Q(times__gte=1), name="frequency_at_least_once"),
            models.CheckConstraint(
                condition=models.Q(day_of_month__isnull=True) | models.Q(day_of_month__gte=1, day_of_month__lte=28),
                name="frequency_day_in_every_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.times}/{self.get_period_display()}"

    def audit_org_path(self) -> str:
        return self.organization.path if self.organization is not None else ""
