"""manage.py send_reminders [--today YYYY-MM-DD]: the daily membership-development reminders."""

from __future__ import annotations

from dangjian.development import reminders
from dangjian.notifications.daily import DailyCommand


class Command(DailyCommand):
    help = (
        "Send the membership-development reminders due today (in-app, and by e-mail to users with an "
        "address). Safe to run more than once a day: a reminder is never sent twice. Run it daily from "
        "cron, e.g.  15 7 * * *  cd /srv/dangjian && .venv/bin/python manage.py send_reminders"
    )
    summary = (
        "Reminders for {today}: {candidacies} open candidacies, {notifications} notifications to "
        "{recipients} people, {emails_sent} e-mails sent, {emails_failed} failed."
    )

    def run(self, today):
        return reminders.send_reminders(today=today)
