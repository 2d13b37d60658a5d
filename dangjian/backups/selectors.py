"""What a database holds, read the same way from a backup's snapshot (a copy of the SQLite file, or
PostgreSQL inside the snapshot pg_dump reads) and from a restored database, so that the two can be
compared figure by figure."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.models import Session
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from dangjian.audit.hashing import GENESIS
from dangjian.audit.models import AuditEvent, AuditSeal

# Sessions are live logins: a backup holding their keys would let whoever reads it act as the
# people logged in. Their rows are left out; a restored instance starts with everyone logged out.
EXCLUDED_TABLE_DATA = (Session._meta.db_table,)

# What `migrate` itself writes into a new database: the migration ledger, content types and
# permissions, the default meeting frequencies and the built-in 三好 rating scheme. A
# target holding rows only in these is still empty (e.g. `make run` migrated it); a county that
# tightened a frequency rule left audit events, so that instance is not.
# tests/test_roundtrip.py::test_a_freshly_migrated_database_counts_as_empty keeps this list complete.
FILLED_BY_MIGRATE = frozenset(
    {
        MigrationRecorder.Migration._meta.db_table,
        "django_content_type",
        "auth_permission",
        "branchlife_frequencyrule",
        "guidance_ratingscheme",
        "guidance_criterion",
        "indicators_indicator",
        "dues_rateband",
    }
)


@dataclass(frozen=True)
class DatabaseState:
    tables: dict[str, int]
    migrations: dict[str, list[str]]
    audit_events: int
    audit_head_hash: str
    audit_head_event_id: int

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def database_state(cursor: Any, tables: Iterable[str], quote: Callable[[str], str]) -> DatabaseState:
    """Row counts of `tables`, the applied migrations and the audit chain's head, through a DB-API
    cursor (sqlite3's or Django's) in whatever transaction the caller holds."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    migrations: dict[str, list[str]] = {}
    cursor.execute(f"SELECT app, name FROM {quote(MigrationRecorder.Migration._meta.db_table)}")
    for app, name in sorted(cursor.fetchall()):
        migrations.setdefault(app, []).append(name)
    # The audit log's head: its newest seal's hash and its newest event.
    head_hash, head_event = GENESIS, 0
    if AuditSeal._meta.db_table in counts:
        cursor.execute(f"SELECT hash FROM {quote(AuditSeal._meta.db_table)} ORDER BY id DESC LIMIT 1")
        head_hash = (cursor.fetchone() or (GENESIS,))[0]
    if AuditEvent._meta.db_table in counts:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(AuditEvent._meta.db_table)}")
        head_event = cursor.fetchone()[0]
    head = (head_hash, head_event)
    return DatabaseState(
        tables=counts,
        migrations=migrations,
        audit_events=counts.get(AuditEvent._meta.db_table, 0),
        audit_head_hash=head[0],
        audit_head_event_id=int(head[1]),
    )


def live_tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def live_state(tables: Iterable[str]) -> DatabaseState:
    with connection.cursor() as cursor:
        return database_state(cursor, tables, connection.ops.quote_name)


def tables_holding_data(tables: Iterable[str]) -> list[str]:
    """The tables of this database that hold rows `migrate` does not write: any of them means the
    instance is in use and a restore must not go over it."""
    held = []
    with connection.cursor() as cursor:
        for table in sorted(set(tables) - FILLED_BY_MIGRATE):
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                held.append(table)
    return held
