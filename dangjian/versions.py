"""A version stamp of a group of tables: a token in the shared cache that changes after every
committed write to them, so that what is computed from those tables can be kept in the cache
under the version it was computed at (kernel: imports nothing of ours).

The filter forms' choice lists are kept this way (ui.lookups, docs/architecture.md "Kept choice
lists"): loading and labelling a county's organisations and enterprises was a third of the
person list's time (docs/benchmarks.md).

- `track(group, tables)`: the owning app names its tables once (in its `ready()`).
- Every statement other than a SELECT that names one of the tables, through any Django
  connection in any process (pages, the API, workers, commands, migrations, raw SQL), schedules
  a new token for when its transaction commits (at once in autocommit). A rolled-back write
  changes nothing and bumps nothing.
- `current(group)`: the token to key by, or None when nothing may be kept now: this
  connection's own transaction has written the tables and not yet committed (what it reads
  others cannot see yet, and it may still roll back).

Why a token, set after the commit, is enough: an entry kept under token T was computed from
data read after T was set. A write that committed before T was set is in it; a write that
commits later sets a new token after its commit, so T is no longer asked for. Tokens are
unique, so two writers never set the same one. A lost token (the cache culled it) is replaced
by a new one: lists are computed afresh, never wrongly. What this does not see — a write made
outside Django, or a process killed between its commit and the new token — is bounded by the
time entries are kept (`LOOKUP_KEEP_SECONDS`). The cache must be one for all processes (the
default file cache on one machine; a shared one across machines, docs/operations.md).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

_GROUPS: dict[str, tuple[str, ...]] = {}
_bumps: dict[str, Any] = {}  # group → its bump function (one object, so a pending one can be found)


def _key(group: str) -> str:
    return f"versions:{group}"


def bump(group: str) -> None:
    """A new token for `group`: whatever was kept under the old one is no longer asked for."""
    cache.set(_key(group), uuid.uuid4().hex, None)


def track(group: str, tables: Iterable[str]) -> None:
    """Watch writes to `tables` (database table names) as `group`, on every connection."""
    _GROUPS[group] = tuple(tables)

    def bump_group() -> None:
        bump(group)

    bump_group.__qualname__ = f"versions.bump({group!r})"
    _bumps[group] = bump_group
    connection_created.connect(_install, dispatch_uid="dangjian.versions")
    for conn in connections.all(initialized_only=True):
        _install(conn.__class__, conn)


def _install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    # A kept connection (CONN_MAX_AGE) announces each reconnection: one watcher is enough. First
    # in the list, not last: a connection may open inside someone's `execute_wrapper` block, whose
    # exit pops the list's last wrapper (it would drop the watcher and leave theirs for good).
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch)


def _watch(execute: Any, sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    text = sql if isinstance(sql, str) else str(sql)  # psycopg's composed SQL is no str
    if text.lstrip()[:6].upper() != "SELECT":
        for group, tables in _GROUPS.items():
            if any(table in text for table in tables):
                _after_commit(context["connection"], group)
    return result


def _pending(connection: BaseDatabaseWrapper, group: str) -> bool:
    """Whether this connection's transaction has a bump of `group` waiting for its commit
    (Django drops a callback registered in a savepoint that is rolled back)."""
    func = _bumps[group]
    return any(entry[1] is func for entry in connection.run_on_commit)


def _after_commit(connection: BaseDatabaseWrapper, group: str) -> None:
    if connection.in_atomic_block:
        if not _pending(connection, group):
            connection.on_commit(_bumps[group], robust=True)
    else:
        # Autocommit: the statement has committed. (Manual transaction management, which
        # nothing here uses, could only be bumped now, before its commit.)
        _bumps[group]()


def current(group: str, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The token of `group` to key kept values by; None: keep nothing now (this connection's
    transaction has written the tables, or the cache keeps nothing)."""
    connection = connections[using]
    if connection.in_atomic_block and _pending(connection, group):
        return None
    token: str | None = cache.get(_key(group))
    if token is None:
        cache.add(_key(group), uuid.uuid4().hex, None)
        token = cache.get(_key(group))
    return token
