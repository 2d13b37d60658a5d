from __future__ import annotations

from .context import audit_source


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        source = "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "web"
        with audit_source(source, request.META.get("REMOTE_ADDR")):
            return self.get_response(request)
