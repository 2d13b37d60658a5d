"""The background workers as the health endpoint sees them (dangjian/ui/health.py)."""

from __future__ import annotations

import dataclasses

from asgiref.sync import sync_to_async
from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from .selectors import live_workers, queues_without_worker


def _workers() -> tuple[int, list[str]]:
    return len(live_workers()), queues_without_worker()


@dataclasses.dataclass
class Workers(HealthCheck):
    """Healthy when some worker was seen within WORKER_HEARTBEAT_SECONDS and every task queue
    has one. Says how many and which queues lack one: no host names, process ids or jobs."""

    async def run(self) -> None:
        # In the request's own thread (and database connection), like the pages.
        live, missing = await sync_to_async(_workers)()
        seconds = settings.WORKER_HEARTBEAT_SECONDS
        if not live:
            raise ServiceUnavailable(f"no background worker seen in the last {seconds} s (manage.py run_workers)")
        if missing:
            raise ServiceUnavailable(
                f"no background worker seen in the last {seconds} s for queue {', '.join(missing)}"
            )
