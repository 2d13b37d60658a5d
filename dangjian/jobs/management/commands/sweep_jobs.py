"""manage.py sweep_jobs: mark the jobs no worker runs any more, and checks whose process was
killed, as interrupted (audited). `run_workers` does this itself at start and every minute;
run this from cron where the workers are plain `db_worker` processes."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dangjian.audit.context import audit_source
from dangjian.jobs.services import sweep


class Command(BaseCommand):
    help = "Mark jobs and roster checks that stopped without finishing as interrupted."

    def handle(self, *args, **opts):
        with audit_source("command"):
            settled = sweep()
        self.stdout.write(f"Marked {settled} stopped jobs and checks as interrupted.")
