"""Users, the roles they hold on the organisation tree, and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    SENSITIVE_FIELDS = ("password",)
    person = models.OneToOneField(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=[("zh-hans", "简体中文"), ("en", "English")]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Role(models.TextChoices):
    ORG_DEPARTMENT = "org_department", _("Organisation department")
    SECRETARY = "secretary", _("Branch secretary")
    COMMITTEE_MEMBER = "committee", _("Committee member")
    INSTRUCTOR = "instructor", _("Party-building instructor")
    MANAGER = "manager", _("Enterprise manager")
    # The enterprise's HR or statistics staff: enters its production indicators (issue 19).
    STATISTICIAN = "statistician", _("Enterprise statistician")
    # Derived from the user's own Person record, never assigned by hand:
    MEMBER = "member", _("Party member")
    EMPLOYEE = "employee", _("Employee")


ORG_ROLES = {Role.ORG_DEPARTMENT, Role.SECRETARY, Role.COMMITTEE_MEMBER}
ENTERPRISE_ROLES = {Role.INSTRUCTOR, Role.MANAGER, Role.STATISTICIAN}
ASSIGNABLE_ROLES = ORG_ROLES | ENTERPRISE_ROLES


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(
        _("role"), max_length=20, choices=[(r.value, r.label) for r in Role if r in ASSIGNABLE_ROLES]
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("party organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    enterprise = models.ForeignKey(
        "organizations.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    started_on = models.DateField(
        _("held from"),
        default=timezone.localdate,
        help_text=_("The day the role was taken up: an instructor's visits are dated from it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(ORG_ROLES), organization__isnull=False, enterprise__isnull=True)
                    | models.Q(
                        role__in=sorted(ENTERPRISE_ROLES),
                        enterprise__isnull=False,
                        organization__isnull=True,
                    )
                ),
                name="role_anchor_fits_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organization", "enterprise"], name="role_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization or self.enterprise}"

    def audit_org_path(self) -> str:
        """Where the audit log files the assignment: its organisation, or its enterprise's."""
        if self.organization is not None:
            return self.organization.path
        return self.enterprise.audit_org_path() if self.enterprise is not None else ""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal access token for integrations. Only its SHA-256 is stored; the token acts as
    its user, with the same scopes."""

    PREFIX = "dj_"
    SENSITIVE_FIELDS = ("token_hash",)

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
