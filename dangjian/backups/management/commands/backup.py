"""manage.py backup [PATH]: the whole instance (records, audit chain, sealed files) into one
archive, consistent while the site runs. docs/operations.md says how often and where to keep it."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from dangjian.backups import services
from dangjian.backups.management.commands._refusals import as_command


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
        with as_command():
            result = services.create_backup(destination=path)
        self.stdout.write(
            _("Backup written to %(path)s (%(size)s).") % {"path": result.path, "size": filesizeformat(result.size)}
        )
