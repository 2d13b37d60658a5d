"""manage.py send_birthday_greetings [--today YYYY-MM-DD]: the daily political birthday greetings."""

from __future__ import annotations

from dangjian.birthdays import services
from dangjian.notifications.daily import DailyCommand


class Command(DailyCommand):
    help = (
        "Greet the Party members whose political birthday is today (in-app, and by e-mail to users with "
        "an address), with a link to their greeting card. Safe to run more than once: nobody is greeted "
        "twice in a year. Run it daily from cron, e.g.  30 7 * * *  cd /srv/dangjian && "
        ".venv/bin/python manage.py send_birthday_greetings"
    )
    summary = (
        "Political birthday greetings for {today}: {celebrating} members celebrating, {notifications} "
        "notifications, {emails_sent} e-mails sent, {emails_failed} failed."
    )

    def run(self, today):
        return services.send_greetings(today=today)
