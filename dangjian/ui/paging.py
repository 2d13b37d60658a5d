"""Pagination and sorting shared by every list page."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(request: HttpRequest, qs: QuerySet, per_page: int | None = None):
    paginator = Paginator(qs, per_page or settings.DANGJIAN["PAGE_SIZE"])
    return paginator.get_page(request.GET.get("page"))


def sort(request: HttpRequest, qs: QuerySet, allowed: dict[str, str], default: str) -> tuple[QuerySet, str]:
    """Order by ?sort=key or -key among `allowed` (key → field); always tie-break on pk."""
    key = request.GET.get("sort", default)
    field = allowed.get(key.lstrip("-"))
    if field is None:
        key, field = default, allowed[default.lstrip("-")]
    prefix = "-" if key.startswith("-") else ""
    return qs.order_by(f"{prefix}{field}", f"{prefix}pk"), key


def query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
