"""The one .xlsx writer: every download (exports, the meeting register, the development ledger,
the import report and templates) goes through `Workbook`.

xlsxwriter in constant-memory mode writes each row to disk as it comes, so a 100,000-row export
costs the same memory as a 10-row one. Strings are always written as strings: a cell that
starts with "=" stays text and can never become a formula in the reader's Excel. Dates are
written as dates, numbers as numbers, booleans as booleans; columns marked `text` stay text.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.utils.functional import Promise
from django.utils.text import capfirst

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Col:
    header: str
    width: int = 14
    text: bool = False  # formatted as text in Excel ("@"): ID numbers and phones stay exact when typed


def labelled(labels: Iterable[tuple[str | Promise, int]]) -> list[Col]:
    """Columns from (label, width) pairs, headed with the label capitalised in the reader's language."""
    return [Col(capfirst(str(label)), width) for label, width in labels]


def titled(stem: str | Promise, *parts: object) -> str:
    """A sheet's title line: `会议台账 · 第一党支部 · 2026`; empty parts are left out."""
    return " · ".join([str(stem), *(str(p) for p in parts if p not in (None, ""))])


class Workbook:
    """A workbook written to a temporary file; `close()` returns its bytes."""

    def __init__(self) -> None:
        self._file = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed in close())
        self.book = xlsxwriter.Workbook(
            self._file.name,
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "remove_timezone": True,
            },
        )
        self.header_format = self.book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
        self.date_format = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.text_format = self.book.add_format({"num_format": "@"})
        self.note_format = self.book.add_format({"italic": True, "font_color": "#666666"})

    def table(
        self,
        name: str,
        columns: Sequence[Col],
        rows: Iterable[Sequence[Any]],
        *,
        title: str = "",
        progress: Callable[[int], None] | None = None,
        freeze: bool = True,
    ) -> int:
        """One sheet: an optional title line, the header and the rows. Returns the row count."""
        sheet = self.book.add_worksheet(_sheet_name(name))
        for i, col in enumerate(columns):
            sheet.set_column(i, i, col.width, self.text_format if col.text else None)
        r = 0
        if title:
            sheet.write_string(0, 0, title, self.note_format)
            r = 1
        for i, col in enumerate(columns):
            sheet.write_string(r, i, col.header, self.header_format)
        if freeze:
            sheet.freeze_panes(r + 1, 0)
        count = 0
        for count, row in enumerate(rows, start=1):  # noqa: B007 (count is the result)
            r += 1
            for i, value in enumerate(row):
                self.write(sheet, r, i, value, text=columns[i].text if i < len(columns) else False)
            if progress is not None and count % 1000 == 0:
                progress(count)
        if columns:
            sheet.autofilter(1 if title else 0, 0, r, len(columns) - 1)
        return count

    def write(self, sheet: Any, r: int, c: int, value: Any, text: bool = False) -> None:
        if value is None or value == "":
            return
        if isinstance(value, dt.datetime):
            sheet.write_datetime(r, c, value.replace(tzinfo=None), self.date_format)
        elif isinstance(value, dt.date):
            sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), self.date_format)
        elif isinstance(value, bool):
            sheet.write_boolean(r, c, value)
        elif isinstance(value, int | float) and not text:
            sheet.write_number(r, c, value)
        else:
            sheet.write_string(r, c, str(value), self.text_format if text else None)

    def sheet(self, name: str) -> Any:
        return self.book.add_worksheet(_sheet_name(name))

    def close(self) -> bytes:
        self.book.close()
        self._file.seek(0)
        data = self._file.read()
        self._file.close()
        return data


def _sheet_name(name: str) -> str:
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    return name[:31] or "Sheet1"


def download_name(stem: str, today: dt.date | None = None) -> str:
    """`党员花名册-2026-11-25.xlsx`: the list's name and the day it was taken."""
    today = today or dt.date.today()
    return f"{stem}-{today.isoformat()}.xlsx"


def one_table(
    stem: str | Promise,
    columns: Sequence[Col],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "",
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, str, int]:
    """A download of one sheet named after its stem: (bytes, file name, rows written)."""
    book = Workbook()
    count = book.table(str(stem), columns, rows, title=title, progress=progress)
    return book.close(), download_name(str(stem), today), count
