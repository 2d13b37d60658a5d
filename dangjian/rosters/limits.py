"""How large a roster file may be, and the refusals beyond it.

A spreadsheet is small on disk and can be enormous once read: an .xlsx or .ods is a zip of XML
that a few kilobytes can inflate to gigabytes, a sheet may declare (or an .ods repeat) a
million rows and sixteen thousand columns, a merged range may cover all of them. Every limit
here is checked *before* the long work (inflating, parsing, validating rows), from what costs
nothing to learn: the zip's directory first, then one quick pass over the sheet's XML that
finds the last filled row and column (`shape`). Beyond a limit the file is refused at once with
a message saying what is too large, the limit, and what to do.

The defaults fit a province's largest real roster with room to spare: the benchmark roster of
100,000 employees × 12 columns is 7 MB on disk and 62 MB inflated (docs/import.md).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024
# Below this an entry's compression ratio says nothing (a few kilobytes of repetitive XML
# compress very well and cost nothing to inflate).
RATIO_FLOOR_BYTES = MB


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    cells: int
    merged_ranges: int
    merged_cells: int
    inflated_bytes: int
    compression_ratio: int

    @classmethod
    def current(cls) -> Limits:
        return cls(
            rows=settings.ROSTER_MAX_ROWS,
            columns=settings.ROSTER_MAX_COLUMNS,
            cells=settings.ROSTER_MAX_CELLS,
            merged_ranges=settings.ROSTER_MAX_MERGED_RANGES,
            merged_cells=settings.ROSTER_MAX_MERGED_CELLS,
            inflated_bytes=settings.ROSTER_MAX_INFLATED_BYTES,
            compression_ratio=settings.ROSTER_MAX_COMPRESSION_RATIO,
        )


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


class RosterTooLarge(RosterFileError):
    """The file is beyond one of the limits; refused before it is read."""


def _n(value: int) -> str:
    return f"{value:,}"


def _mb(value: int) -> str:
    return f"{value / MB:,.0f}" if value >= 10 * MB else f"{value / MB:,.1f}"


def check_archive(data: bytes, limits: Limits | None = None) -> None:
    """Refuse a zip (.xlsx, .ods) whose contents would inflate beyond the limit, or whose
    compression is that of a zip bomb, from its directory alone: nothing is inflated here.

    The sizes in the directory are what Python's zipfile then holds every entry to (it stops
    at the declared size and checks the CRC), and the sheet is read through to its end once
    (`shape`), so a directory that understates an entry is found out as a damaged file."""
    limits = limits or Limits.current()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return  # not a zip at all: the reader says the file cannot be opened
    names = [e.filename for e in entries]
    if len(set(names)) != len(names):
        # Two entries of one name: readers disagree on which one counts.
        raise RosterFileError(
            _(
                "The file holds two parts with the same name, which Excel never writes. Open it in Excel and save it again."
            )
        )
    total = sum(e.file_size for e in entries)
    if total > limits.inflated_bytes:
        raise RosterTooLarge(
            _(
                "The file unpacks to %(found)s MB; Dangjian reads spreadsheets of at most %(limit)s MB unpacked. "
                "Delete what the roster does not need (other sheets, pictures, empty formatted rows) or split it "
                "into several files."
            )
            % {"found": _mb(total), "limit": _mb(limits.inflated_bytes)}
        )
    for entry in entries:
        if entry.file_size >= RATIO_FLOOR_BYTES:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if ratio > limits.compression_ratio:
                raise RosterTooLarge(
                    _(
                        "A part of the file is packed %(found)s times smaller than its contents; real spreadsheets "
                        "pack at most about %(limit)s times. The file is refused as a possible zip bomb. Open it in "
                        "Excel, save it again and upload that."
                    )
                    % {"found": _n(int(ratio)), "limit": _n(limits.compression_ratio)}
                )


def column_name(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: as Excel names columns."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def check_shape(
    *, last_row: int, last_column: int, merged: list[tuple[int, int, int, int]], limits: Limits | None = None
) -> list[tuple[int, int, int, int]]:
    """Refuse a sheet whose filled part (`last_row`, 1-based; `last_column`, 0-based, -1 when
    empty) or merged ranges are beyond the limits. Returns the merged ranges clipped to the
    filled part: a range reaching past the last filled cell covers nothing that is read."""
    limits = limits or Limits.current()
    if last_row > limits.rows:
        raise RosterTooLarge(
            _(
                "The sheet has data down to row %(found)s; Dangjian reads at most %(limit)s rows. Split the roster "
                "into files of fewer rows and import them one after another, or delete what stands below the roster."
            )
            % {"found": _n(last_row), "limit": _n(limits.rows)}
        )
    columns = last_column + 1
    if columns > limits.columns:
        raise RosterTooLarge(
            _(
                "The sheet has data as far right as column %(letter)s (column %(found)s); Dangjian reads at most "
                "%(limit)s columns. Delete the columns the roster does not need, including notes far to the right."
            )
            % {"letter": column_name(last_column), "found": _n(columns), "limit": _n(limits.columns)}
        )
    if last_row * columns > limits.cells:
        raise RosterTooLarge(
            _(
                "The sheet's filled area is %(rows)s rows by %(columns)s columns, %(found)s cells; Dangjian reads at "
                "most %(limit)s cells. Delete the columns the roster does not need, or split it into several files."
            )
            % {"rows": _n(last_row), "columns": _n(columns), "found": _n(last_row * columns), "limit": _n(limits.cells)}
        )
    if len(merged) > limits.merged_ranges:
        raise RosterTooLarge(
            _(
                "The sheet has %(found)s merged ranges; Dangjian reads at most %(limit)s. Select the whole sheet in "
                "Excel, unmerge the cells (Merge & Center → Unmerge Cells) and save it again."
            )
            % {"found": _n(len(merged)), "limit": _n(limits.merged_ranges)}
        )
    clipped = []
    area = 0
    for r0, c0, r1, c1 in merged:
        r1, c1 = min(r1, last_row), min(c1, last_column)
        if r0 <= r1 and c0 <= c1 and (r0, c0) != (r1, c1):
            clipped.append((r0, c0, r1, c1))
            area += (r1 - r0 + 1) * (c1 - c0 + 1)
    if area > limits.merged_cells:
        raise RosterTooLarge(
            _(
                "The sheet's merged ranges cover %(found)s cells; Dangjian reads at most %(limit)s merged cells. "
                "Select the whole sheet in Excel, unmerge the cells (Merge & Center → Unmerge Cells) and save it again."
            )
            % {"found": _n(area), "limit": _n(limits.merged_cells)}
        )
    return sorted(clipped)


def check_texts(count: int, limits: Limits | None = None) -> None:
    """Refuse an .xlsx whose shared string table holds more texts than the cells it may show:
    openpyxl holds them all in memory before the first row is read."""
    limits = limits or Limits.current()
    if count > limits.cells:
        raise RosterTooLarge(
            _(
                "The file holds %(found)s different texts, more than a sheet of at most %(limit)s cells can show. "
                "Open it in Excel, save it again and upload that."
            )
            % {"found": _n(count), "limit": _n(limits.cells)}
        )
