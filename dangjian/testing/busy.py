"""A database busy with other work, as while a long import holds the write lock (dangjian/busy.py).

`database_busy()` opens a second connection to the test database and holds, until the block
ends, what an import holds: on SQLite the database's one write lock (BEGIN IMMEDIATE); on
PostgreSQL the audit chain's head (every audited write takes it first) and, so that nothing the
tests write can slip past, the tables of API tokens, sessions and users. Reads go on. Meanwhile
the test's own connection waits only a moment for a lock (SQLite's busy timeout, PostgreSQL's
lock_timeout) instead of the 20 s the settings give, so a refused write fails at once. Use it
with `transactional_db`: inside a test's transaction the test's connection already holds the
lock itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Model

from dangjian.access.models import ApiToken, User
from dangjian.audit.models import AuditEvent

WAIT_MS = 100  # how long the test's connection waits for a lock meanwhile


@contextmanager
def database_busy(*models: type[Model]) -> Iterator[None]:
    """`models`: on PostgreSQL, the tables to hold instead of the four (SQLite holds the whole
    database whatever they are)."""
    assert not connection.in_atomic_block, "database_busy needs transactional_db"

    def lock(holder: Any) -> None:
        if connection.vendor == "sqlite":
            holder.isolation_level = None  # the BEGIN below is ours
            holder.execute("BEGIN IMMEDIATE")
        else:
            with holder.cursor() as cursor:
                for model in models or (AuditEvent, ApiToken, Session, User):
                    cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN EXCLUSIVE MODE")

    with _held_by_another_connection(lock):
        yield


@contextmanager
def row_busy(instance: Model) -> Iterator[None]:
    """PostgreSQL: another connection holds `instance`'s row as a transaction updating it does
    (FOR NO KEY UPDATE: rows referring to it can still be written), until the block ends."""
    assert connection.vendor == "postgresql", "SQLite locks the whole database, never one row"
    table = connection.ops.quote_name(instance._meta.db_table)
    column = instance._meta.pk.column
    assert column is not None  # a concrete model's key always has one
    pk = connection.ops.quote_name(column)

    def lock(holder: Any) -> None:
        with holder.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE {pk} = %s FOR NO KEY UPDATE", [instance.pk])

    with _held_by_another_connection(lock):
        yield


@contextmanager
def _held_by_another_connection(lock: Callable[[Any], None]) -> Iterator[None]:
    """A second connection to the test database takes what `lock` takes and keeps it until the
    block ends, while the test's connection waits only WAIT_MS for a lock."""
    holder = connection.get_new_connection(connection.get_connection_params())
    try:
        lock(holder)
        with _short_waits():
            yield
    finally:
        holder.rollback()
        holder.close()


@contextmanager
def _short_waits() -> Iterator[None]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout")
            previous = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA busy_timeout = {WAIT_MS}")
        else:
            cursor.execute(f"SET lock_timeout = '{WAIT_MS}ms'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"PRAGMA busy_timeout = {previous}")
            else:
                cursor.execute("RESET lock_timeout")
