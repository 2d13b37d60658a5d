"""The import report and the blank templates, as Excel files.

The report is the uploaded sheet itself with three columns added (outcome, problems, notes), so
the person who uploaded it can correct the rejected rows in place and upload it again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django.utils.translation import gettext as _

from dangjian.dues.columns import SHEET_COLUMNS as DUES_COLUMNS
from dangjian.indicators import selectors as indicators
from dangjian.indicators.columns import SHEET_COLUMNS
from dangjian.people.choices import Education, Ethnicity, Gender
from dangjian.people.crypto import open_bytes
from dangjian.sheets import Col, Workbook, download_name

from . import instructions
from .columns import BY_KEY, COUNTY_KINDS, DUES_BASES, INDICATORS, MEMBERS, columns_for
from .county_columns import COLUMNS_OF
from .models import ImportRow, RosterImport
from .pipeline import county
from .reading import RosterFileError, read_roster


def _problems(row: ImportRow) -> str:
    return "\n".join(f"{p['column']}: {p['message']}" if p.get("column") else p["message"] for p in row.problems)


def report_bytes(imp: RosterImport) -> bytes:
    book = Workbook()
    outcome_cols = [Col(_("Outcome"), 12), Col(_("Problems"), 60), Col(_("Notes"), 40)]
    rows = imp.rows.order_by("row_number").iterator(chunk_size=2000)
    roster = None
    if imp.has_file:
        try:
            roster = read_roster(open_bytes(cast(bytes, imp.sealed_file)), imp.file_name, imp.kind)
        except RosterFileError:
            roster = None
    if roster is None:
        cols = [Col(_("Row"), 6), Col(_("Name"), 14), *outcome_cols]
        book.table(
            _("Report"),
            cols,
            ([r.row_number, r.name, r.get_outcome_display(), _problems(r), "\n".join(r.notes)] for r in rows),
            title=imp.file_name,
        )
        return book.close()
    width = max((h.index for h in roster.header), default=-1) + 1
    known: dict[str, Any] = (
        {c.key: c for c in SHEET_COLUMNS}
        if imp.kind == INDICATORS
        else {c.key: c for c in DUES_COLUMNS}
        if imp.kind == DUES_BASES
        else {c.key: c for c in COLUMNS_OF[imp.kind]}
        if imp.kind in COLUMNS_OF
        else BY_KEY
    )
    keyed = {h.index: known.get(h.key) if h.key else None for h in roster.header}
    cols = [
        Col(h.text or h.letter, column.width if column else 10, bool(getattr(column, "text", False)))
        for h in roster.header
        for column in [keyed[h.index]]
    ] + outcome_cols

    def lines() -> Iterator[list[Any]]:
        outcomes = iter(rows)
        current = next(outcomes, None)
        for number, cells in roster.rows:
            while current is not None and current.row_number < number:
                current = next(outcomes, None)
            if current is None or current.row_number != number:
                continue  # blank rows were not part of the import
            cells = (list(cells) + [None] * width)[:width]
            yield cells + [current.get_outcome_display(), _problems(current), "\n".join(current.notes)]
            current = next(outcomes, None)
        # Rows of another sheet (an enterprises file's workshops and teams), numbered after the
        # first sheet's: their notes say where they are.
        while current is not None:
            yield [None] * width + [current.get_outcome_display(), _problems(current), "\n".join(current.notes)]
            current = next(outcomes, None)

    book.table(_("Report"), cols, lines(), title=_("%(file)s, checked row by row") % {"file": imp.file_name})
    return book.close()


def template_bytes(kind: str) -> bytes:
    """A blank roster with the accepted columns, choice lists and an instructions sheet."""
    if kind == INDICATORS:
        return sheet_template_bytes()
    if kind == DUES_BASES:
        return payroll_template_bytes()
    if kind in COUNTY_KINDS:
        return county.template_bytes(kind)
    book = Workbook()
    columns = columns_for(kind)
    sheet = book.sheet(_("Party member roster") if kind == MEMBERS else _("Employee roster"))
    lists = book.sheet("lists")  # the choice lists behind the drop-downs, hidden
    lists.hide()
    choices = {
        "ethnicity": [str(label) for _v, label in Ethnicity.choices],
        "education": [str(label) for _v, label in Education.choices],
        "gender": [str(label) for _v, label in Gender.choices],
    }
    for r in range(max(len(v) for v in choices.values())):  # row by row: constant-memory mode
        for c, values in enumerate(choices.values()):
            if r < len(values):
                lists.write_string(r, c, values[r])
    for i, col in enumerate(columns):
        sheet.set_column(i, i, col.width, book.text_format if col.text else None)
        sheet.write_string(0, i, str(col.label), book.header_format)
        if col.key in choices:
            letter = "ABC"[list(choices).index(col.key)]
            source = f"=lists!${letter}$1:${letter}${len(choices[col.key])}"
            sheet.data_validation(1, i, 5000, i, {"validate": "list", "source": source, "error_type": "warning"})
    sheet.freeze_panes(1, 0)
    instructions.add_sheet(
        book,
        [instructions.line(col.label, kind in col.required, col.synonyms, col.help) for col in columns],
        _(
            "Fill one row per person under the header. Rows are matched to the people already registered by ID "
            "number, so importing the same file twice changes nothing."
        ),
    )
    return book.close()


def sheet_template_bytes() -> bytes:
    """A blank indicator sheet (indicators.columns: one figure a row), its notes, and the
    default indicators every enterprise has with their codes, units and plausible ranges."""
    book = Workbook()
    sheet = book.sheet(_("Production indicators"))
    defaults = list(indicators.indicators_of(None))
    names = [d.label for d in defaults]
    lists = book.sheet("lists")  # the indicators behind the drop-down, hidden
    lists.hide()
    for r, name in enumerate(names):
        lists.write_string(r, 0, name)
    for i, col in enumerate(SHEET_COLUMNS):
        sheet.set_column(i, i, col.width, book.text_format if col.key == "month" else None)
        sheet.write_string(0, i, str(col.label), book.header_format)
        if col.key == "indicator" and names:
            # A warning, not a refusal: the enterprise's own indicators and the codes are accepted too.
            source = f"=lists!$A$1:$A${len(names)}"
            sheet.data_validation(1, i, 5000, i, {"validate": "list", "source": source, "error_type": "warning"})
    sheet.freeze_panes(1, 0)
    instructions.add_sheet(
        book,
        (instructions.line(col.label, col.required, col.synonyms, col.help) for col in SHEET_COLUMNS),
        _(
            "Fill one row per figure: a team (blank for an enterprise's own figure), a month, an indicator and "
            "its value. Type a percentage as a number (98.5), not in Excel's percent format. A figure already "
            "stored is corrected, and the old one kept; importing the same file twice changes nothing."
        ),
    )
    book.table(
        _("Indicators"),
        [Col(_("Indicator"), 22), Col(_("Code"), 14), Col(_("Unit"), 18), Col(_("Plausible range"), 20)],
        ([d.label, d.code, d.unit_label, _plausible(d)] for d in defaults),
        title=_(
            "The indicators every enterprise has; an enterprise's own are accepted by their name or code too. A "
            "figure outside its plausible range is imported only once you confirm it."
        ),
        freeze=False,
    )
    return book.close()


def _plausible(indicator: Any) -> str:
    low, high = indicator.plausible_min, indicator.plausible_max
    if low is None and high is None:
        return ""
    return f"{'—' if low is None else f'{low.normalize():f}'} – {'—' if high is None else f'{high.normalize():f}'}"


def payroll_template_bytes() -> bytes:
    """A blank payroll of dues bases (dues.columns: one member and month a row) and its notes."""
    book = Workbook()
    sheet = book.sheet(_("Dues bases"))
    for i, col in enumerate(DUES_COLUMNS):
        sheet.set_column(i, i, col.width, book.text_format if col.text or col.key == "month" else None)
        sheet.write_string(0, i, str(col.label), book.header_format)
    sheet.freeze_panes(1, 0)
    instructions.add_sheet(
        book,
        (instructions.line(col.label, col.required, col.synonyms, col.help) for col in DUES_COLUMNS),
        _(
            "Fill one row per member and month: the base applies from that month on. A month already closed "
            "is refused until the branch reopens it; importing the same file twice changes nothing."
        ),
    )
    return book.close()


def template_name(kind: str) -> str:
    """The blank roster's file name, in the user's language (the page and the API give the same)."""
    if kind == INDICATORS:
        return _("production indicators template") + ".xlsx"
    if kind == DUES_BASES:
        return _("dues bases template") + ".xlsx"
    if kind in COUNTY_KINDS:
        return county.template_name(kind)
    stem = _("party member roster template") if kind == MEMBERS else _("employee roster template")
    return f"{stem}.xlsx"


def report_name(imp: RosterImport) -> str:
    """`导入报告-花名册-2026-11-25.xlsx`: the uploaded file's name and the day."""
    return download_name(_("import report") + "-" + imp.file_name.rsplit(".", 1)[0])
