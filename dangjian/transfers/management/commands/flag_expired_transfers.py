"""manage.py flag_expired_transfers [--today YYYY-MM-DD]: the daily flag of transfer letters past
their validity, to both sides."""

from __future__ import annotations

from django.utils import timezone

from dangjian.notifications.daily import DailyCommand
from dangjian.transfers import services


class Command(DailyCommand):
    help = (
        "Tell both sides' officers, once, of each transfer letter past its validity and not accepted."
        " Safe to run more than once. The workers run it daily at 07:20 by themselves; from cron:"
        "  20 7 * * *  cd /srv/dangjian && .venv/bin/python manage.py flag_expired_transfers"
    )
    summary = "Transfer letters on {today}: {expired} expired, {notifications} notifications."

    def run(self, today):
        today = today or timezone.localdate()
        return {"today": today.isoformat(), **services.flag_expired(today=today)}
