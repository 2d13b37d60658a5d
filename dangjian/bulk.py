"""Many prepared rows inserted in few statements, without the ORM's per-value work: a roster
import's merge, whose rows were validated and sealed before its write transaction.

SQLite takes them as one `executemany` (one prepared statement run for each row, in process).
PostgreSQL takes them through `COPY … FROM STDIN` (an `executemany` there is a round trip a
row); ids for the new rows are drawn from the table's sequence first (`next_ids`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows` (values in the order of `columns`, ready for the database) into `table`."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", list(rows))


def next_ids(table: str, column: str, n: int) -> list[int] | None:
    """On PostgreSQL, `n` new values of `table`'s `column` from its sequence (one query);
    elsewhere None: the database assigns them as the rows go in."""
    if connection.vendor != "postgresql" or n == 0:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, n])
        return [r[0] for r in cursor.fetchall()]
