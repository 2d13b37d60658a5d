"""Reading rosters as HR keeps them: .xlsx, .xls, .ods or .csv, title rows, merged cells.

`read_roster` finds the header row, maps its cells to roster columns and yields the data rows one
at a time. An .xlsx is streamed (openpyxl's read-only mode), so memory does not grow with the
number of rows; .xls and .ods files (which cannot be longer than 65,536 rows) are read with
calamine; a .csv is decoded as UTF-8 or, failing that, GB 18030 (what Chinese Excel saves).
Merged cells take the value of their top-left cell, so a team name merged down a block of rows
applies to every row in it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .columns import match_header

HEADER_SEARCH_ROWS = 15
FORMATS = {"xlsx": "xlsx", "xlsm": "xlsx", "xls": "calamine", "ods": "calamine", "csv": "csv"}


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class HeaderCell:
    index: int
    letter: str
    text: str
    key: str | None


@dataclass
class Roster:
    header_row: int  # 1-based, as Excel numbers rows
    header: list[HeaderCell]
    rows: Iterator[tuple[int, list[Any]]]  # (row number, cell values)
    total_rows: int  # an estimate for progress: the sheet's last row number
    columns: dict[str, int] = field(default_factory=dict)  # key → cell index

    def letter(self, key: str) -> str:
        return self.header[self.columns[key]].letter if key in self.columns else ""

    def label(self, key: str) -> str:
        return self.header[self.columns[key]].text if key in self.columns else ""

    @property
    def ignored(self) -> list[HeaderCell]:
        return [h for h in self.header if h.text and h.key is None]


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def extension(file_name: str) -> str:
    return file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def read_roster(data: bytes, file_name: str, kind: str) -> Roster:
    fmt = FORMATS.get(extension(file_name))
    if fmt is None:
        raise RosterFileError(
            _(
                "Dangjian reads .xlsx, .xls, .ods and .csv files; “%(name)s” is none of these. Save it from Excel as .xlsx."
            )
            % {"name": file_name}
        )
    try:
        if fmt == "xlsx":
            rows, total = _xlsx_rows(data)
        elif fmt == "calamine":
            rows, total = _calamine_rows(data)
        else:
            rows, total = _csv_rows(data)
    except RosterFileError:
        raise
    except Exception as exc:  # the readers raise many kinds of errors for a damaged file
        raise RosterFileError(
            _(
                "“%(name)s” cannot be opened as a spreadsheet (%(error)s). Open it in Excel, save it again as .xlsx and upload that."
            )
            % {"name": file_name, "error": type(exc).__name__}
        ) from exc
    return _find_header(rows, total, kind)


def _find_header(rows: Iterator[tuple[int, list[Any]]], total: int, kind: str) -> Roster:
    seen: list[tuple[int, list[Any]]] = []
    best: tuple[int, int] | None = None  # (score, position in seen)
    for number, cells in rows:
        seen.append((number, cells))
        keys = {match_header(kind, c) for c in cells} - {None}
        if ("name" in keys or "id_number" in keys) and len(keys) >= 2 and (best is None or len(keys) > best[0]):
            best = (len(keys), len(seen) - 1)
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if best is None:
        raise RosterFileError(
            _(
                "No header row was found in the first %(n)d rows. The roster needs a row of column names "
                "such as 姓名, 身份证号码 and 民族 above the data."
            )
            % {"n": HEADER_SEARCH_ROWS}
        )
    position = best[1]
    header_number, header_cells = seen[position]
    rest = seen[position + 1 :]
    header = [HeaderCell(i, column_letter(i), _cell_text(v), match_header(kind, v)) for i, v in enumerate(header_cells)]
    # A second header row under merged group headings ("入党时间" over two cells, etc.): its
    # names fill the columns the first row left blank, and it is not data.
    if rest:
        sub_number, sub_cells = rest[0]
        sub_keys = [match_header(kind, v) for v in sub_cells]
        if sum(1 for k in sub_keys if k) >= 1 and not any(
            _looks_like_data(v) for v, k in zip(sub_cells, sub_keys, strict=False) if not k
        ):
            for i, key in enumerate(sub_keys):
                if key and i < len(header) and header[i].key is None:
                    header[i] = HeaderCell(i, column_letter(i), _cell_text(sub_cells[i]), key)
                elif key and i >= len(header):
                    header.append(HeaderCell(i, column_letter(i), _cell_text(sub_cells[i]), key))
            rest = rest[1:]
    columns: dict[str, int] = {}
    for h in header:
        if h.key and h.key not in columns:
            columns[h.key] = h.index
        elif h.key:
            h.key = None  # the same column twice: the first one counts
    return Roster(
        header_row=header_number,
        header=header,
        rows=_chain(rest, rows),
        total_rows=max(total - header_number, 0),
        columns=columns,
    )


def _looks_like_data(value: Any) -> bool:
    return value not in (None, "") and not isinstance(value, str)


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _cell_text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


# --- formats -----------------------------------------------------------------------------

_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")


def _col_index(letters: bytes | str) -> int:
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _xlsx_merges(data: bytes, sheet_path: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of the sheet (openpyxl's read-only mode skips them), read by scanning
    the sheet's XML in chunks: they sit after the cell data."""
    merges = []
    with zipfile.ZipFile(io.BytesIO(data)) as z, z.open(sheet_path.lstrip("/")) as f:
        tail = b""
        while chunk := f.read(1 << 20):
            buf = tail + chunk
            for m in _MERGE.finditer(buf):
                c0, r0, c1, r1 = m.groups()
                merges.append((int(r0), _col_index(c0), int(r1), _col_index(c1)))
            tail = buf[-200:] if not buf.endswith(b">") else b""
            # a match straddling the boundary is found again in the next buffer: drop repeats
    return sorted(set(merges))


def _xlsx_rows(data: bytes) -> tuple[Iterator[tuple[int, list[Any]]], int]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = book.active if book.active is not None else book.worksheets[0]
    total = sheet.max_row or 0
    merges = _xlsx_merges(data, sheet._worksheet_path)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            number = 0
            for row in sheet.iter_rows():
                cells = [c.value for c in row]
                number = getattr(row[0], "row", None) or number + 1 if row else number + 1
                yield number, cells
        finally:
            book.close()

    return _fill_merged(rows(), merges), total


def _calamine_rows(data: bytes) -> tuple[Iterator[tuple[int, list[Any]]], int]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheet = book.get_sheet_by_index(0)
    merges = [(r0 + 1, c0, r1 + 1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    start_row = (sheet.start or (0, 0))[0]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for i, cells in enumerate(sheet.iter_rows(), start=start_row + 1):
            yield i, [None if c == "" else c for c in cells]

    return _fill_merged(rows(), sorted(merges)), sheet.height + start_row


def _csv_rows(data: bytes) -> tuple[Iterator[tuple[int, list[Any]]], int]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise RosterFileError(_("The CSV file is neither UTF-8 nor GB 18030 text."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    total = text.count("\n") + 1

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for i, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            yield i, [c if c.strip() else None for c in cells]

    return rows(), total


def _fill_merged(
    rows: Iterator[tuple[int, list[Any]]], merges: list[tuple[int, int, int, int]]
) -> Iterator[tuple[int, list[Any]]]:
    if not merges:
        yield from rows
        return
    pending = sorted(merges)  # by first row
    active: list[tuple[int, int, int, Any]] = []  # (last row, first col, last col, value)
    k = 0
    for number, cells in rows:
        while k < len(pending) and pending[k][0] <= number:
            r0, c0, r1, c1 = pending[k]
            if r0 == number:
                value = cells[c0] if c0 < len(cells) else None
                active.append((r1, c0, c1, value))
            k += 1
        if active:
            active = [a for a in active if a[0] >= number]
            for _last, c0, c1, value in active:
                if len(cells) <= c1:
                    cells = cells + [None] * (c1 + 1 - len(cells))
                for c in range(c0, c1 + 1):
                    cells[c] = value
        yield number, cells
