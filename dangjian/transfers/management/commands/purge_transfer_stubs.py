"""manage.py purge_transfer_stubs [--today YYYY-MM-DD]: the personal detail of the stubs of
letters out of the platform removed once their retention (TRANSFER_STUB_RETENTION_YEARS) has
passed."""

from __future__ import annotations

from django.utils import timezone

from dangjian.notifications.daily import DailyCommand
from dangjian.transfers import services


class Command(DailyCommand):
    help = (
        "Remove the personal detail of transfer-letter stubs older than TRANSFER_STUB_RETENTION_YEARS"
        " (default 10), each an audited change. The workers run it daily at 07:25 by themselves; from"
        " cron:  25 7 * * *  cd /srv/dangjian && .venv/bin/python manage.py purge_transfer_stubs"
    )
    summary = "Transfer stubs on {today}: {purged} emptied of personal detail."

    def run(self, today):
        today = today or timezone.localdate()
        return {"today": today.isoformat(), **services.purge_old_stubs(today=today)}
