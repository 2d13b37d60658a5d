"""Record ids as the database can hold them, for every door a request comes in by.

Every table's key is a 64-bit integer (BigAutoField on SQLite and PostgreSQL alike), so an id is a
whole number from 1 to 2**63 - 1. A URL, a filter, a form or an API body that brings anything else
names no record: it is answered as a record that does not exist (404 for a path, an invalid choice
or field for a filter or a body) and never reaches the database, where SQLite raises OverflowError
and PostgreSQL "bigint out of range" — server errors, not answers.

`parse_id` is the one reading of an id; the `id` path converter (registered by dangjian.ui.apps),
the API's `Id` type (dangjian/api/values.py) and the form fields and look-ups use it or its bounds.
"""

from __future__ import annotations

from typing import Any

MIN_ID = 1
MAX_ID = 2**63 - 1
MAX_DIGITS = len(str(MAX_ID))


def parse_whole(value: Any, low: int, high: int) -> int | None:
    """The whole number in `value` (an int, or a string of ASCII digits) if it lies from `low` to
    `high`, else None. Other digits (Arabic-Indic, full-width, superscripts) are refused:
    str.isdigit() says yes to "²", which int() then refuses."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and 0 < len(value) <= MAX_DIGITS and value.isascii() and value.isdigit():
        number = int(value)
    else:
        return None
    return number if low <= number <= high else None


def parse_id(value: Any) -> int | None:
    """The id `value` names, or None when it cannot name a record."""
    return parse_whole(value, MIN_ID, MAX_ID)


class IdConverter:
    """`<id:pk>` in a URL pattern: an id the database can hold, else the pattern does not match
    (and the request ends as 404, like an id that does not exist)."""

    regex = f"[0-9]{{1,{MAX_DIGITS}}}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value: Any) -> str:
        return str(value)
