"""manage.py send_birthday_greetings [--today YYYY-MM-DD]: the daily political birthday greetings."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from dangjian.audit.context import audit_source
from dangjian.birthdays import services


class Command(BaseCommand):
    help = (
        "Greet the Party members whose political birthday is today (in-app, and by e-mail to users with "
        "an address), with a link to their greeting card. Safe to run more than once: nobody is greeted "
        "twice in a year. Run it daily from cron, e.g.  30 7 * * *  cd /srv/dangjian && "
        ".venv/bin/python manage.py send_birthday_greetings"
    )

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
            result = services.send_greetings(today=today)
        self.stdout.write(
            "Political birthday greetings for {today}: {celebrating} members celebrating, {notifications} "
            "notifications, {emails_sent} e-mails sent, {emails_failed} failed.".format(**result)
        )
        if result["emails_failed"]:
            self.stderr.write(self.style.WARNING(f"{result['emails_failed']} e-mails could not be sent; see the log."))
