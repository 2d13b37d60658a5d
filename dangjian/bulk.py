"""Many prepared rows inserted in few statements, without the ORM's per-value work: a roster
import's merge, whose rows were validated and sealed before its write transaction.

SQLite takes them as one `executemany` (one prepared statement run for each row, in process).
PostgreSQL gets multi-row `INSERT … VALUES (…), (…)` statements of ROWS rows: an `executemany`
there is a round trip a row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

ROWS = 1000  # rows in one PostgreSQL statement (its limit is 65,535 values)


def insert_rows(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, returning: str | None = None
) -> list[Any]:
    """Insert `rows` (values in the order of `columns`, ready for the database) into `table`. With
    `returning` on PostgreSQL, that column of each new row, in the rows' order; otherwise []."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES {one}", list(rows))
            return []
        back: list[Any] = []
        tail = f" RETURNING {quote(returning)}" if returning else ""
        for start in range(0, len(rows), ROWS):
            chunk = rows[start : start + ROWS]
            params = [value for row in chunk for value in row]
            cursor.execute(f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join([one] * len(chunk))}{tail}", params)
            if returning:
                back.extend(r[0] for r in cursor.fetchall())
        return back
