"""The one way a file leaves the platform: as an attachment that no cache keeps."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from dangjian.sheets import XLSX_CONTENT_TYPE


def attachment(data: bytes, name: str, content_type: str = XLSX_CONTENT_TYPE) -> HttpResponse:
    """A download named `name` (RFC 6266/5987: a Chinese name reaches every current browser).
    Files hold personal data, so no shared or browser cache may keep them, and a browser must
    not guess a type that would let it render an uploaded document."""
    response = HttpResponse(data, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
