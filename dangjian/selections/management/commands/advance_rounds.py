"""manage.py advance_rounds [--today YYYY-MM-DD]: the daily move of pacesetter rounds to the phase
whose day has come."""

from __future__ import annotations

from django.utils import timezone

from dangjian.notifications.daily import DailyCommand
from dangjian.selections import services


class Command(DailyCommand):
    help = (
        "Move each pacesetter round on to the phase whose day has come (evidence, the vote, the count"
        " and review, the public notice, the announcement), as far as its state allows; a round held"
        " (a review unfinished, paper ballots not entered, objections unanswered) stays and its"
        " organiser's to-do says why. Safe to run more than once. The workers run it daily at 07:15 by"
        " themselves; from cron:  15 7 * * *  cd /srv/dangjian && .venv/bin/python manage.py advance_rounds"
    )
    summary = "Pacesetter rounds on {today}: {moved} phases begun, {held} rounds held."

    def run(self, today):
        today = today or timezone.localdate()
        return {"today": today.isoformat(), **services.advance_due(today=today)}
