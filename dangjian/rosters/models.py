"""A roster upload, its check and its import, and the outcome of each of its rows.

The uploaded file is kept sealed (AES-256-GCM, like the ID numbers in it) between the check and
the import, and for KEEP_FILES_DAYS (7) afterwards so its report can be downloaded; then
`purge_files` removes it. The rows' outcomes stay: they hold no ID numbers in clear.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.models import Enterprise, Organization

from .columns import DUES_BASES, EMPLOYEES, ENTERPRISES, INDICATORS, MEMBERS, ORG_TREE, ROLE_HOLDERS


class Phase(models.TextChoices):
    """Where an import stands, as its uploader sees it. *Importing* is never stored: an import
    is importing while its job runs (the status changes only when the import's transaction
    commits). *Interrupted* is stored once the sweep (jobs.services.sweep) finds that the check
    stopped without finishing; before that, it is derived from a job with no sign of life."""

    CHECKING = "checking", _("Being checked")
    CHECKED = "checked", _("Checked, waiting for confirmation")
    IMPORTING = "importing", _("Being imported")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Not imported")
    DISCARDED = "discarded", _("Discarded")
    INTERRUPTED = "interrupted", _("Interrupted")


ImportStatus = Phase  # the stored statuses are the phases but IMPORTING
STORED_STATUSES = [(p.value, p.label) for p in Phase if p != Phase.IMPORTING]


class RosterImport(models.Model):
    class Kind(models.TextChoices):
        EMPLOYEES = EMPLOYEES, _("Employee roster")
        MEMBERS = MEMBERS, _("Party member roster")
        INDICATORS = INDICATORS, _("Production indicators")
        DUES_BASES = DUES_BASES, _("Dues bases (payroll)")
        ORG_TREE = ORG_TREE, _("Party organisation tree")
        ENTERPRISES = ENTERPRISES, _("Enterprises")
        ROLE_HOLDERS = ROLE_HOLDERS, _("Role holders")

    kind = models.CharField(_("roster"), max_length=12, choices=Kind.choices)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("party organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roster_imports",
    )
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("checksum"), max_length=64)
    size = models.PositiveIntegerField(_("size"), default=0)
    sealed_file = models.BinaryField(default=b"", editable=False)
    create_teams = models.BooleanField(_("create missing teams"), default=False)
    # An indicator sheet: how many figures outside their plausible range the uploader confirmed
    # along with the import (the check's count at the time); the import writes no more than that.
    confirmed_outside = models.PositiveIntegerField(_("figures confirmed outside the plausible range"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=STORED_STATUSES, default=Phase.CHECKING)
    header_row = models.PositiveIntegerField(null=True, blank=True)
    columns = models.JSONField(default=list, blank=True)  # [{letter, text, key}]
    counts = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    check_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    import_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    # Not stored: how long the last `pipeline.apply` prepared and held the write lock (seconds).
    timings: dict[str, float]

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False, organization__isnull=True)
                | models.Q(enterprise__isnull=True, organization__isnull=False),
                name="roster_import_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def target(self) -> Enterprise | Organization:
        # A database constraint holds exactly one of the two.
        target = self.enterprise or self.organization
        if target is None:
            raise ValueError(f"roster import {self.pk} has no target")
        return target

    def audit_facts(self, **more: object) -> dict[str, object]:
        """What the audit events of an upload and of its import say about the file: which file
        (name, checksum), which roster, into which organisation or enterprise; then `more`."""
        return {"file": self.file_name, "sha256": self.sha256, "roster": self.kind, "into": str(self.target), **more}

    @property
    def has_file(self) -> bool:
        # Lists defer the (large) file and annotate whether it is kept: never load it to know.
        if "file_kept" in self.__dict__:
            return bool(self.__dict__["file_kept"])
        return bool(self.sealed_file)

    @property
    def may_confirm(self) -> bool:
        return (
            self.status == ImportStatus.CHECKED
            and self.has_file
            and not self.counts.get("rejected")
            and sum(self.counts.get(k, 0) for k in ("created", "updated", "outside")) > 0
        )

    def audit_org_path(self) -> str:
        if self.organization is not None:
            return self.organization.path
        return self.enterprise.audit_org_path() if self.enterprise is not None else ""


class RowOutcome(models.TextChoices):
    CREATED = "created", _("New")
    UPDATED = "updated", _("Changed")
    UNCHANGED = "unchanged", _("Unchanged")
    DUPLICATE = "duplicate", _("Repeated in the file")
    REJECTED = "rejected", _("Rejected")
    # An indicator sheet's figure, new or changed, outside its indicator's plausible range: it is
    # imported only once the uploader confirms it (and then reported as new or changed).
    OUTSIDE = "outside", _("Needs confirmation")


class ImportRow(models.Model):
    roster_import = models.ForeignKey(RosterImport, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=RowOutcome.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    # [{"column": "E 身份证号码", "value": "…", "message": "…"}]; ID numbers only masked
    problems = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)  # things worth knowing that do not stop the row
    changed = models.JSONField(default=list, blank=True)  # labels of the fields that change
    person_id = models.IntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["roster_import", "row_number"]
        indexes = [models.Index(fields=["roster_import", "outcome", "row_number"])]

    def __str__(self) -> str:
        return f"{self.roster_import_id}:{self.row_number}"
