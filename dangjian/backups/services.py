"""Backing up the whole instance into one archive, and restoring an archive into an empty one.

Everything the platform keeps lives in its database: records, the audit chain, and every file
people attached (step documents, meeting attachments, uploaded rosters, export files), which
`dangjian.files` keeps sealed in table rows. MEDIA_ROOT is unused; var/ holds only the local keys
(never backed up), the cache and logs. So the database is the backup, and
`tests/test_completeness.py` fails if a model ever keeps a file anywhere else.
"""

from __future__ import annotations

import datetime as dt
import getpass
import re
import subprocess
import tempfile
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import services as audit
from dangjian.audit.models import Action

from . import archive, engines, selectors
from .archive import BackupRefused

OBJECT_TYPE = "backups.archive"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    rows: int
    tables: int
    audit_events: int
    migrations_pending: bool


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def app_version() -> dict[str, str | None]:
    """The project's version and, in a git checkout, its commit."""
    try:
        with (settings.BASE_DIR / "pyproject.toml").open("rb") as f:
            version = tomllib.load(f)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = None
    try:
        commit = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {"version": version, "commit": commit or None}


def _destination(path: Path | None, engine: engines.Engine, now: dt.datetime) -> Path:
    folder = Path(settings.BACKUP_DIR) if path is None else path
    if path is None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if folder.is_dir():
        return folder / f"dangjian-{engine.name}-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar"
    if folder.exists():
        raise BackupRefused(archive.exists_message(folder))
    if not folder.parent.is_dir():
        raise BackupRefused(_("The folder %(path)s does not exist.") % {"path": folder.parent})
    return folder


def create_backup(*, destination: Path | None = None) -> BackupResult:
    """Write one archive of the whole instance (`archive.py` has the layout) and record the export
    of everything in it on the audit chain. Refuses to write over an existing file."""
    engine = engines.current()
    created_at = timezone.now()
    path = _destination(destination, engine, created_at)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".dangjian-backup-") as work:
        snap = engine.snapshot(Path(work))
        manifest = archive.sign(
            {
                "format": archive.FORMAT,
                "format_version": archive.FORMAT_VERSION,
                "id": str(uuid.uuid4()),
                "created_at": created_at.astimezone(dt.UTC).isoformat(),
                "engine": engine.name,
                "server_version": snap.server_version,
                "tool": snap.tool_version,
                "app": app_version(),
                "django": django.get_version(),
                "migrations": snap.state.migrations,
                "tables": snap.state.tables,
                "excluded_table_data": list(selectors.EXCLUDED_TABLE_DATA),
                "audit": {
                    "events": snap.state.audit_events,
                    "head_hash": snap.state.audit_head_hash,
                    "head_event_id": snap.state.audit_head_event_id,
                },
                "members": {engine.member: archive.member_entry(snap.path)},
                "key_check": archive.key_check(),
            }
        )
        size = archive.write(path, manifest, {engine.member: snap.path})
    try:
        # Like an Excel download, a backup takes every person's data out of the system.
        _record(Action.EXPORT, manifest, path, file=str(path), size=size)
    except BaseException:
        path.unlink()  # no export of everyone's data without its audit event
        raise
    return BackupResult(path=path, size=size, manifest=manifest)


@audit.write_transaction
def _record(action: str, manifest: dict[str, Any], path: Path, **changes: Any) -> None:
    """A backup made or restored, by whoever ran the command on the server: the archive, what
    its manifest holds and `changes`, what is particular to the one or the other."""
    audit.record(
        actor=None,
        action=action,
        object_type=OBJECT_TYPE,
        object_id=manifest["id"],
        object_repr=path.name,
        changes={
            **changes,
            "engine": manifest["engine"],
            "tables": len(manifest["tables"]),
            "rows": sum(manifest["tables"].values()),
            "audit_events": manifest["audit"]["events"],
            "os_user": _os_user(),
        },
    )


# --- restore --------------------------------------------------------------------------------------


def _applied(manifest: dict[str, Any]) -> set[tuple[str, str]]:
    return {(app, name) for app, names in manifest["migrations"].items() for name in names}


def _refuse_unknown_migrations(manifest: dict[str, Any]) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    unknown = sorted(m for m in _applied(manifest) if m[0] in loader.migrated_apps and m not in known)
    if unknown:
        raise BackupRefused(
            _(
                "This backup was made by a newer version of Dangjian (%(version)s): it has migrations this version "
                "lacks (%(migrations)s). Install that version or a later one, then restore. Nothing was changed."
            )
            % {
                "version": archive.app_label(manifest),
                "migrations": ", ".join(f"{app}.{name}" for app, name in unknown[:5]),
            }
        )


def _check_target(manifest: dict[str, Any], engine: engines.Engine) -> bool:
    """Refuse a target that holds data or tables the backup lacks. Returns whether it has tables
    (made by `migrate`), which the restore replaces."""
    existing = selectors.live_tables()
    held = selectors.tables_holding_data(existing)
    if held:
        raise BackupRefused(
            _(
                "The target database already holds data (in %(tables)s). A restore only goes into an empty "
                "database: create a new one (%(how)s), point DATABASE_URL at it and run the restore again. "
                "Nothing was changed."
            )
            % {
                "tables": ", ".join(held[:5]) + ("…" if len(held) > 5 else ""),
                "how": _("a new file name") if engine.name == "sqlite" else _("createdb NAME"),
            }
        )
    foreign = sorted(set(existing) - set(manifest["tables"]))
    if foreign:
        raise BackupRefused(
            _(
                "The target database has tables the backup does not have (%(tables)s): another version of Dangjian "
                "set it up. Restore into a new, empty database. Nothing was changed."
            )
            % {"tables": ", ".join(foreign[:5])}
        )
    return bool(existing)


def _tool_major(manifest: dict[str, Any]) -> int | None:
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", manifest.get("tool") or "")
    return int(match.group(1)) if match else None


def restore_backup(*, path: Path) -> RestoreResult:
    """Restore archive `path` into this instance's database, which must be empty, then prove that
    what arrived is what was backed up, and record the restore on the (restored) audit chain.
    Every refusal comes before the database is touched."""
    if not path.is_file():
        raise BackupRefused(_("%(path)s is not a file.") % {"path": path})
    manifest = archive.read_manifest(path)
    engine = engines.current()
    if manifest["engine"] != engine.name:
        theirs = engines.LABELS.get(manifest["engine"], manifest["engine"])
        raise BackupRefused(
            _(
                "This backup was made from a %(backup)s database, but this instance uses %(target)s. Set "
                "DATABASE_URL to an empty %(backup)s database and restore there; moving to %(target)s is a "
                "migration of its own, not a restore. Nothing was changed."
            )
            % {"backup": theirs, "target": engine.label}
        )
    _refuse_unknown_migrations(manifest)
    with tempfile.TemporaryDirectory(dir=engine.scratch_dir(), prefix=".dangjian-restore-") as work:
        member = archive.extract(path, manifest, engine.member, Path(work), gunzip=engine.gunzip)
        over_schema = _check_target(manifest, engine)
        engine.restore(member, over_schema=over_schema, manifest_tool_major=_tool_major(manifest))
    ContentType.objects.clear_cache()
    problems = verify_restored(manifest)
    if problems:
        raise BackupRefused(
            _(
                "The restored database does not match the backup: %(problems)s. Do not use it: restore again into "
                "a new, empty database, or restore another archive."
            )
            % {"problems": "; ".join(problems)}
        )
    _record(
        Action.IMPORT,
        manifest,
        path,
        restored_from=str(path),
        backup_created_at=manifest["created_at"],
        app=manifest["app"],
    )
    executor = MigrationExecutor(connection)
    pending = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    return RestoreResult(
        manifest=manifest,
        rows=sum(manifest["tables"].values()),
        tables=len(manifest["tables"]),
        audit_events=manifest["audit"]["events"],
        migrations_pending=pending,
    )


def verify_restored(manifest: dict[str, Any]) -> list[str]:
    """What differs between this database and the backup's manifest (nothing, when all is well):
    every table's row count, the applied migrations, and the audit chain, walked from its first
    event and ending at the backup's head."""
    problems = []
    present = set(selectors.live_tables())
    missing = sorted(set(manifest["tables"]) - present)
    if missing:
        problems.append(_("tables missing: %(tables)s") % {"tables": ", ".join(missing[:5])})
    state = selectors.live_state(set(manifest["tables"]) & present)
    for table, expected in sorted(manifest["tables"].items()):
        found = state.tables.get(table)
        if found is not None and found != expected:
            problems.append(
                _("%(table)s has %(found)s rows, the backup %(expected)s")
                % {"table": table, "found": found, "expected": expected}
            )
    if state.migrations != manifest["migrations"]:
        problems.append(_("the applied migrations differ from the backup's"))
    head = manifest["audit"]
    if (state.audit_head_hash, state.audit_head_event_id) != (head["head_hash"], head["head_event_id"]):
        problems.append(
            _("the audit chain's head is at event #%(found)s, the backup's at #%(expected)s")
            % {"found": state.audit_head_event_id, "expected": head["head_event_id"]}
        )
    checked, _bad, reason = audit.verify_chain()
    if reason:
        problems.append(_("the audit chain is broken: %(reason)s") % {"reason": reason})
    elif checked != head["events"]:
        problems.append(
            _("the audit chain has %(found)s events, the backup %(expected)s")
            % {"found": checked, "expected": head["events"]}
        )
    return problems
