"""Static files for production: the third-party files our pages use, and a manifest that a
third-party source map cannot break.

npm packages ship whole distributions (Tabler's `dist/` alone is 80 MB of flags, plugins and
source maps, some of them referring to files the package does not contain). Serving whole
directories made `collectstatic` fail on Tabler's reference to a tom-select source map it does not
ship, so no manifest was written and every page answered 500 with DEBUG off. We therefore name the
files we serve, one by one (`settings.VENDOR_FILES`), and do not rewrite source-map comments:
browsers fetch maps only with the developer tools open, and a missing one must never stop a deploy.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _vendor_files() -> dict[str, Path]:
    return {name: Path(source) for name, source in getattr(settings, "VENDOR_FILES", {}).items()}


class VendorFinder(BaseFinder):
    """Finds the files of `settings.VENDOR_FILES` ({static path: file in node_modules})."""

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [f"{name} ← {source}" for name, source in _vendor_files().items() if not source.is_file()]
        if not missing:
            return []
        return [
            Error(
                "Front-end files are missing: " + ", ".join(missing),
                hint="Run `make install` (npm ci in frontend/) before serving or collecting static files.",
                id="dangjian.E001",
            )
        ]

    # Like Django's own finders, "not found" is an empty list, which django-stubs' overloads
    # (str | None) do not describe.
    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:  # type: ignore[override]
        source = _vendor_files().get(path)
        found = str(source) if source is not None and source.is_file() else None
        if find_all or kwargs.get("all"):
            return [found] if found else []
        return found or []

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for name, source in _vendor_files().items():
            if not source.is_file():
                continue
            storage = FileSystemStorage(location=str(source.parent))
            # collectstatic puts the file under this prefix (Django's FileSystemFinder sets it too).
            storage.prefix = os.path.dirname(name)  # type: ignore[attr-defined]
            yield source.name, storage


def _without_source_maps(patterns: tuple) -> tuple:
    kept = []
    for glob, rules in patterns:
        rules = tuple(r for r in rules if "sourceMappingURL" not in (r[0] if isinstance(r, tuple) else r))
        if rules:
            kept.append((glob, rules))
    return tuple(kept)


class ManifestStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files (whitenoise) whose CSS `url()`s and `@import`s are
    rewritten to the hashed names as usual, but whose source-map comments are left alone."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
