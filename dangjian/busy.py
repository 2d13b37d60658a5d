"""A busy database: how to recognise it, and the writes that must never wait for it (kernel:
imports nothing of ours).

While one long transaction holds the write lock (a roster import: on SQLite the database's one
writer, on PostgreSQL the audit chain's head), other writes wait for it. SQLite waits up to its
busy timeout (`timeout` in DATABASES) and then refuses with "database is locked"; PostgreSQL
waits, and refuses when a lock timeout is set, or for a serialisation failure or a deadlock.

- `is_busy(exc)` says whether an error is such a refusal: the pages and the API answer it with
  503 and "try again" (`BUSY_MESSAGE`, `RETRY_AFTER_SECONDS`), never a 500. The write that was
  refused ran in its service's transaction (`audit.services.write_transaction`), so it rolled
  back whole.
- `write_if_free(write)` runs a *bookkeeping* write — one that is not what the person asked for
  (a token's last use, a signed-in session's page state, the last login time) — waiting at most
  `BOOKKEEPING_WAIT_MS` for the lock, and skips it if the database is busy: it is advisory, and a
  later request writes it again. docs/architecture.md, "A busy database".
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

# How long a bookkeeping write waits for a lock held by other work before it is skipped.
BOOKKEEPING_WAIT_MS = 50
# What a refused request tells the client to wait before trying again (the Retry-After header).
RETRY_AFTER_SECONDS = 10

BUSY_MESSAGE = gettext_lazy(
    "The system is busy saving other work, and what you just did was not saved. Try again in a moment."
)

# SQLite's refusals for a lock another connection holds: SQLITE_BUSY once the busy timeout has
# passed; SQLITE_LOCKED (tables of a shared cache, as the test suite's in-memory database has).
_SQLITE_BUSY = ("database is locked", "database table is locked", "database schema is locked")
# PostgreSQL's: lock_not_available (lock_timeout, NOWAIT), serialization_failure, deadlock_detected.
_POSTGRESQL_BUSY = {"55P03", "40001", "40P01"}


def is_busy(exc: BaseException) -> bool:
    """Whether `exc`, or the error it was raised from or while handling, is the database refusing
    a write because other work holds the lock it needs."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        # psycopg's errors (the cause of Django's) carry the SQLSTATE: `sqlstate` (psycopg 3),
        # `pgcode` (psycopg2).
        if (getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)) in _POSTGRESQL_BUSY:
            return True
        if isinstance(current, DatabaseError | sqlite3.Error) and str(current).startswith(_SQLITE_BUSY):
            return True
        current = current.__cause__ or current.__context__
    return False


@contextmanager
def brief_wait(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A transaction (a savepoint inside one) whose statements wait at most BOOKKEEPING_WAIT_MS
    for a lock, then fail with an error `is_busy` recognises. The connection's own wait is
    restored afterwards, for the rest of the request."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        if connection.in_atomic_block:
            # Inside a transaction the connection already holds SQLite's write lock (transactions
            # begin IMMEDIATE): nothing to wait for.
            with transaction.atomic(using=using):
                yield
            return
        # The wait is SQLite's busy timeout, and the transaction's BEGIN IMMEDIATE is what waits:
        # it is shortened around the whole transaction.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            previous = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA busy_timeout = {BOOKKEEPING_WAIT_MS:d}")
        try:
            with transaction.atomic(using=using):
                yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {previous:d}")
    elif connection.vendor == "postgresql":
        nested = connection.in_atomic_block
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                if nested:
                    cursor.execute("SELECT current_setting('lock_timeout')")
                    previous = cursor.fetchone()[0]
                # SET LOCAL: it ends with the transaction, or with the savepoint if that rolls back.
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{BOOKKEEPING_WAIT_MS}ms"])
            yield
            if nested:  # the outer transaction goes on with its own wait
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    else:
        with transaction.atomic(using=using):
            yield


def write_if_free(write: Callable[[], object], *, what: str, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Run a bookkeeping write in `brief_wait`; if the database is busy, skip it (logged, with
    `what` it was) and return False. Any other error is raised as usual."""
    try:
        with brief_wait(using):
            write()
    except Exception as exc:
        if not is_busy(exc):
            raise
        logger.info("Skipped while the database is busy: %s (%s)", what, exc)
        return False
    return True
