"""manage.py purge_files [--days N]: remove uploaded roster files and the files of finished
background jobs (large exports) older than N days (settings.KEEP_FILES_DAYS, 7 by default).
Run it daily from cron; the imports' row outcomes and the jobs themselves stay."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from dangjian.audit.context import audit_source
from dangjian.jobs import services as jobs
from dangjian.rosters import services


class Command(BaseCommand):
    help = "Remove kept roster uploads and job output files older than --days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=getattr(settings, "KEEP_FILES_DAYS", 7))

    def handle(self, *args, days: int, **opts):
        with audit_source("command"):
            rosters = services.purge_files(actor=None, older_than_days=days)
            outputs = jobs.purge_outputs(actor=None, older_than_days=days)
        self.stdout.write(f"Removed {rosters} roster files and {outputs} job output files older than {days} days.")
