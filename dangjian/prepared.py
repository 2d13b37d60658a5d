"""Statements the ORM builds once and the database runs again: for the few hot reads that cost
more to build than to run. A committee's dashboard figures are five grouped counts; on SQLite
they took 0.7 ms to run and 4 ms of Python to build (filters resolved, expressions compiled)
each time they were counted afresh (docs/benchmarks.md).

`rows(key, build)` compiles the values_list queryset `build()` returns the first time it meets
`key` and afterwards only executes the kept SQL with the kept parameters. The key must name
everything the statement depends on (its values included, e.g. the subtree's path). The rows
come as the database driver returns them, without the ORM's converters: use it for columns that
need none (text, whole numbers; booleans are 0/1 on SQLite), or convert with `as_date` and
`as_money` below."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet

MAX_KEPT = 2048
_kept: dict[tuple[str, Hashable], tuple[str, tuple[Any, ...]]] = {}


def rows(key: Hashable, build: Callable[[], QuerySet[Any, Any]]) -> list[tuple[Any, ...]]:
    """The rows of `build()`, a values_list queryset, compiled once per `key`."""
    full_key = (connection.vendor, key)
    statement = _kept.get(full_key)
    if statement is None:
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        sql, params = build().query.sql_with_params()
        statement = _kept[full_key] = (sql, tuple(params))
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchall()


def as_date(value: Any) -> dt.date | None:
    """A date column as the driver gave it (a `date` on PostgreSQL, ISO text on SQLite)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


CENT = Decimal("0.01")


def as_money(value: Any) -> Decimal | None:
    """A money column (a DecimalField of two places) as the driver gave it: a Decimal on
    PostgreSQL, an int or a float on SQLite (whose numeric column holds 12.3 for 12.30)."""
    if value is None:
        return None
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(CENT)
