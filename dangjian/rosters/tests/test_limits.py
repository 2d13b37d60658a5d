"""Files that cannot stall anything: crafted spreadsheets are refused at once, or read only as
far as they hold data, whatever they declare.

Each file here is a few kilobytes that used to cost minutes or hundreds of megabytes (issue
12): a declared dimension of A1:XFD1048576, one cell at the far corner, a merged range over the
whole sheet, a zip that inflates a thousandfold, an .ods that repeats one row a million times.
The tests assert what a person sees (the refusal and its figures) and how many rows are read.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from dangjian.rosters.limits import RosterTooLarge
from dangjian.rosters.reading import RosterFileError, read_roster
from dangjian.testing.rosters import (
    EMPLOYEE_HEADER,
    csv_bytes,
    ident,
    ods_cell,
    ods_raw,
    ods_row,
    raw_xlsx,
    sheet_rows,
    xls,
)

EMPLOYEES = "employees"


def people(n: int, start: int = 1) -> list[list]:
    return [[i, f"员工{i}", "女", "汉族", ident(i), "", "A缝纫一组", "", "", ""] for i in range(start, start + n)]


def read(data: bytes, name: str = "花名册.xlsx") -> list[tuple[int, list]]:
    with translation.override("en"):
        return list(read_roster(data, name, EMPLOYEES).rows)


def refusal(data: bytes, name: str = "花名册.xlsx") -> str:
    with translation.override("en"), pytest.raises(RosterTooLarge) as caught:
        list(read_roster(data, name, EMPLOYEES).rows)
    return str(caught.value)


# --- declared dimensions and far cells ---------------------------------------------------


def test_a_declared_dimension_is_ignored():
    data = raw_xlsx(sheet_rows(people(2)), dimension="A1:XFD1048576")
    rows = read(data)
    assert [n for n, _cells in rows] == [2, 3]
    assert all(len(cells) == len(EMPLOYEE_HEADER) for _n, cells in rows)


def test_one_filled_cell_in_the_far_corner_is_refused_before_reading():
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    message = refusal(raw_xlsx(sheet_rows(people(1)) + far, dimension="A1:XFD1048576"))
    assert "row 1,048,576" in message and "at most 200,000 rows" in message
    assert "Split the roster" in message


def test_empty_formatted_cells_and_rows_past_the_data_cost_nothing():
    """Excel writes styled empty cells and rows where someone formatted whole columns."""
    ghost = '<row r="5" s="1" customFormat="1"><c r="XFD5" s="1"/></row>' + "".join(
        f'<row r="{n}" s="1" customFormat="1"><c r="A{n}" s="1"/><c r="B{n}"><v></v></c></row>'
        for n in range(1000, 1100)
    )
    rows = read(raw_xlsx(sheet_rows(people(3)) + ghost, dimension="A1:XFD1048576"))
    assert [n for n, _cells in rows] == [2, 3, 4]
    assert max(len(cells) for _n, cells in rows) == len(EMPLOYEE_HEADER)


def test_cells_without_references_follow_the_previous_one():
    """`r` is optional in the file format; such cells are counted as Excel counts them."""
    header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in EMPLOYEE_HEADER)
    person = people(1)[0]
    row = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in person)
    rows = read(raw_xlsx(f"<row>{header}</row><row>{row}</row>"))
    assert rows == [(2, [str(v) for v in person])]


def test_other_sheets_are_never_read():
    """openpyxl sized every sheet as it opened the file, parsing a sheet without a declared
    dimension whole: a huge or broken second sheet cost the check (or failed it)."""
    broken = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>'
    rows = read(raw_xlsx(sheet_rows(people(2)), other_sheet=broken))
    assert [n for n, _cells in rows] == [2, 3]


# --- merged ranges ---------------------------------------------------------------------


def test_a_merged_range_over_the_whole_sheet_costs_nothing_past_the_data():
    """The range K1:XFD1048576 reaches past every filled cell: it is clipped to nothing. The
    team merged down its block still applies to every row of it."""
    rows = [*people(3)]
    rows[1][6] = rows[2][6] = None
    data = raw_xlsx(sheet_rows(rows), merges=["K1:XFD1048576", "G2:G4", "A6:XFD1048576"])
    read_rows = read(data)
    assert [n for n, _cells in read_rows] == [2, 3, 4]
    assert [cells[6] for _n, cells in read_rows] == ["A缝纫一组"] * 3
    assert all(len(cells) == len(EMPLOYEE_HEADER) for _n, cells in read_rows)


def test_too_many_merged_ranges_are_refused(settings):
    settings.ROSTER_MAX_MERGED_RANGES = 5
    data = raw_xlsx(sheet_rows(people(8)), merges=[f"I{n}:J{n}" for n in range(2, 8)])
    message = refusal(data)
    assert "6 merged ranges" in message and "at most 5" in message and "Unmerge" in message


def test_merged_ranges_covering_too_many_cells_are_refused(settings):
    settings.ROSTER_MAX_MERGED_CELLS = 10
    assert len(read(raw_xlsx(sheet_rows(people(5)), merges=["H2:J4"]))) == 5  # 9 cells
    message = refusal(raw_xlsx(sheet_rows(people(5)), merges=["H2:J4", "H5:I6"]))
    assert "cover 13 cells" in message and "at most 10 merged cells" in message


# --- zip bombs and the inflated size -----------------------------------------------------


def test_a_zip_bomb_is_refused_from_the_zip_directory():
    """20 MB of nothing packed into about 20 KB: refused for its compression ratio before
    anything is inflated (the issue's 208 KB file inflated to 200 MB)."""
    data = raw_xlsx(sheet_rows(people(1)), after=" " * 20_000_000, level=9)
    assert len(data) < 100_000
    message = refusal(data)
    assert "packed" in message and "zip bomb" in message and "at most about 100 times" in message


def test_a_file_that_unpacks_beyond_the_limit_is_refused(settings):
    settings.ROSTER_MAX_INFLATED_BYTES = 512 * 1024
    data = raw_xlsx(sheet_rows(people(3000)))
    message = refusal(data)
    assert "unpacks to" in message and "at most 0.5 MB unpacked" in message


def test_a_document_type_declaration_is_refused():
    """The way to an entity-expansion ("billion laughs") bomb."""
    laughs = '<!DOCTYPE worksheet [<!ENTITY a "haha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = raw_xlsx(sheet_rows(people(1)))
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            text = src.read(name)
            if name.endswith("sheet1.xml"):
                text = text.replace(b"?>", b"?>" + laughs.encode(), 1)
            z.writestr(name, text)
    with translation.override("en"), pytest.raises(RosterFileError, match="document type declaration"):
        read_roster(out.getvalue(), "花名册.xlsx", EMPLOYEES)


# --- rows, columns and cells --------------------------------------------------------------


def test_too_many_rows_are_refused_and_trailing_empty_rows_are_not_counted(settings):
    settings.ROSTER_MAX_ROWS = 50
    assert len(read(raw_xlsx(sheet_rows(people(49)) + '<row r="5000"><c r="A5000" s="1"/></row>'))) == 49
    message = refusal(raw_xlsx(sheet_rows(people(50))))
    assert "row 51" in message and "at most 50 rows" in message


def test_too_many_columns_are_refused(settings):
    settings.ROSTER_MAX_COLUMNS = 20
    note = '<row r="9"><c r="Z9" t="inlineStr"><is><t>备注</t></is></c></row>'
    message = refusal(raw_xlsx(sheet_rows(people(3)) + note))
    assert "column Z (column 26)" in message and "at most 20 columns" in message


def test_too_many_cells_are_refused(settings):
    settings.ROSTER_MAX_CELLS = 100
    message = refusal(raw_xlsx(sheet_rows(people(10))))
    assert "11 rows by 10 columns, 110 cells" in message and "at most 100 cells" in message


# --- CSV ----------------------------------------------------------------------------------


def test_csv_beyond_the_limits_is_refused_and_trailing_empties_cost_nothing(settings):
    settings.ROSTER_MAX_ROWS = 50
    settings.ROSTER_MAX_COLUMNS = 20
    trailing = csv_bytes([row + [""] * 500 for row in people(10)]) + b",,,\r\n" * 10_000
    rows = read(trailing, "花名册.csv")
    assert [n for n, _cells in rows] == list(range(2, 12))
    assert all(len(cells) == len(EMPLOYEE_HEADER) for _n, cells in rows)
    assert "at most 50 rows" in refusal(csv_bytes(people(60)), "花名册.csv")
    wide = csv_bytes([people(1)[0] + [""] * 20 + ["备注"]])
    assert "at most 20 columns" in refusal(wide, "花名册.csv")


def test_a_csv_line_of_a_million_commas_is_refused():
    data = csv_bytes(people(1)) + b"," * (1 << 20) + b"x\r\n"
    assert "longer than 1,048,576 characters" in refusal(data, "花名册.csv")


# --- .ods: repeated rows and cells --------------------------------------------------------


def _ods_roster(extra: str = "") -> bytes:
    header = ods_row([ods_cell(h) for h in EMPLOYEE_HEADER])
    body = "".join(ods_row([ods_cell(v) for v in row]) for row in people(2))
    return ods_raw(header + body + extra)


def test_ods_trailing_repeated_empty_rows_cost_nothing():
    """LibreOffice writes the rest of a formatted sheet as one repeated empty row."""
    tail = ods_row([ods_cell(None, repeat=1024)], repeat=1_048_573)
    rows = read(_ods_roster(tail), "花名册.ods")
    assert [n for n, _cells in rows] == [2, 3]


def test_ods_repeating_a_filled_row_a_million_times_is_refused():
    """A few bytes that calamine would expand into a million rows (and gigabytes)."""
    bomb = ods_row([ods_cell("x")], repeat=1_000_000)
    message = refusal(_ods_roster(bomb), "花名册.ods")
    assert "row 1,000,003" in message and "at most 200,000 rows" in message


def test_ods_repeating_a_filled_cell_across_the_sheet_is_refused():
    bomb = ods_row([ods_cell("x", repeat=16_384)], repeat=1000)
    message = refusal(_ods_roster(bomb), "花名册.ods")
    assert "column XFD (column 16,384)" in message


# --- what the person sees: the page, the API and the command -----------------------------

FAR_CORNER = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def far_corner_file() -> bytes:
    return raw_xlsx(sheet_rows(people(1)) + FAR_CORNER, dimension="A1:XFD1048576")


def bomb_file() -> bytes:
    return raw_xlsx(sheet_rows(people(1)), after=" " * 5_000_000, level=9)


@pytest.mark.django_db
def test_the_page_shows_what_is_too_large(world, login, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from dangjian.rosters.models import ImportStatus, RosterImport

    client = login(world.a.manager)
    form = {"target": f"e{world.a.enterprise.pk}"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("rosters:upload"), {**form, "file": SimpleUploadedFile("far.xlsx", far_corner_file())}
        )
    imp = RosterImport.objects.get(requested_by=world.a.manager)
    assert response.status_code == 302 and imp.status == ImportStatus.FAILED
    page = client.get(reverse("rosters:detail", args=[imp.pk])).content.decode()
    assert "1,048,576" in page and "200,000" in page
    assert imp.rows.count() == 0

    # A zip bomb is refused on the form itself: no import is recorded, no job started.
    response = client.post(reverse("rosters:upload"), {**form, "file": SimpleUploadedFile("bomb.xlsx", bomb_file())})
    assert response.status_code == 400
    assert "100" in response.content.decode() and RosterImport.objects.count() == 1


@pytest.mark.django_db
def test_the_api_shows_what_is_too_large(world, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import MULTIPART_CONTENT

    from dangjian.testing.api import API, JsonClient, token_for

    client = JsonClient(headers={"authorization": f"Bearer {token_for(world.a.manager)}"})

    def upload(data: bytes):
        body = {"file": SimpleUploadedFile("r.xlsx", data), "into": world.a.enterprise.uscc}
        return client.post(f"{API}/imports", body, content_type=MULTIPART_CONTENT)

    with django_capture_on_commit_callbacks(execute=True):
        created = upload(far_corner_file())
    assert created.status_code == 201
    got = client.get(f"{API}/imports/{created.json()['id']}").json()
    assert got["status"] == "failed" and got["counts"]["rows"] == 0
    assert "1,048,576" in got["message"] and "200,000" in got["message"]

    refused = upload(bomb_file())
    assert refused.status_code == 422
    assert "100" in refused.json()["errors"]["file"][0]


@pytest.mark.django_db
def test_the_command_says_what_is_too_large(world, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "far.xlsx"
    path.write_bytes(far_corner_file())
    with pytest.raises(SystemExit):
        call_command("import_roster", str(path), "--into", world.a.enterprise.uscc, "--dry-run")
    out = capsys.readouterr().out
    assert "1,048,576" in out and "200,000" in out

    path.write_bytes(bomb_file())
    with pytest.raises(CommandError, match="100"):
        call_command("import_roster", str(path), "--into", world.a.enterprise.uscc, "--dry-run")


# --- .xls: a compound file of BIFF records ------------------------------------------------


def _xls_roster(extra: list | None = None, **kw) -> bytes:
    cells = [(0, c, h) for c, h in enumerate(EMPLOYEE_HEADER)]
    for r, row in enumerate(people(2), start=1):
        cells += [(r, c, v) for c, v in enumerate(row) if v not in (None, "")]
    return xls(cells + (extra or []), **kw)


@pytest.mark.parametrize("notes", [0, 150], ids=["mini stream", "regular stream"])
def test_xls_files_are_read(notes):
    extra = [(3, c, "备注" * 5) for c in range(11, 11 + notes)]  # 150 notes: a stream past 4 KB
    data = _xls_roster(extra, merges=[(1, 2, 6, 6)])
    assert (len(data) > 512 * 12) == bool(notes)
    rows = read(data, "花名册.xls")
    assert [n for n, _cells in rows] == [2, 3, 4][: 2 + bool(notes)]
    assert rows[0][1][1] == "员工1" and rows[1][1][6] == "A缝纫一组"


def test_an_xls_cell_in_the_far_corner_is_refused_before_calamine_builds_the_sheet():
    """Five kilobytes with a cell at IV65536 made calamine build 16.7 million cells (1 GB)."""
    message = refusal(_xls_roster([(65535, 255, "x")]), "花名册.xls")
    assert "column IV (column 256)" in message and "at most 200 columns" in message


def test_a_damaged_xls_says_so():
    data = bytearray(_xls_roster())
    data[0x30:0x34] = (10_000).to_bytes(4, "little")  # the directory points past the end
    with translation.override("en"), pytest.raises(RosterFileError, match="damaged"):
        read_roster(bytes(data), "花名册.xls", EMPLOYEES)


# The peak is the kernel's high-water mark, reset once Django is loaded: a process started from
# a large one (pytest, late in the suite) inherits its mark across exec.
MEASURE = """
import re, sys
import django
django.setup()
from dangjian.rosters.reading import RosterFileError, read_roster
data = sys.stdin.buffer.read()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
try:
    list(read_roster(data, sys.argv[1], "employees").rows)
except RosterFileError:
    pass
with open("/proc/self/status") as f:
    print(int(re.search(r"VmHWM:\\s+(\\d+)", f.read()).group(1)) // 1024)
"""


@pytest.mark.parametrize(
    "name, data",
    [
        ("far.xls", lambda: _xls_roster([(65535, 255, "x")])),
        ("rows.ods", lambda: _ods_roster(ods_row([ods_cell("x", repeat=1000)], repeat=10_000))),
    ],
    ids=["xls far corner", "ods repeated row"],
)
def test_files_read_whole_by_calamine_are_refused_before_it_allocates(name, data):
    """calamine builds a sheet as one dense block: these few kilobytes cost it a gigabyte. The
    survey refuses them first; the process (about 80 MB with Django loaded) stays small."""
    import os
    import subprocess
    import sys

    from dangjian.testing.processes import ROOT

    peak = subprocess.run(
        [sys.executable, "-c", MEASURE, name],
        input=data(),
        cwd=ROOT,
        capture_output=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dangjian.test_settings"},
    ).stdout
    assert int(peak) < 300, f"peak RSS {int(peak)} MB"
