"""What a sheet holds before it is read: its last filled row and column and its merged ranges.

One quick pass of expat over the sheet's XML (about 2.5 s for 100,000 rows × 12 columns, a
twentieth of the check that follows) learns what `limits.check_shape` needs and what bounds the
reading after it: the declared dimension (`<dimension ref="A1:XFD1048576"/>`) is ignored, empty
cells and rows (styled, or an .ods's repeated ones) count for nothing, so only the part that
holds data is ever read. The XML is streamed from the zip: memory does not grow with the sheet.

A document type declaration (the way to an entity-expansion bomb) is refused: neither Excel
nor LibreOffice writes one into a sheet.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.parsers import expat

import olefile
from django.utils.translation import gettext as _

from .limits import RosterFileError

CHUNK = 1 << 20
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,9})$")


@dataclass
class Shape:
    last_row: int = 0  # 1-based, 0 when the sheet holds nothing
    last_column: int = -1  # 0-based, -1 when the sheet holds nothing
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1)

    def fill(self, row: int, column: int) -> None:
        self.last_row = max(self.last_row, row)
        self.last_column = max(self.last_column, column)


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _ref(text: str) -> tuple[int, int] | None:
    """ "B12" → (12, 1)."""
    m = _REF.match(text.strip())
    return (int(m.group(2)), _col_index(m.group(1))) if m else None


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _no_doctype(*_args: Any) -> None:
    raise RosterFileError(
        _("The sheet holds a document type declaration, which Excel never writes. Open it in Excel and save it again.")
    )


def _parse(stream: IO[bytes], start: Any, end: Any, text: Any) -> None:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    while chunk := stream.read(CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def xlsx_shape(archive: zipfile.ZipFile, sheet_path: str) -> Shape:
    """The filled part and merged ranges of an .xlsx sheet. A cell is filled when it has a value
    (`<v>`, or an inline string's `<t>`) with some text; rows and cells without an `r` attribute
    follow the previous one, as Excel reads them. The handlers run once per element of a
    sheet that may hold millions: they are kept to a few local operations."""
    shape = Shape()
    columns: dict[str, int] = {}  # "AB" → 27, learned as met
    row = 0
    col = -1
    in_cell = in_value = filled = False

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, in_cell, in_value, filled
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            ref = attrs.get("r", "")
            letters = ref.rstrip("0123456789")
            if (
                letters
                and letters.isascii()
                and letters.isalpha()
                and len(letters) <= 3
                and len(ref) - len(letters) <= 9
            ):
                if letters not in columns:
                    columns[letters] = _col_index(letters)
                col, row = columns[letters], int(ref[len(letters) :])
            else:
                col += 1
            in_cell, filled = True, False
        elif in_cell and (name == "v" or name == "t"):
            in_value = True
        elif name == "row":
            r = attrs.get("r", "")
            row = int(r) if r.isdigit() and len(r) <= 9 else row + 1
            col = -1
        elif name == "mergeCell":
            first, _sep, last = attrs.get("ref", "").partition(":")
            a, b = _ref(first), _ref(last)
            if a and b:
                shape.merged.append((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])))

    def end(name: str) -> None:
        nonlocal in_cell, in_value
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            if filled:
                shape.fill(row, col)
            in_cell = in_value = False
        elif name == "v" or name == "t":
            in_value = False

    def text(data: str) -> None:
        nonlocal filled
        if in_value and not filled and data.strip():
            filled = True

    with archive.open(sheet_path) as stream:
        _parse(stream, start, end, text)
    return shape


_ODS_TABLE = "table"
_ODS_ROW = "table-row"
_ODS_CELLS = {"table-cell", "covered-table-cell"}


def ods_shape(archive: zipfile.ZipFile, sheet: str | None = None) -> Shape:
    """The filled part of an .ods file's first sheet (or the one named `sheet`), counting
    repeated rows and cells (`table:number-rows-repeated="1000000"` is a few bytes: calamine
    would expand it)."""
    shapes = ods_shapes(archive)
    if sheet is None:
        return next(iter(shapes.values()), Shape())
    return shapes.get(sheet, Shape())


def ods_shapes(archive: zipfile.ZipFile) -> dict[str, Shape]:
    """The filled part of every sheet of an .ods file, by name, in the file's order: calamine
    builds every sheet as it opens the file, so each is measured before it does."""
    shapes: dict[str, Shape] = {}
    state: dict[str, Any] = {
        "shape": Shape(),
        "depth": 0,
        "row": 0,
        "repeat": 1,
        "col": 0,
        "row_filled": False,
        "cell": None,
        "text": False,
    }

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == _ODS_TABLE:
            state["depth"] += 1
            if state["depth"] == 1:
                title = next((v for k, v in attrs.items() if _local(k) == "name"), None) or f"#{len(shapes) + 1}"
                state["shape"] = shapes.setdefault(title, Shape())
                state["row"] = 0
            return
        if state["depth"] != 1:
            return
        if tag == _ODS_ROW:
            state["repeat"] = _count(attrs, "number-rows-repeated")
            state["col"], state["row_filled"] = 0, False
        elif tag in _ODS_CELLS:
            repeat = _count(attrs, "number-columns-repeated")
            typed = any(_local(k) == "value-type" for k in attrs)
            state["cell"] = [state["col"], repeat, typed]
            state["col"] += repeat
        elif tag == "p" and state["cell"] is not None:
            state["text"] = True

    def end(name: str) -> None:
        tag = _local(name)
        if tag == _ODS_TABLE:
            state["depth"] -= 1
            return
        if state["depth"] != 1:
            return
        shape = state["shape"]
        if tag in _ODS_CELLS and state["cell"] is not None:
            col, repeat, filled = state["cell"]
            if filled:
                shape.last_column = max(shape.last_column, col + repeat - 1)
                state["row_filled"] = True
            state["cell"] = None
        elif tag == _ODS_ROW:
            if state["row_filled"]:
                shape.last_row = state["row"] + state["repeat"]
            state["row"] += state["repeat"]
        elif tag == "p":
            state["text"] = False

    def text(data: str) -> None:
        if state["text"] and data.strip() and state["cell"] is not None:
            state["cell"][2] = True

    with archive.open("content.xml") as stream:
        _parse(stream, start, end, text)
    return shapes


def _count(attrs: dict[str, str], local: str) -> int:
    for key, value in attrs.items():
        if _local(key) == local:
            return int(value) if value.isdigit() and int(value) > 0 else 1
    return 1


def shared_strings(archive: zipfile.ZipFile) -> int:
    """How many texts an .xlsx's shared string table holds (openpyxl loads them all)."""
    name = next((n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")), None)
    if name is None:
        return 0
    count = [0]

    def start(tag: str, _attrs: dict[str, str]) -> None:
        if _local(tag) == "si":
            count[0] += 1

    with archive.open(name) as stream:
        _parse(stream, start, None, None)
    return count[0]


# --- .xls: a compound file holding BIFF records ---------------------------------------------
# calamine builds an .xls sheet as one dense block from its first to its last filled cell: a
# 5 KB file with a cell at IV65536 cost a gigabyte before a row could be looked at. The survey
# walks the file's records instead (no values are decoded): olefile opens the compound file's
# "Workbook" stream, its BOUNDSHEET record leads to the first sheet, whose cell records say
# where the filled cells are.

# Records holding a value at (row, column): NUMBER, LABEL, LABELSST, RK, FORMULA, BOOLERR, RSTRING.
_XLS_CELLS = {0x0203, 0x0204, 0x00FD, 0x027E, 0x0006, 0x0205, 0x00D6}
_XLS_MULRK, _XLS_MERGED, _XLS_BOF, _XLS_EOF, _XLS_SHEET = 0x00BD, 0x00E5, 0x0809, 0x000A, 0x0085


def _damaged() -> RosterFileError:
    return RosterFileError(
        _("The .xls file is damaged and cannot be read. Open it in Excel, save it as .xlsx and upload that.")
    )


def _u16(data: bytes | memoryview, at: int) -> int:
    return int.from_bytes(data[at : at + 2], "little")


def _u32(data: bytes | memoryview, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "little")


def _workbook_stream(data: bytes) -> bytes:
    """The workbook stream of an .xls compound file (olefile reads the container; a loop or a
    sector past the end makes it raise, which is a damaged file to us)."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise _damaged()
            return ole.openstream(name).read()
    except RosterFileError:
        raise
    except Exception as exc:  # olefile raises OSError and others for a damaged container
        raise _damaged() from exc


def _xls_sheet_name(body: memoryview) -> str:
    """The name in a BOUNDSHEET record (BIFF8: a length, a flag for two-byte characters, the
    characters)."""
    if len(body) < 8:
        return ""
    count, wide = body[6], body[7] & 1
    raw = bytes(body[8 : 8 + count * (2 if wide else 1)])
    return raw.decode("utf-16-le" if wide else "latin-1", errors="replace")


def xls_shapes(data: bytes) -> list[tuple[str, Shape]]:
    """The filled part and merged ranges of every sheet of an .xls file, with its name, in the
    file's order: calamine builds every sheet as it opens the file, so each is measured before it
    does (two sheets of one name too: a list, not a dict, so none is left out)."""
    stream = memoryview(_workbook_stream(data))
    return [(name, _xls_sheet_shape(stream, offset)) for name, offset in _xls_sheets(stream)]


def xls_shape(data: bytes, sheet: str | None = None) -> Shape:
    """The filled part and merged ranges of an .xls file's first sheet (or the one named `sheet`)."""
    stream = memoryview(_workbook_stream(data))
    sheets = _xls_sheets(stream)
    offset = sheets[0][1] if sheet is None else next((at for name, at in sheets if name == sheet), None)
    if offset is None:
        raise _damaged()
    return _xls_sheet_shape(stream, offset)


def _xls_records(stream: memoryview, at: int) -> Iterator[tuple[int, int, memoryview]]:
    end = len(stream)
    while at + 4 <= end:
        kind, length = _u16(stream, at), _u16(stream, at + 2)
        yield at, kind, stream[at + 4 : at + 4 + length]
        at += 4 + length


def _xls_sheets(stream: memoryview) -> list[tuple[str, int]]:
    """Every sheet's name and where its records start, in the file's order: the BOUNDSHEET
    records of the workbook's globals (up to their EOF). Every one is kept, a repeated name too:
    calamine builds each."""
    sheets: list[tuple[str, int]] = []
    for _at, kind, body in _xls_records(stream, 0):
        if kind == _XLS_EOF:
            break
        if kind == _XLS_SHEET and len(body) >= 6:
            sheets.append((_xls_sheet_name(body) or f"#{len(sheets) + 1}", _u32(body, 0)))
    if not sheets or any(offset >= len(stream) for _name, offset in sheets):
        raise _damaged()
    return sheets


def _xls_sheet_shape(stream: memoryview, first: int) -> Shape:
    shape = Shape()
    for at, kind, body in _xls_records(stream, first):
        if kind == _XLS_EOF:
            break
        if kind == _XLS_BOF and at != first:
            break
        if kind in _XLS_CELLS and len(body) >= 4:
            shape.fill(_u16(body, 0) + 1, _u16(body, 2))
        elif kind == _XLS_MULRK and len(body) >= 6:
            shape.fill(_u16(body, 0) + 1, _u16(body, len(body) - 2))
        elif kind == _XLS_MERGED and len(body) >= 2:
            for i in range(min(_u16(body, 0), (len(body) - 2) // 8)):
                r0, r1, c0, c1 = (_u16(body, 2 + 8 * i + 2 * k) for k in range(4))
                shape.merged.append((min(r0, r1) + 1, min(c0, c1), max(r0, r1) + 1, max(c0, c1)))
    return shape
