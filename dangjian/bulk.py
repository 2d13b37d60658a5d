"""Many prepared rows inserted in few statements, without the ORM's per-value work: a roster
import's merge, whose rows were validated and sealed before its write transaction.

SQLite takes them as one `executemany` (one prepared statement run for each row, in process).
PostgreSQL takes them through `COPY … FROM STDIN` (an `executemany` there is a round trip a
row); ids for the new rows are drawn from the table's sequence first (`next_ids`)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from django.db import connection

ROOMY_CACHE_KIB = -65536  # SQLite's page cache while a staging table is copied in: 64 MB at most


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows` (values in the order of `columns`, ready for the database) into `table`."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {quote(table)} ({names}) FROM STDIN"
            started = time.monotonic()
            # The driver's own copy, outside Django's cursor wrapper: its errors are translated as
            # any query's (a lock timeout is Django's OperationalError, answered "busy"), and it
            # is logged as one query, so query counts read the same on both engines.
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            if connection.queries_logged:
                connection.queries_log.append(
                    {"sql": f"{sql} -- {len(rows)} rows", "time": f"{time.monotonic() - started:.3f}"}
                )
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


def reserve_ids(table: str, n: int) -> list[int]:
    """`n` new values of `table`'s id taken now, for rows written later with them (a roster
    import prepares its rows outside its write transaction). PostgreSQL: from the sequence.
    SQLite (AUTOINCREMENT tables): the next `n` after the highest ever given, moved past them in
    sqlite_sequence, so no later row takes them — call it inside a transaction (it holds the
    write lock). Ids never written are gaps, as a rolled-back insert leaves."""
    if n <= 0:
        return []
    drawn = next_ids(table, "id", n)
    if drawn is not None:
        return drawn
    last = sqlite_high_water(table)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
        cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last + n])
    return list(range(last + 1, last + 1 + n))


def sqlite_high_water(table: str) -> int:
    """The highest id an SQLite AUTOINCREMENT table has given (a row's, or one reserved)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        return int(cursor.fetchone()[0])


class Staging:
    """A temporary table shaped like `columns` of `table`, filled outside the write transaction and
    copied into `table` inside it with one INSERT … SELECT (the database's own loop: about half
    the time of the same rows sent by `insert_rows`, SQLite measured). A TEMP table belongs to its
    connection, and writing it takes no lock on the database (SQLite) nor any row lock
    (PostgreSQL). Write it outside `transaction.atomic` for that: on SQLite an atomic block
    begins IMMEDIATE, which takes the database's write lock whatever it writes."""

    _made = 0

    def __init__(self, table: str, columns: Sequence[str]) -> None:
        Staging._made += 1
        self.table, self.columns = table, tuple(columns)
        self.name = f"staging_{table}_{id(self):x}_{Staging._made}"
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE TEMP TABLE {quote(self.name)} AS SELECT {names} FROM {quote(table)} WITH NO DATA"
                )
            else:
                cursor.execute(f"CREATE TEMP TABLE {quote(self.name)} AS SELECT {names} FROM {quote(table)} WHERE 0")
        self.count = 0

    def add(self, rows: Sequence[Sequence[Any]]) -> None:
        insert_rows(self.name, self.columns, rows)
        self.count += len(rows)

    def copy_into(self) -> int:
        """Insert every staged row into the table (in the caller's transaction)."""
        if not self.count:
            return 0
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # Room for the indexes' pages while they take many rows (SQLite's default 2 MB
                # spills them: 100,000 people and events went in 20% faster), then as it was.
                cursor.execute("PRAGMA cache_size")
                was = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = {ROOMY_CACHE_KIB}")
            try:
                cursor.execute(f"INSERT INTO {quote(self.table)} ({names}) SELECT {names} FROM {quote(self.name)}")
            finally:
                if connection.vendor == "sqlite":
                    cursor.execute(f"PRAGMA cache_size = {int(was)}")
        return self.count

    def update_into(self, key: str = "id") -> int:
        """Update the table's rows from the staged ones with the same `key` (every staged column
        but the key set), in one UPDATE … FROM (in the caller's transaction)."""
        if not self.count:
            return 0
        quote = connection.ops.quote_name
        table, staged = quote(self.table), quote(self.name)
        sets = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in self.columns if c != key)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {sets} FROM {staged} AS s WHERE {table}.{quote(key)} = s.{quote(key)}")
        return self.count

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(self.name)}")
