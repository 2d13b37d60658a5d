"""Text as the database can hold it (kernel: imports nothing of ours).

PostgreSQL cannot store or compare a NUL character (U+0000) in text; SQLite can. So that nothing
works on one engine and fails on the other, text a person types is held to PostgreSQL's rule on
both: a field they fill carries `NO_NUL` (a clear message in their language instead of a server
error), and a search text drops the character (`search_text`), as it can match nothing stored.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

NO_NUL = ProhibitNullCharactersValidator()

SEARCH_LIMIT = 200  # the longest name a record holds


def refuse_nul(**texts: str | None) -> None:
    """For a service that writes text without `full_clean`: a ValidationError naming each field
    whose text holds a NUL character (the validator's message), before anything is written."""
    errors = {name: [str(NO_NUL.message)] for name, text in texts.items() if text and "\x00" in text}
    if errors:
        raise ValidationError(errors)


def nul_at(value: Any, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """Where in `value` (JSON: dicts, lists, text) the first text holding a NUL character is, as
    the keys and indexes that lead to it; None if no text holds one."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = nul_at(item, (*path, str(key)))
        if found is not None:
            return found
    return None


def search_text(value: Any, limit: int = SEARCH_LIMIT) -> str:
    """What a search box or a `q` parameter asks for: without NUL characters and surrounding
    spaces, at most `limit` characters; "" for nothing."""
    return str(value or "").replace("\x00", "").strip()[:limit]
