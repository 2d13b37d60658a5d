"""Rosters built in code, with the defects real HR files have (and hostile ones), for the import,
API and job tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
import struct
import zipfile
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

import openpyxl

from dangjian.rosters.limits import column_name
from dangjian.testing.factories import make_id_number

EMPLOYEE_HEADER = ["序号", "姓名", "性别", "民族", "身份证号码", "出生日期", "所在班组", "岗位", "联系电话", "学历"]
MEMBER_HEADER = ["序号", "姓名", "性别", "民族", "公民身份号码", "入党时间", "转正时间", "联系电话"]


def ident(n: int, gender: str = "F", birth: dt.date = dt.date(1990, 1, 1)) -> str:
    return make_id_number(birth + dt.timedelta(days=n), gender, n)


def xlsx(
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] = EMPLOYEE_HEADER,
    titles: Sequence[str] = (),
    merges: Sequence[str] = (),
    text_columns: Sequence[int] = (),
) -> bytes:
    """A workbook with optional title rows above the header and merged ranges ("A1:J1")."""
    book = openpyxl.Workbook()
    sheet = book.active
    for title in titles:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for col in text_columns:
        for cells in sheet.iter_rows(min_col=col, max_col=col):
            for cell in cells:
                cell.number_format = "@"
    for rng in merges:
        sheet.merge_cells(rng)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[Any]], *, header: Sequence[str] = EMPLOYEE_HEADER, encoding: str = "utf-8-sig"
) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def read_back(data: bytes) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def ods(rows: Sequence[Sequence[Any]], *, header: Sequence[str] = EMPLOYEE_HEADER, title: str = "") -> bytes:
    """A LibreOffice .ods (read with calamine, like .xls): a title cell spanning the header's
    width, the header and the rows."""

    def cell(value: Any, attrs: str = "") -> str:
        if value is None or value == "":
            return f"<table:table-cell{attrs}/>"
        if isinstance(value, int | float):
            kind = f' office:value-type="float" office:value="{value}"'
            return f"<table:table-cell{attrs}{kind}><text:p>{value}</text:p></table:table-cell>"
        text = escape(str(value))
        return f'<table:table-cell{attrs} office:value-type="string"><text:p>{text}</text:p></table:table-cell>'

    lines = []
    if title:
        span = f' table:number-columns-spanned="{len(header)}"'
        covered = "<table:covered-table-cell/>" * (len(header) - 1)
        lines.append(f"<table:table-row>{cell(title, span)}{covered}</table:table-row>")
    for row in [header, *rows]:
        lines.append("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>")
    return ods_raw("".join(lines))


# --- crafted files: what a hostile or broken spreadsheet looks like ------------------------

_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def sheet_cell(ref: str, value: Any) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_rows(rows: Sequence[Sequence[Any]], *, header: Sequence[str] = EMPLOYEE_HEADER, first: int = 1) -> str:
    """Rows of sheet XML, the header on row `first`, as Excel writes them (with `r`)."""
    out = []
    for n, row in enumerate([header, *rows], start=first):
        cells = "".join(sheet_cell(f"{column_name(i)}{n}", v) for i, v in enumerate(row) if v not in (None, ""))
        out.append(f'<row r="{n}">{cells}</row>')
    return "".join(out)


def raw_xlsx(
    sheet_data: str,
    *,
    dimension: str = "",
    merges: Sequence[str] = (),
    after: str = "",
    level: int = 6,
    other_sheet: str = "",
) -> bytes:
    """A workbook whose one sheet's XML is written by hand: `sheet_data` goes inside
    <sheetData>, `dimension` is what the sheet declares, `after` follows the merged ranges.
    `level` is the deflate level (9 packs a bomb tightest). `other_sheet`, when given, is the
    whole XML of a second sheet after the first (the active one)."""
    merged = (
        f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>"
        if merges
        else ""
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + f"<sheetData>{sheet_data}</sheetData>{merged}{after}</worksheet>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, text in _XLSX_PARTS.items():
            if other_sheet and name == "xl/workbook.xml":
                text = text.replace("</sheets>", '<sheet name="备注" sheetId="2" r:id="rId2"/></sheets>')
            if other_sheet and name == "xl/_rels/workbook.xml.rels":
                text = text.replace(
                    "</Relationships>",
                    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>',
                )
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if other_sheet:
            z.writestr("xl/worksheets/sheet2.xml", other_sheet)
    return buf.getvalue()


def ods_raw(table_rows: str) -> bytes:
    """An .ods whose first sheet's rows are written by hand (repeats and all)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="花名册">'
        + table_rows
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return buf.getvalue()


def ods_cell(value: Any = None, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{rep}/>"
    return f'<table:table-cell{rep} office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods_row(cells: Sequence[str], repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{''.join(cells)}</table:table-row>"


def _record(kind: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def xls(
    cells: Sequence[tuple[int, int, Any]],
    *,
    merges: Sequence[tuple[int, int, int, int]] = (),
    more_sheets: Sequence[tuple[str, Sequence[tuple[int, int, Any]]]] = (),
) -> bytes:
    """An Excel 97–2003 .xls (BIFF8 records in a compound file) written by hand: `cells` are
    (row, column, value), 0-based, of the first sheet, “花名册”; `merges` (first row, last row,
    first col, last col); `more_sheets` (name, cells) after it. A workbook stream under 4,096
    bytes goes in the compound file's mini stream, as Excel puts it."""

    def bof(kind: int) -> bytes:
        return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))

    def sheet_of(cells: Sequence[tuple[int, int, Any]], merges: Sequence[tuple[int, int, int, int]]) -> bytes:
        sheet = [bof(0x0010)]
        for r, c, v in cells:
            if isinstance(v, int | float):
                sheet.append(_record(0x0203, struct.pack("<HHHd", r, c, 15, v)))
            else:
                text = str(v)
                sheet.append(_record(0x0204, struct.pack("<HHHHB", r, c, 15, len(text), 1) + text.encode("utf-16-le")))
        if merges:
            body = struct.pack("<H", len(merges)) + b"".join(struct.pack("<HHHH", *m) for m in merges)
            sheet.append(_record(0x00E5, body))
        sheet.append(_record(0x000A))
        return b"".join(sheet)

    sheets = [("花名册", sheet_of(cells, merges))] + [(n, sheet_of(c, ())) for n, c in more_sheets]

    def book(start: int) -> bytes:
        bounds, offset = [], start
        for name, body in sheets:
            encoded = name.encode("utf-16-le")
            bounds.append(_record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + encoded))
            offset += len(body)
        return bof(0x0005) + b"".join(bounds) + _record(0x000A)

    stream = book(len(book(0))) + b"".join(body for _n, body in sheets)
    return _compound_file(stream)


def _compound_file(stream: bytes) -> bytes:
    """A version 3 compound file (MS-CFB) holding one stream, "Workbook"."""
    end, free, fat_sect, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    mini = len(stream) < 4096

    def sectors_of(data: bytes, size: int) -> list[bytes]:
        data += b"\0" * (-len(data) % size)
        return [data[i : i + size] for i in range(0, len(data), size)]

    # Sector 0: the FAT; 1: the directory; then the mini FAT (if any) and the data.
    if mini:
        minis = sectors_of(stream, 64)
        mini_fat = [i + 1 for i in range(len(minis) - 1)] + [end]
        mini_fat_sector = struct.pack(f"<{len(mini_fat)}I", *mini_fat).ljust(512, b"\xff")
        data = sectors_of(b"".join(minis), 512)
        first_data, blocks = 3, [mini_fat_sector, *data]
    else:
        data = sectors_of(stream, 512)
        first_data, blocks = 2, data
    fat = [fat_sect, end] + ([end] if mini else [])
    fat += [first_data + i + 1 for i in range(len(data) - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 2 if mini else end, 1 if mini else 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0" if name else b""
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, none, none, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    root = entry("Root Entry", 5, 1, first_data if mini else end, len(b"".join(data)) if mini else 0)
    workbook = entry("Workbook", 2, none, 0 if mini else first_data, len(stream))
    directory = root + workbook + entry("", 0, none, 0, 0) * 2
    return header + struct.pack("<128I", *fat) + directory + b"".join(blocks)
