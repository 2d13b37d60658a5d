"""/health/: for load balancers and monitors. Anonymous, never cached, and it says nothing
but which part is down: 200 when every check passes, 503 when one fails (a 500 would read as
a bug to the fuzzers and monitors that watch for server errors). Plain text by default, JSON
with `Accept: application/json` or `?format=json`.

Each check is a `health_check.base.HealthCheck` (django-health-check); adding one is one line
in CHECKS. DNS and mail are not checked: the platform runs on an intranet."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from health_check.views import HealthCheckView

CHECKS = [
    "health_check.checks.Database",
    "health_check.checks.Cache",
    "dangjian.jobs.health.Workers",
    "dangjian.audit.health.Sealing",
]


class HealthView(HealthCheckView):
    checks = CHECKS

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
        return response

    # Text or JSON only: the library's HTML page (inline styles, a link off the intranet) and
    # its feeds add nothing a monitor needs.
    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        return self.render_to_response_text(kwargs.get("status", 200))

    def _unhealthy_status(self) -> int:
        return 500 if any(result.error for result in self.results) else 200

    def render_to_response_atom(self) -> HttpResponse:
        return self.render_to_response_text(self._unhealthy_status())

    def render_to_response_rss(self) -> HttpResponse:
        return self.render_to_response_text(self._unhealthy_status())

    def render_to_response_openmetrics(self) -> HttpResponse:
        return self.render_to_response_text(self._unhealthy_status())
