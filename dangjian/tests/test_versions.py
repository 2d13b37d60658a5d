"""dangjian.versions: the watcher it puts on every connection."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from dangjian import versions


@pytest.mark.django_db
def test_a_wrapper_around_a_connections_first_query_is_undone_as_it_should_be():
    """A connection (a new thread's, a reconnection's) first opened inside someone's
    `execute_wrapper` block: leaving the block removes their wrapper, not the version's watcher
    (Django's block pops the last wrapper of the list)."""
    conn = connections.create_connection(DEFAULT_DB_ALIAS)

    def theirs(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    try:
        with conn.execute_wrapper(theirs):
            conn.ensure_connection()
            assert versions._watch in conn.execute_wrappers
        assert conn.execute_wrappers == [versions._watch]
    finally:
        conn.close()


class _Composed:
    """SQL as psycopg composes it (psycopg.sql.Composed): no str, but printable."""

    def __str__(self) -> str:
        return "Composed([SQL('UPDATE '), Identifier('organizations_enterprise'), SQL(' SET …')])"


@pytest.mark.django_db
def test_sql_that_is_no_string_still_runs_and_is_watched():
    from django.db import connection

    assert versions.current("organizations") is not None
    ran: list[tuple] = []

    def execute(*args):
        ran.append(args)
        return "done"

    result = versions._watch(execute, _Composed(), None, False, {"connection": connection})
    assert result == "done" and len(ran) == 1
    assert versions.current("organizations") is None  # its bump waits for the (test's) commit
