"""In-app notifications (and the e-mails that copy them): the one notification path every
capability uses. The first are the membership-development reminders (DOMAIN.md §2: "remind that
person before a deadline")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.people.crypto import EncryptedTextField


class Kind(models.TextChoices):
    DEVELOPMENT_DUE = "dev_due", _("Development step due")
    DEVELOPMENT_OVERDUE = "dev_overdue", _("Development step overdue")
    BIRTHDAY = "birthday", _("Political birthday greeting")
    APPLICATION = "application", _("New application to join")
    MEETING = "meeting", _("Meeting planned or changed")
    CANDIDACY = "candidacy", _("Your application")
    PRODUCTION = "production", _("Party building in production")
    GUIDANCE = "guidance", _("Instructors' visits and follow-ups")
    SELECTION = "selection", _("Pacesetter selections")
    DUES = "dues", _("Party dues")
    TRANSFER = "transfer", _("Membership transfers")
    APPRAISAL = "appraisal", _("Democratic appraisal")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Who sends what: the same key is never sent to the same user twice (a reminder of one
    # deadline at one horizon), however often the daily run is repeated.
    key = models.CharField(max_length=200)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The day the reminder is for (the run's "today"), which the weekly repetition counts from.
    sent_on = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_key_once_per_user")]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["kind", "sent_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def audit_org_path(self) -> str:
        return ""  # a user's own inbox belongs to no organisation


class Platform(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk group robot (钉钉)")
    FEISHU = "feishu", _("Feishu group robot (飞书)")


class Robot(models.Model):
    """A group chat's robot a user has notifications copied to: its webhook address and signing
    secret are kept encrypted (anyone holding them can post to the group), never shown again and
    never in an audit event."""

    SENSITIVE_FIELDS = ("url", "secret")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="robots"
    )
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=100, help_text=_("Which group chat, for you to tell them apart."))
    url = EncryptedTextField(_("webhook address"))
    secret = EncryptedTextField(_("signing secret"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("group chat robot")
        verbose_name_plural = _("group chat robots")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return ""


class Preference(models.Model):
    """Where a user wants one kind of notification copied, besides the inbox (which keeps them
    all). Without a row: by e-mail and to their robots, both."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    email = models.BooleanField(_("by e-mail"), default=True)
    robot = models.BooleanField(_("to group chat robots"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: e-mail {self.email}, robots {self.robot}"

    def audit_org_path(self) -> str:
        return ""
