"""Statements the ORM builds once and the database runs again: for the few hot reads that cost
more to build than to run. A committee's dashboard figures are five grouped counts; on SQLite
they took 0.7 ms to run and 4 ms of Python to build (filters resolved, expressions compiled)
each time they were counted afresh (docs/benchmarks.md).

`rows(key, build)` compiles the values_list queryset `build()` returns the first time it meets
`key` and afterwards only executes the kept SQL with the kept parameters. The key must name
everything the statement depends on (its values included, e.g. the subtree's path). The rows
come as the database driver returns them, without the ORM's converters: use it only for
columns that need none (text, whole numbers; booleans are 0/1 on SQLite)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
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
