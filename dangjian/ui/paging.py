"""Pagination and sorting shared by every list page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.http import HttpRequest


def page_rows(qs: QuerySet, start: int, stop: int, make_rows: Callable[[list[Any]], list] | None = None) -> list:
    """qs[start:stop] in two steps: the page's ids in the list's order, then those rows with their
    related rows. One query more, but the database sorts bare rows and joins only the page's
    (on PostgreSQL a prefecture's member list joined all 23,441 members to their employer, team
    and organisation before sorting: 76 ms against 36 + 2, docs/benchmarks.md). The second query
    needs no scope: the ids came through it. Querysets that compute columns (annotations) or
    collapse rows (distinct, values) are sliced as usual. `make_rows`, if given, makes the page's
    rows from its ids (in their order) instead of the second query."""
    query = qs.query
    if make_rows is not None:
        return make_rows(list(qs.values_list("pk", flat=True)[start:stop]))
    if (
        qs._iterable_class is not ModelIterable
        or query.annotations
        or query.distinct
        or query.combinator
        or not query.order_by
    ):
        return list(qs[start:stop])
    ids = list(qs.values_list("pk", flat=True)[start:stop])
    rows = qs.model._default_manager.filter(pk__in=ids)
    rows.query.select_related = query.select_related
    rows.query.deferred_loading = query.deferred_loading
    # The prefetches a queryset was given are not in django-stubs' public QuerySet.
    by_id = {row.pk: row for row in rows.prefetch_related(*qs._prefetch_related_lookups)}  # type: ignore[attr-defined]
    return [by_id[pk] for pk in ids if pk in by_id]


class IdsFirstPaginator(Paginator):
    rows: Callable[[list[Any]], list] | None = None

    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(page_rows(self.object_list, bottom, top, self.rows), number, self)


def paginate(
    request: HttpRequest,
    qs: QuerySet | Sequence[Any],
    per_page: int | None = None,
    *,
    rows: Callable[[list[Any]], list] | None = None,
):
    """The requested page of `qs`; `rows`, for a queryset, makes the page's rows from its ids."""
    paginator = IdsFirstPaginator(qs, per_page or settings.DANGJIAN["PAGE_SIZE"])
    paginator.rows = rows
    return paginator.get_page(request.GET.get("page"))


def sort(params: Any, qs: QuerySet, allowed: dict[str, str], default: str) -> tuple[QuerySet, str]:
    """Order by ?sort=key or -key among `allowed` (key → field), read from `params` (a page's
    request.GET, an export's saved query); always tie-break on pk."""
    key = params.get("sort", default)
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
