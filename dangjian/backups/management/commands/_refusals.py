"""What the backup and restore commands share: how they run a backups service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError

from dangjian.audit.context import audit_source
from dangjian.backups.archive import BackupRefused


@contextmanager
def as_command() -> Iterator[None]:
    """Run a backups service from a command: its audit events name the command as their source,
    and a refusal (BackupRefused, which says what is wrong) ends the command with that message
    instead of a traceback."""
    with audit_source("command"):
        try:
            yield
        except BackupRefused as exc:
            raise CommandError(str(exc)) from None
