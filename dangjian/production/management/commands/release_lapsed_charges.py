"""manage.py release_lapsed_charges [--today YYYY-MM-DD]: the daily close of teams' charges whose
member left the branch or the enterprise."""

from __future__ import annotations

from django.utils import timezone

from dangjian.notifications.daily import DailyCommand
from dangjian.production import services


class Command(DailyCommand):
    help = (
        "End each team's charge whose member has left the branch or the enterprise (the day before), "
        "and tell the branch's officers that the team is uncovered. Safe to run more than once. The "
        "workers run it daily at 07:10 by themselves; from cron:  40 7 * * *  cd /srv/dangjian && "
        ".venv/bin/python manage.py release_lapsed_charges"
    )
    summary = "Teams' charges closed because their member left, {today}: {charges_ended}."

    def run(self, today):
        today = today or timezone.localdate()
        return {"today": today.isoformat(), **services.release_lapsed(today=today)}
