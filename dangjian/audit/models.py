"""Append-only, sealed audit events (docs/architecture.md, "The audit log").

A writer appends its events without waiting for any other writer: each event takes its id from
the table's sequence first, and stores `hash` (SHA-256 of its canonical JSON, id included) and
`mac` (HMAC-SHA256 of that hash under the audit key, a secret kept outside the database). The
background worker then seals the events committed since its last seal, in batches: an
`AuditSeal` lists the ids it covers, their Merkle tree head (RFC 6962), and the previous seal's
hash, and carries a MAC of its own; each seal is also written as a checkpoint outside the
database. `manage.py verify_audit` checks all of it. The database refuses UPDATE and DELETE on
both tables (triggers, migrations 0002 and 0004).

Events written before seals existed (migration 0004) carry `prev_hash`: a plain hash chain,
checked as before, then covered by the first seal.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.labels import FastLabels


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    REVEAL = "reveal", _("Viewed sensitive value")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")


class Source(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    COMMAND = "command", _("Command")
    SYSTEM = "system", _("System")


class AuditEvent(FastLabels, models.Model):
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # Where the write happened in the tree, so an organisation department can read its subtree's log.
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # The link of the old, locked chain: set only on events written before seals existed.
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, unique=True)
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit events are append-only.")


class AuditSeal(models.Model):
    """One batch of events, sealed: which ids, their Merkle tree head, the link to the seal before
    it, and a MAC under the audit key. Append-only like the events."""

    sealed_at = models.DateTimeField(_("sealed at"))
    # Which events: ascending id ranges "1-500,502-900" (events of concurrent writers commit out
    # of id order, so a seal's ids need not be one range).
    ids = models.TextField()
    count = models.PositiveIntegerField()
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField(db_index=True)
    root = models.CharField(max_length=64)
    prev = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)
    mac = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16)
    # Bookkeeping for the next seals (docs/architecture.md): every id at or under `floor` is
    # sealed or was never committed; `allocated` and `next_xid` say how far that floor may move once
    # the transactions running at this seal have ended (PostgreSQL; 0 on SQLite).
    floor = models.BigIntegerField()
    allocated = models.BigIntegerField()
    next_xid = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"seal #{self.pk}: {self.count} events up to #{self.last_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit seals are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit seals are append-only.")


class AuditReservation(models.Model):
    """Event ids taken ahead of their events: a roster import builds and keys its events outside
    its write transaction, then writes them in it (rosters.pipeline.stage). While a reservation
    stands, no seal's floor passes its first id, so its events are sealed whenever they commit; the
    merge deletes it in the transaction that writes them. One left behind (a killed import) lapses
    after AUDIT_RESERVATION_TTL_SECONDS: the sealer deletes it, and its ids become gaps."""

    ids = models.TextField()  # ascending id ranges, as a seal lists them
    first_id = models.BigIntegerField()
    made_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("audit id reservation")
        verbose_name_plural = _("audit id reservations")

    def __str__(self) -> str:
        return f"reservation #{self.pk}: {self.ids}"
