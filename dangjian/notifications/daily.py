"""The shape of a daily run started from cron (`manage.py send_reminders`,
`send_birthday_greetings`): an optional --today to catch up, the work recorded as done by a
command, a line of figures, and a warning when e-mails failed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dangjian.audit.context import audit_source


class DailyCommand(BaseCommand):
    summary = ""  # a format string over the run's result

    def run(self, today: dt.date | None) -> dict[str, Any]:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD); for catching up or tests.")

    def handle(self, *args, **opts):
        today = None
        if opts["today"]:
            try:
                today = dt.date.fromisoformat(opts["today"])
            except ValueError:
                raise CommandError(f"--today must be a date as YYYY-MM-DD, not {opts['today']!r}.") from None
        with audit_source("command"):
            result = self.run(today)
        self.stdout.write(self.summary.format(**result))
        if result.get("emails_failed"):
            self.stderr.write(self.style.WARNING(f"{result['emails_failed']} e-mails could not be sent; see the log."))
