"""Parse: one row's cells into typed values (rosters.parsing), each bad cell a problem of the
row named by its column ("E 身份证号码"), sensitive values masked in what is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dangjian.people.validators import mask_id_number, mask_phone

from ..columns import BY_KEY, label_of
from ..models import RowOutcome
from ..parsing import PARSERS, CellError, shown
from ..reading import Roster

SENSITIVE = {"id_number": mask_id_number, "phone": mask_phone}


@dataclass(slots=True)  # a 100,000-row file holds one a row
class RowResult:
    row: int
    outcome: str = RowOutcome.UNCHANGED
    name: str = ""
    problems: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    person_id: int | None = None

    def reject(self, column: str, value: Any, message: str) -> None:
        self.outcome = RowOutcome.REJECTED
        self.problems.append({"column": column, "value": value, "message": message})


Parsed = tuple[int, dict[str, Any], RowResult]


def column(roster: Roster, key: str) -> str:
    """How messages name a column: its letter and header in the file, else its label."""
    if key in roster.columns:
        return f"{roster.letter(key)} {roster.label(key)}".strip()
    return label_of(roster.kind, key)


def label(roster: Roster, key: str) -> str:
    """How notes name a changed field: the file's header, else the column's label."""
    return roster.label(key) or label_of(roster.kind, key) or key


def shown_value(key: str, value: Any) -> str:
    text = shown(value)
    return SENSITIVE[key](text) if key in SENSITIVE and text else text


def parse_row(roster: Roster, number: int, cells: list[Any]) -> Parsed | None:
    """The row's values by column key, or None for a blank row."""
    raw = {key: (cells[i] if i < len(cells) else None) for key, i in roster.columns.items()}
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
        return None  # a blank row, or a footnote outside the roster's columns
    result = RowResult(row=number)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        parser = PARSERS[BY_KEY[key].parser]
        try:
            values[key] = parser(value)
        except CellError as exc:
            result.reject(column(roster, key), shown_value(key, value), str(exc))
    result.name = (values.get("name") or "")[:100]
    return number, values, result


def read_cell(
    result: RowResult, roster: Roster, raw: dict[str, Any], key: str, parse: Callable[[Any], Any]
) -> tuple[Any, bool]:
    """The cell `key` of a row read with `parse`: (its value, True); or, when `parse` cannot read
    it, the row rejected with the cell (masked if sensitive) and the parser's message, and (None,
    False). A blank cell is (None, True): whether it may be blank is the caller's to say."""
    try:
        return parse(raw.get(key)), True
    except CellError as exc:
        result.reject(column(roster, key), shown_value(key, raw.get(key)), str(exc))
        return None, False
