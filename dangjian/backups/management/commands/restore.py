"""manage.py restore PATH: an archive made by `manage.py backup` into this instance's database,
which must be empty; then proof that every table, the migrations and the audit chain arrived."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.backups import services
from dangjian.backups.management.commands._refusals import as_command


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and verify it (row counts, migrations, audit chain)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The archive written by manage.py backup.")

    def handle(self, *args, path: Path, **opts):
        with as_command():
            result = services.restore_backup(path=path)
        self.stdout.write(
            _(
                "Restored the backup made at %(created_at)s: %(rows)s rows in %(tables)s tables, the same as its "
                "manifest; the audit chain's %(events)s events verified."
            )
            % {
                "created_at": f"{timezone.localtime(dt.datetime.fromisoformat(result.manifest['created_at'])):%Y-%m-%d %H:%M:%S}",
                "rows": result.rows,
                "tables": result.tables,
                "events": result.audit_events,
            }
        )
        if result.migrations_pending:
            self.stdout.write(
                _("This version of Dangjian has migrations the backup predates: run manage.py migrate next.")
            )
