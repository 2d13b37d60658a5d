"""Logins given in bulk: one-time activation (and password-reset) codes, printed on a sheet.

An organisation department or an enterprise manager gives logins to the people in their reach
(`access.permissions.login_people`); each person gets a code that works once, until it expires,
and only together with something the person knows (the last six characters of their ID number).
The code is stored as a keyed hash (to find it) and encrypted (to print the sheet again while it
is still usable); neither is ever in an audit event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.people.crypto import EncryptedTextField


class LoginSheet(models.Model):
    """Codes given out together, printed on one sheet of cards."""

    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="login_sheets",
    )
    created_at = models.DateTimeField(_("given at"), default=timezone.now)
    expires_at = models.DateTimeField(_("codes expire at"))
    label = models.CharField(_("for"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sheet of login codes")
        verbose_name_plural = _("sheets of login codes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label or str(self.pk)


class Activation(models.Model):
    """One person's one-time code: to activate a new login, or to set a new password."""

    class Purpose(models.TextChoices):
        ACTIVATE = "activate", _("Activate a new login")
        RESET = "reset", _("Set a new password")

    # The hint is half the code: for the giver's page only, never in the audit log.
    SENSITIVE_FIELDS = ("code_index", "code_sealed", "hint")

    sheet = models.ForeignKey(LoginSheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="codes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="activations"
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    code_index = models.CharField(max_length=64, unique=True, editable=False)
    code_sealed = EncryptedTextField(blank=True, editable=False)
    hint = models.CharField(_("code begins"), max_length=5, editable=False)
    created_at = models.DateTimeField(_("given at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    failures = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)

    class Meta:
        verbose_name = _("login code")
        verbose_name_plural = _("login codes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "used_at", "revoked_at"], name="accounts_activation_open")]

    def __str__(self) -> str:
        return f"{self.hint}…"

    def audit_org_path(self) -> str:
        """Filed where the person is (their party organisation, else their employer)."""
        person = getattr(self.user, "person", None)
        return person.audit_org_path() if person is not None else ""
