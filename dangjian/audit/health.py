"""The audit seals as the health endpoint sees them (dangjian/pages/health.py)."""

from __future__ import annotations

import dataclasses

from asgiref.sync import sync_to_async
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from .sealing import Status, status


@dataclasses.dataclass
class Sealing(HealthCheck):
    """Unhealthy when an audit event has waited longer than AUDIT_SEAL_MAX_AGE_SECONDS for its
    seal: the workers that seal are down or cannot write. Says how long, nothing else."""

    async def run(self) -> None:
        found: Status = await sync_to_async(status)()
        if found.late:
            raise ServiceUnavailable(
                f"audit events wait {found.oldest_age_seconds:.0f} s for their seal "
                f"(allowed {found.max_age} s): are the workers running? (manage.py run_workers)"
            )
