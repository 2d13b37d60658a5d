"""Text as the database can hold it (kernel: imports nothing of ours).

PostgreSQL cannot store or compare a NUL character (U+0000) in text; SQLite can. So that nothing
works on one engine and fails on the other, text a person types is held to PostgreSQL's rule on
both: a field they fill carries `NO_NUL` (a clear message in their language instead of a server
error), and a search text drops the character (`search_text`), as it can match nothing stored.
"""

from __future__ import annotations

import re
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


# --- natural order: 二组 before 十组, "Team 2" before "Team 10" --------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = re.compile(r"[0-9]+|[零〇一二两三四五六七八九十百千]+")
KEY_WIDTH = 12  # numbers are padded to this many digits (larger ones keep their length)


def chinese_number(text: str) -> int:
    """The value of a Chinese numeral below ten thousand: 十二 12, 二十 20, 一百零五 105, 三七 37
    (digits written one by one, as in 三七厂)."""
    if not any(ch in _UNITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, digit = 0, 0
    for ch in text:
        if ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            digit = _DIGITS[ch]
    return total + digit


def natural_key(name: str) -> str:
    """A key that sorts names as people read them: each number in the name, in Arabic or Chinese
    numerals, compares by its value (一组, 二组, 三组 … 十组, 十一组; 车间2 before 车间10). Stored
    beside the name so both databases sort by it with a plain ORDER BY."""

    def padded(match: re.Match[str]) -> str:
        text = match.group(0)
        value = int(text) if text.isdigit() and text.isascii() else chinese_number(text)
        return str(value).zfill(KEY_WIDTH)

    return _NUMBER.sub(padded, name.casefold())
