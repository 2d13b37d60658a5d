"""manage.py purge_roster_files [--days N]: remove uploaded roster files older than N days
(settings.ROSTER_FILE_DAYS, 7 by default). Run it daily from cron; the rows' outcomes stay."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from dangjian.audit.context import audit_source
from dangjian.rosters import services


class Command(BaseCommand):
    help = "Remove the kept files of roster imports uploaded more than --days ago."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=getattr(settings, "ROSTER_FILE_DAYS", 7))

    def handle(self, *args, days: int, **opts):
        with audit_source("command"):
            n = services.purge_files(actor=None, older_than_days=days)
        self.stdout.write(f"Removed {n} roster files older than {days} days.")
