"""Reading rosters as HR keeps them: .xlsx, .xls, .ods or .csv, title rows, merged cells.

`read_roster` finds the header row, maps its cells to roster columns and yields the data rows one
at a time. Every file is sized up first and refused beyond the limits (limits.py, shape.py);
only its filled part is then read. An .xlsx is streamed (openpyxl's read-only mode), so memory
does not grow with the number of rows; .xls and .ods files are read whole with calamine, which
the limits keep small; a .csv is decoded as UTF-8 or, failing that, GB 18030 (what Chinese
Excel saves).
Merged cells take the value of their top-left cell, so a team name merged down a block of rows
applies to every row in it.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from python_calamine import CalamineWorkbook

from .columns import INDICATORS, anchors, match_header
from .county_columns import COLUMNS_OF
from .limits import Limits, RosterFileError, RosterTooLarge, check_archive, check_shape, check_texts, column_name
from .shape import ods_shapes, shared_strings, xls_shapes, xlsx_shape

HEADER_SEARCH_ROWS = 15
# read_other_sheet looks for its header in this many sheets after the first at most.
OTHER_SHEETS = 8
# No roster row is a megabyte long; a longer line would only make the CSV reader build a huge
# list of empty fields.
CSV_MAX_LINE = 1 << 20
_LONG_LINE = re.compile(rf"(?m)^[^\n]{{{CSV_MAX_LINE}}}")  # anchored: linear time
FORMATS = {"xlsx": "xlsx", "xlsm": "xlsx", "xls": "calamine", "ods": "calamine", "csv": "csv"}


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
    total_rows: int  # for progress: the sheet's last filled row
    columns: dict[str, int] = field(default_factory=dict)  # key → cell index
    kind: str = ""  # what the sheet holds (columns.IMPORT_KINDS)
    sheet: str = ""  # the sheet's name, when it is not the file's first (read_other_sheet)

    def letter(self, key: str) -> str:
        return self.header[self.columns[key]].letter if key in self.columns else ""

    def label(self, key: str) -> str:
        return self.header[self.columns[key]].text if key in self.columns else ""

    @property
    def ignored(self) -> list[HeaderCell]:
        return [h for h in self.header if h.text and h.key is None]


def extension(file_name: str) -> str:
    return file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def read_roster(data: bytes, file_name: str, kind: str, limits: Limits | None = None) -> Roster:
    """The roster in `data`, refused at once (RosterTooLarge) when it is beyond the limits."""
    limits = limits or Limits.current()
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
            rows, total = _xlsx_rows(data, limits)
        elif fmt == "calamine":
            rows, total = _calamine_rows(data, limits)
        else:
            rows, total = _csv_rows(data, limits)
    except RosterFileError:
        raise
    except Exception as exc:  # the readers raise many kinds of errors for a damaged file
        raise _unreadable(file_name, exc) from exc
    return _find_header(rows, total, kind)


def read_other_sheet(data: bytes, file_name: str, kind: str, limits: Limits | None = None) -> Roster | None:
    """Another sheet of the same file, headed for `kind` (an enterprises file's workshops and
    teams, rosters.county_columns.UNITS): the first sheet after the one `read_roster` reads whose
    header row is found, read within the same limits; None when there is none (a CSV has one
    sheet). The roster's `sheet` names it, for the report."""
    limits = limits or Limits.current()
    fmt = FORMATS.get(extension(file_name))
    if fmt not in ("xlsx", "calamine"):
        return None
    try:
        for name in _other_sheet_names(data, fmt, limits)[:OTHER_SHEETS]:
            rows, total = _xlsx_rows(data, limits, name) if fmt == "xlsx" else _calamine_rows(data, limits, name)
            try:
                roster = _find_header(rows, total, kind)
            except RosterTooLarge:
                raise
            except RosterFileError:
                continue  # not the sheet: no header of `kind` in its first rows
            roster.sheet = name
            return roster
    except RosterFileError:
        raise
    except Exception as exc:  # the readers raise many kinds of errors for a damaged file
        raise _unreadable(file_name, exc) from exc
    return None


def _other_sheet_names(data: bytes, fmt: str, limits: Limits) -> list[str]:
    """The worksheets of the file other than the one read_roster reads, in their order."""
    if fmt == "xlsx":
        check_archive(data, limits)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_texts(shared_strings(archive), limits)
        book = _load_unsized(io.BytesIO(data))
        try:
            first = book.active if book.active is not None else book.worksheets[0]
            return [s.title for s in book.worksheets if s is not first]
        finally:
            book.close()
    _survey_calamine(data, limits)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        kinds = {m.name: str(getattr(m, "typ", "")).lower() for m in book.sheets_metadata}
        return [n for n in book.sheet_names[1:] if "chart" not in kinds.get(n, "") and "vba" not in kinds.get(n, "")]
    finally:
        book.close()


def _unreadable(file_name: str, exc: Exception) -> RosterFileError:
    return RosterFileError(
        _(
            "“%(name)s” cannot be opened as a spreadsheet (%(error)s). Open it in Excel, save it again as .xlsx and upload that."
        )
        % {"name": file_name, "error": type(exc).__name__}
    )


def _find_header(rows: Iterator[tuple[int, list[Any]]], total: int, kind: str) -> Roster:
    seen: list[tuple[int, list[Any]]] = []
    best: tuple[int, int] | None = None  # (score, position in seen)
    anchored = anchors(kind)
    for number, cells in rows:
        seen.append((number, cells))
        keys = {match_header(kind, c) for c in cells} - {None}
        if keys & anchored and len(keys) >= 2 and (best is None or len(keys) > best[0]):
            best = (len(keys), len(seen) - 1)
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if best is None and kind == INDICATORS:
        raise RosterFileError(
            _(
                "No header row was found in the first %(n)d rows. The sheet needs a row of column names "
                "such as 班组, 月份, 指标 and 数值 above the figures."
            )
            % {"n": HEADER_SEARCH_ROWS}
        )
    if best is None and kind in COLUMNS_OF:
        named = [c.synonyms[0] for c in COLUMNS_OF[kind] if c.synonyms][:3]
        raise RosterFileError(
            _(
                "No header row was found in the first %(n)d rows. The sheet needs a row of column names "
                "such as %(names)s above the data."
            )
            % {"n": HEADER_SEARCH_ROWS, "names": ", ".join(named)}
        )
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
    header = [HeaderCell(i, column_name(i), _cell_text(v), match_header(kind, v)) for i, v in enumerate(header_cells)]
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
                    header[i] = HeaderCell(i, column_name(i), _cell_text(sub_cells[i]), key)
                elif key and i >= len(header):
                    header.append(HeaderCell(i, column_name(i), _cell_text(sub_cells[i]), key))
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
        kind=kind,
    )


def _looks_like_data(value: Any) -> bool:
    return value not in (None, "") and not isinstance(value, str)


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _cell_text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


# --- formats -----------------------------------------------------------------------------
# Each reader learns the sheet's filled part first (shape.py), refuses it beyond the limits
# (limits.py), and then reads only that part: trailing empty rows and cells, a declared
# dimension and merged ranges reaching past the data cost nothing.


_unsized = threading.Lock()


def _load_unsized(source: IO[bytes]) -> Any:
    """openpyxl's read-only workbook, without openpyxl sizing every sheet as it opens: for a
    sheet with no `<dimension>` it parses the whole sheet to find one (keeping an element per
    cell until the end), before our survey could refuse it. The survey gives the bounds the
    rows are read with, so the size is never needed. External links' cached sheets are skipped."""
    with _unsized:
        sizing = ReadOnlyWorksheet._get_size
        ReadOnlyWorksheet._get_size = lambda self: None
        try:
            return openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False)
        finally:
            ReadOnlyWorksheet._get_size = sizing


def _xlsx_rows(data: bytes, limits: Limits, name: str | None = None) -> tuple[Iterator[tuple[int, list[Any]]], int]:
    """The rows of the active sheet (or the sheet called `name`)."""
    check_archive(data, limits)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_texts(shared_strings(archive), limits)
        book = _load_unsized(io.BytesIO(data))
        if name is not None:
            sheet = book[name]
        else:
            sheet = book.active if book.active is not None else book.worksheets[0]
        try:
            found = xlsx_shape(archive, sheet._worksheet_path.lstrip("/"))
            merges = check_shape(
                last_row=found.last_row, last_column=found.last_column, merged=found.merged, limits=limits
            )
        except BaseException:
            book.close()
            raise
    last_row, width = found.last_row, found.last_column + 1

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            if not last_row:
                return
            # Bounded by the filled part, so openpyxl neither pads rows to a declared width nor
            # walks on past the last filled row.
            cells = sheet.iter_rows(min_row=1, max_row=last_row, min_col=1, max_col=width, values_only=True)
            for number, values in enumerate(cells, start=1):
                yield number, list(values)
        finally:
            book.close()

    return _fill_merged(rows(), merges), last_row


def _calamine_rows(data: bytes, limits: Limits, name: str | None = None) -> tuple[Iterator[tuple[int, list[Any]]], int]:
    """The rows of the first sheet (or the sheet called `name`)."""
    # Surveyed before calamine, which builds the sheet as one dense block (a few bytes of .ods
    # repeating a row, or one .xls cell at IV65536, cost gigabytes).
    _survey_calamine(data, limits)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheet = book.get_sheet_by_index(0) if name is None else book.get_sheet_by_name(name)
    # What calamine found is checked too (a cell record the survey does not know).
    start_row, start_col = sheet.start or (0, 0)
    last_row = start_row + sheet.height if sheet.height else 0
    last_column = start_col + sheet.width - 1 if sheet.width else -1
    merged = [(r0 + 1, c0, r1 + 1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    merges = check_shape(last_row=last_row, last_column=last_column, merged=merged, limits=limits)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for i, cells in enumerate(sheet.iter_rows(), start=start_row + 1):
            yield i, [None] * start_col + [None if c == "" else c for c in cells]

    return _fill_merged(rows(), merges), last_row


def _survey_calamine(data: bytes, limits: Limits) -> None:
    """calamine builds every sheet as it opens the file: each is surveyed first and held to the
    limits."""
    if zipfile.is_zipfile(io.BytesIO(data)):  # .ods
        check_archive(data, limits)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            shapes = list(ods_shapes(archive).values())
    else:  # .xls: every sheet, two of one name too
        shapes = [shape for _name, shape in xls_shapes(data)]
    for found in shapes:
        check_shape(last_row=found.last_row, last_column=found.last_column, merged=found.merged, limits=limits)


def _csv_rows(data: bytes, limits: Limits) -> tuple[Iterator[tuple[int, list[Any]]], int]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise RosterFileError(_("The CSV file is neither UTF-8 nor GB 18030 text."))
    if len(text) > CSV_MAX_LINE and _LONG_LINE.search(text):
        raise RosterTooLarge(
            _(
                "A line of the CSV file is longer than %(limit)s characters, which no roster row is. Open the file "
                "in Excel, delete what the roster does not need and save it again."
            )
            % {"limit": f"{CSV_MAX_LINE:,}"}
        )
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel

    def cells() -> Iterator[list[str]]:
        return csv.reader(io.StringIO(text), dialect)

    # A first pass finds the filled part (trailing empty lines and cells count for nothing),
    # stopping as soon as the file is beyond the limits.
    last_row, last_column = 0, -1
    for number, row in enumerate(cells(), start=1):
        filled = [i for i, c in enumerate(row) if c.strip()]
        if filled:
            last_row, last_column = number, max(last_column, filled[-1])
            if last_row > limits.rows or last_column >= limits.columns:
                break
    check_shape(last_row=last_row, last_column=last_column, merged=[], limits=limits)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for i, row in enumerate(cells(), start=1):
            if i > last_row:
                return
            yield i, [c if c.strip() else None for c in row[: last_column + 1]]

    return rows(), last_row


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
