"""The backup archive: one plain tar file, readable with `tar` alone.

    manifest.json          what the backup holds (see `docs/operations.md`), signed
    database.sqlite3.gz    SQLite: a gzipped copy of the database file, or
    database.pgdump        PostgreSQL: pg_dump's custom format (already compressed)

The manifest lists each other member's SHA-256 and size, and carries two HMACs under a key
derived from FIELD_ENCRYPTION_KEY (`people.crypto.backup_mac`): `key_check`, over a fixed string,
tells a restore that it runs with the wrong key; `signature`, over the rest of the manifest, that
the manifest (and so any checksum in it) was edited. Neither reveals the key, and the archive
holds no key or secret of any kind.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from dangjian.people.crypto import backup_mac

FORMAT = "dangjian-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KEY_CHECK_MESSAGE = b"dangjian backup key check v1"
CHUNK = 1024 * 1024


class BackupRefused(Exception):
    """A backup or restore that cannot go ahead; the message (translated) says why and what to do."""


def key_check() -> str:
    return backup_mac(KEY_CHECK_MESSAGE)


def _canonical(manifest: Mapping[str, Any]) -> bytes:
    return json.dumps(manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(manifest: Mapping[str, Any]) -> dict[str, Any]:
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return {**body, "signature": backup_mac(_canonical(body))}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def member_entry(path: Path) -> dict[str, Any]:
    return {"sha256": sha256_of(path), "size": path.stat().st_size}


def exists_message(path: Path) -> str:
    return _(
        "%(path)s already exists. A backup never writes over a file: choose another name or move the old file away."
    ) % {"path": path}


def _tar_info(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    return info


def write(destination: Path, manifest: Mapping[str, Any], members: Mapping[str, Path]) -> int:
    """Write the archive beside `destination` under a temporary name, then link it into place.
    A file already at `destination` is never replaced (the link fails instead), and a write that
    fails half-way leaves nothing behind. The file is readable by its owner only: it holds
    personal data. Returns its size in bytes."""
    data = json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=2).encode("utf-8")
    fd, tmp_name = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                tar.addfile(_tar_info(MANIFEST, len(data), os.path.getmtime(tmp)), io.BytesIO(data))
                for name, path in members.items():
                    with path.open("rb") as f:
                        tar.addfile(_tar_info(name, path.stat().st_size, path.stat().st_mtime), f)
            raw.flush()
            os.fsync(raw.fileno())
        try:
            os.link(tmp, destination)
        except FileExistsError:
            raise BackupRefused(exists_message(destination)) from None
        except OSError as exc:
            if exc.errno not in {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}:
                raise
            # A file system without hard links: check, then rename (a small window, not a silent one).
            if destination.exists():
                raise BackupRefused(exists_message(destination)) from None
            os.rename(tmp, destination)
        _fsync_dir(destination.parent)
        return destination.stat().st_size
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def app_label(manifest: Mapping[str, Any]) -> str:
    """The version of Dangjian that made a backup, as an operator finds it: version and commit."""
    raw = manifest.get("app")
    app: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    commit = (app.get("commit") or "")[:12]
    return " ".join(part for part in (app.get("version"), commit) if part) or "?"


def _not_an_archive(path: Path, detail: str) -> BackupRefused:
    return BackupRefused(
        _("%(path)s is not a Dangjian backup archive (%(detail)s). Nothing was changed.")
        % {"path": path, "detail": detail}
    )


def read_manifest(path: Path) -> dict[str, Any]:
    """The archive's manifest, once it is known to be ours, of a version we read, made with the
    key we hold, and unchanged since it was signed. Reads nothing but the manifest."""
    try:
        with tarfile.open(path, mode="r:") as tar:
            member = tar.getmember(MANIFEST)
            f = tar.extractfile(member)
            if f is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(f.read().decode("utf-8"))
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _not_an_archive(path, str(exc) or type(exc).__name__) from None
    except KeyError:
        raise _not_an_archive(path, _("it has no manifest")) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _not_an_archive(path, _("its manifest cannot be read")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_an_archive(path, _("its manifest is not a Dangjian manifest"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(
            _(
                "This archive has format version %(found)s; this version of Dangjian reads version %(supported)s. "
                "Restore it with the version of Dangjian that made it (%(app)s). Nothing was changed."
            )
            % {
                "found": manifest.get("format_version"),
                "supported": FORMAT_VERSION,
                "app": app_label(manifest),
            }
        )
    if manifest.get("key_check") != key_check():
        raise BackupRefused(
            _(
                "This backup was made with another field-encryption key. Set FIELD_ENCRYPTION_KEY to the key of "
                "the instance that made it (kept apart from the archives) and run the restore again. "
                "Nothing was changed."
            )
        )
    if manifest.get("signature") != sign(manifest)["signature"]:
        raise BackupRefused(
            _(
                "The archive's manifest was changed after the backup was made (its signature does not match). "
                "Do not use this archive: restore another one. Nothing was changed."
            )
        )
    return manifest


def _damaged(name: str) -> BackupRefused:
    return BackupRefused(
        _(
            "%(member)s in the archive is damaged or was changed (its checksum does not match the manifest). "
            "Restore another archive. Nothing was changed."
        )
        % {"member": name}
    )


def extract(path: Path, manifest: Mapping[str, Any], name: str, into: Path, *, gunzip: bool = False) -> Path:
    """Copy member `name` out of the archive into the folder `into`, checking its SHA-256 and size
    against the manifest on the way (and un-gzipping it when asked). The caller touches the
    database only with a file this returned: a damaged or altered member is refused."""
    expected = (manifest.get("members") or {}).get(name)
    if not isinstance(expected, dict):
        raise _not_an_archive(path, _("its manifest lists no %(member)s") % {"member": name})
    out_path = into / (name.removesuffix(".gz") if gunzip else name)
    digest = hashlib.sha256()
    size = 0
    inflate = zlib.decompressobj(wbits=31) if gunzip else None
    try:
        with tarfile.open(path, mode="r:") as tar:
            names = {m.name for m in tar.getmembers()}
            unexpected = names - {MANIFEST, *manifest["members"]}
            if unexpected:
                raise _not_an_archive(
                    path,
                    _("it holds files its manifest does not list: %(names)s")
                    % {"names": ", ".join(sorted(unexpected))},
                )
            try:
                member = tar.getmember(name)
            except KeyError:
                raise BackupRefused(
                    _(
                        "The archive lacks %(member)s, which its manifest lists. Restore another archive. Nothing was changed."
                    )
                    % {"member": name}
                ) from None
            source = tar.extractfile(member)
            if source is None:
                raise _damaged(name)
            with out_path.open("wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(inflate.decompress(chunk) if inflate is not None else chunk)
                if inflate is not None:
                    out.write(inflate.flush())
                    if not inflate.eof:
                        raise _damaged(name)
    except zlib.error:
        out_path.unlink(missing_ok=True)
        raise _damaged(name) from None
    except (tarfile.TarError, EOFError) as exc:
        out_path.unlink(missing_ok=True)
        raise _not_an_archive(path, str(exc) or type(exc).__name__) from None
    except BackupRefused:
        out_path.unlink(missing_ok=True)
        raise
    if digest.hexdigest() != expected.get("sha256") or size != expected.get("size"):
        out_path.unlink(missing_ok=True)
        raise _damaged(name)
    return out_path
