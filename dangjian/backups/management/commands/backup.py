"""manage.py backup [PATH]: the whole instance (records, audit chain, sealed files) into one
archive, consistent while the site runs. docs/operations.md says how often and where to keep it."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from dangjian.audit.context import audit_source
from dangjian.backups import services
from dangjian.backups.archive import BackupRefused


class Command(BaseCommand):
    help = "Back up the database, attached files included, into one archive with a signed manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="A new file, or a folder to write dangjian-ENGINE-TIME.tar into (default: BACKUP_DIR, var/backups).",
        )

    def handle(self, *args, path: Path | None, **opts):
        with audit_source("command"):
            try:
                result = services.create_backup(destination=path)
            except BackupRefused as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Backup written to %(path)s (%(size)s).") % {"path": result.path, "size": filesizeformat(result.size)}
        )
