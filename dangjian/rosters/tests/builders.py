"""Rosters built in code, with the defects real HR files have, for the import tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import openpyxl

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
    import zipfile
    from xml.sax.saxutils import escape

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
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="花名册">'
        + "".join(lines)
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
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return buf.getvalue()
