"""How each database engine is copied consistently while the site runs, and put back.

SQLite: the online backup API copies every page in one step inside one read transaction (WAL
lets the web server and the worker keep writing meanwhile), into a scratch file that is then
cleaned (sessions dropped, free pages vacuumed away) and counted.
PostgreSQL: a REPEATABLE READ transaction exports its snapshot, pg_dump reads exactly that
snapshot (`--snapshot`), and the manifest's figures are counted inside the same transaction, so
the dump and its manifest describe the same instant. Connection details reach pg_dump and
pg_restore through libpq's environment variables, never their command line, which `ps` shows.
"""

from __future__ import annotations

import glob
import gzip
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from . import selectors
from .archive import CHUNK, BackupRefused
from .selectors import DatabaseState

if TYPE_CHECKING:
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

# Level 1: on the prefecture dataset (a 223 MB file) it took 9 s for 109 MB, level 6 20 s for 104 MB.
GZIP_LEVEL = 1


@dataclass(frozen=True)
class Snapshot:
    path: Path  # the archive member, ready to add
    state: DatabaseState
    server_version: str
    tool_version: str  # the program that made the member, e.g. "pg_dump (PostgreSQL) 15.10"


class Engine(Protocol):
    name: str  # as the manifest says it
    label: str  # as people read it
    member: str  # the archive member holding the database
    gunzip: bool  # whether the member is un-gzipped when extracted

    def snapshot(self, work: Path) -> Snapshot: ...

    def scratch_dir(self) -> Path | None: ...

    def restore(self, member_path: Path, *, over_schema: bool, manifest_tool_major: int | None) -> None: ...


LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def current() -> Engine:
    if connection.vendor == "sqlite":
        return SqliteEngine()
    if connection.vendor == "postgresql":
        return PostgresEngine()
    raise BackupRefused(
        _("Backups support SQLite and PostgreSQL; this instance uses %(engine)s.") % {"engine": connection.vendor}
    )


# --- SQLite ---------------------------------------------------------------------------------------


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    return [name for (name,) in rows]


class SqliteEngine:
    name = "sqlite"
    label = LABELS[name]
    member = "database.sqlite3.gz"
    gunzip = True

    def snapshot(self, work: Path) -> Snapshot:
        copy = work / "database.sqlite3"
        connection.ensure_connection()
        dst = sqlite3.connect(copy)
        try:
            # pages=-1: the whole file in one step, i.e. one read transaction, so one instant.
            connection.connection.backup(dst, pages=-1)
            for table in selectors.EXCLUDED_TABLE_DATA:
                dst.execute(f"DELETE FROM {_sqlite_quote(table)}")
            dst.commit()
            # Free pages still hold whatever was deleted on the live database (and the sessions
            # just dropped): VACUUM rewrites the copy without them.
            dst.execute("VACUUM")
            dst.execute("PRAGMA journal_mode=DELETE")
            problems = [row[0] for row in dst.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise BackupRefused(
                    _(
                        "The database file is damaged (%(detail)s); it was not backed up. Restore the last good "
                        "backup, or repair the file with the sqlite3 tool's .recover command."
                    )
                    % {"detail": "; ".join(problems[:3])}
                )
            state = selectors.database_state(dst.cursor(), _sqlite_tables(dst), _sqlite_quote)
        finally:
            dst.close()
        member = work / self.member
        with copy.open("rb") as src, gzip.open(member, "wb", compresslevel=GZIP_LEVEL) as out:
            shutil.copyfileobj(src, out, CHUNK)
        copy.unlink()
        return Snapshot(member, state, sqlite3.sqlite_version, f"sqlite3 {sqlite3.sqlite_version}")

    def target(self) -> Path:
        return Path(connection.settings_dict["NAME"]).resolve()

    def scratch_dir(self) -> Path | None:
        # Beside the database: the same file system, which has room for it.
        if cast("SQLiteWrapper", connection).is_in_memory_db():
            return None
        folder = self.target().parent
        if not folder.is_dir():
            raise BackupRefused(_("The folder %(path)s does not exist.") % {"path": folder})
        return folder

    def restore(self, member_path: Path, *, over_schema: bool, manifest_tool_major: int | None) -> None:
        target = self.target()
        connection.close()
        src = sqlite3.connect(member_path)
        dst = sqlite3.connect(target)
        try:
            # Copying into a WAL database needs equal page sizes; the target is empty, so it can
            # leave WAL for the copy (Django's connection turns it back on).
            dst.execute("PRAGMA journal_mode=DELETE")
            src.backup(dst, pages=-1)
        finally:
            src.close()
            dst.close()


# --- PostgreSQL -----------------------------------------------------------------------------------

# Where Debian (postgresql-client-N), RHEL (PGDG) and Homebrew put the client programs when they
# are not on PATH.
PG_BIN_GLOBS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
)


def tool_major(path: str) -> tuple[int, str] | None:
    """The major version of a PostgreSQL client program, and its version line."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return (int(match.group(1)), out.strip()) if match else None


def find_pg_tool(name: str, at_least: int) -> tuple[str, str]:
    """The path and version line of `name` (pg_dump, pg_restore) of major version `at_least` or
    newer: PG_BIN_DIR when set, else PATH, else the usual package folders. Of those that fit, the
    oldest: its archives restore with the most pg_restore versions."""
    if settings.PG_BIN_DIR:
        candidates = [str(Path(settings.PG_BIN_DIR) / name)]
    else:
        candidates = [p for p in [shutil.which(name)] if p]
        for pattern in PG_BIN_GLOBS:
            candidates += [str(Path(d) / name) for d in glob.glob(pattern)]
    found = []
    for path in dict.fromkeys(candidates):
        if os.access(path, os.X_OK) and (version := tool_major(path)) and version[0] >= at_least:
            found.append((version[0], path, version[1]))
    if not found:
        raise BackupRefused(
            _(
                "No %(tool)s of PostgreSQL %(major)s or newer was found. Install the PostgreSQL %(major)s client "
                "programs (Debian: apt-get install postgresql-client-%(major)s) or set PG_BIN_DIR to the folder "
                "that holds %(tool)s."
            )
            % {"tool": name, "major": at_least}
        )
    _major, path, line = min(found)
    return path, line


def libpq_env() -> dict[str, str]:
    """This process's environment plus the database settings as libpq variables."""
    db = connection.settings_dict
    options = db.get("OPTIONS") or {}
    values = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
    }
    env = dict(os.environ)
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _tail(text: str, lines: int = 5) -> str:
    return " ".join(text.strip().splitlines()[-lines:])


class PostgresEngine:
    name = "postgresql"
    label = LABELS[name]
    member = "database.pgdump"
    gunzip = False

    def _server_major(self) -> int:
        connection.ensure_connection()
        return cast("PostgresWrapper", connection).pg_version // 10000

    def snapshot(self, work: Path) -> Snapshot:
        pg_dump, tool_version = find_pg_tool("pg_dump", self._server_major())
        member = work / self.member
        excluded = [f"--exclude-table-data={table}" for table in selectors.EXCLUDED_TABLE_DATA]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot_id, server_version = cursor.fetchone()
            state = selectors.database_state(
                cursor, connection.introspection.table_names(cursor), connection.ops.quote_name
            )
            # The exported snapshot lives as long as this transaction: pg_dump runs inside it.
            done = subprocess.run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot_id}", *excluded, f"--file={member}"],
                env=libpq_env(),
                capture_output=True,
                text=True,
            )
        if done.returncode != 0:
            raise BackupRefused(_("pg_dump failed: %(detail)s") % {"detail": _tail(done.stderr)})
        # The excluded tables' rows are not in the dump: the manifest counts what a restore finds.
        state = DatabaseState(
            tables={t: 0 if t in selectors.EXCLUDED_TABLE_DATA else n for t, n in state.tables.items()},
            migrations=state.migrations,
            audit_events=state.audit_events,
            audit_head_hash=state.audit_head_hash,
            audit_head_event_id=state.audit_head_event_id,
        )
        return Snapshot(member, state, server_version, tool_version)

    def scratch_dir(self) -> Path | None:
        return None

    def restore(self, member_path: Path, *, over_schema: bool, manifest_tool_major: int | None) -> None:
        pg_restore, _version = find_pg_tool("pg_restore", max(self._server_major(), manifest_tool_major or 0))
        dbname = connection.settings_dict["NAME"]
        connection.close()
        # The database's name must be on the command line (without --dbname pg_restore prints SQL
        # instead of restoring); host, user and password stay in the environment.
        args = [pg_restore, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
        if over_schema:
            args += ["--clean", "--if-exists"]
        done = subprocess.run(
            [*args, f"--dbname={dbname}", str(member_path)], env=libpq_env(), capture_output=True, text=True
        )
        if done.returncode != 0:
            raise BackupRefused(
                _("pg_restore failed; the database was left as it was (one transaction): %(detail)s")
                % {"detail": _tail(done.stderr)}
            )
