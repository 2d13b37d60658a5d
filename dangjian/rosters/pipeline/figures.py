"""Figures: an indicator sheet's rows (team × month × indicator → value) through the same stages
as the people rosters — read, parse, match (the team and the indicator, within the enterprise),
validate (the figures' own rules: indicators.services.check_entries), report — and written
through the figures' one write path (indicators.services: record_values' refusals, events and
Revisions, planned and staged ahead of the import's one short write transaction, as a roster's
people are: plan_values, stage_values, write_staged).

No team is created here: teams come from the employee roster. A new or changed figure outside
its indicator's plausible range is reported as needing confirmation (RowOutcome.OUTSIDE); the
import writes it only when the uploader confirmed as many (RosterImport.confirmed_outside).
The check compares the rows with the stored figures a chunk at a time; the import compares them
again when it stages them, and its transaction makes sure none has changed since, so what it
reports is what it wrote.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from dangjian.indicators import selectors as indicators
from dangjian.indicators.columns import INDICATOR, MONTH, TEAM, VALUE, WORKSHOP
from dangjian.indicators.services import (
    Entry,
    Staged,
    Stale,
    check_entries,
    out_of_range,
    parse_figure,
    plan_values,
    stage_values,
    write_staged,
)

from ..columns import fold_header
from ..models import RosterImport, RowOutcome
from ..parsing import EXCEL_EPOCH, CellError, fold, parse_date, parse_text, shown
from ..reading import Roster
from .parse import RowResult, column
from .read import roster_of
from .report import save_rows

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.organizations.models import Enterprise, ProductionUnit

CHUNK = 500
__all__ = ["NeedsConfirmation", "Planned", "Ready", "Sheet", "Stale", "merge", "prepare", "stage"]
Key = tuple[int, int | None, dt.date]
ProgressFn = Any  # (done, total) -> None


class NeedsConfirmation(Exception):
    """More figures outside their plausible range would be written than the uploader confirmed
    (the stored figures or the ranges changed since the check): nothing is written."""

    def __init__(self, n: int) -> None:
        super().__init__(n)
        self.n = n


@dataclass(slots=True)
class Planned:
    """A row of the sheet: its outcome, and the figure it stores (None: nothing to store — a
    blank value, a repeat, a rejected row)."""

    result: RowResult
    entry: Entry | None = None


# --- parsing a row's cells -------------------------------------------------------------------

_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_MONTH_DIGITS = re.compile(r"^(\d{4})(\d{2})$")


def _month(year: int, month: int, text: object) -> dt.date:
    try:
        return dt.date(year, month, 1)
    except ValueError:
        raise CellError(_("“%(value)s” is not a real month.") % {"value": text}) from None


def parse_month(value: Any) -> dt.date | None:
    """The first of the month a cell names: 2026-05, 2026/5, 2026.05, 2026年5月, 202605, or a
    date (Excel's, or typed) of any day of it."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 190001 <= value <= 210012:  # 202605 typed as a number
            return _month(int(value) // 100, int(value) % 100, value)
        if float(value).is_integer() and 20000 <= value < 80000:  # an Excel serial day (1954–2119)
            return (EXCEL_EPOCH + dt.timedelta(days=int(value))).replace(day=1)
        raise CellError(
            _("“%(value)s” cannot be read as a month. Format the column as text and write 2026-05.")
            % {"value": shown(value)}
        )
    text = " ".join(unicodedata.normalize("NFKC", str(value)).split())
    if not text:
        return None
    for pattern in (_MONTH_TEXT, _MONTH_DIGITS):
        m = pattern.match(text)
        if m:
            return _month(int(m[1]), int(m[2]), text)
    try:
        day = parse_date(text)
    except CellError:
        day = None
    if day is None:
        raise CellError(_("“%(value)s” cannot be read as a month. Write it as 2026-05 or 2026年5月.") % {"value": text})
    return day.replace(day=1)


def shown_figure(value: Decimal | None) -> str:
    return _("withdrawn") if value is None else f"{value.normalize():f}"


# --- the sheet ---------------------------------------------------------------------------------


class Sheet:
    """The rows of one indicator sheet for one enterprise: its teams and indicators loaded once,
    the figures already seen in the file remembered (a key and a value a row)."""

    def __init__(self, *, enterprise: Enterprise, roster: Roster) -> None:
        self.enterprise = enterprise
        self.roster = roster
        self.teams: dict[str, list[ProductionUnit]] = {}
        for team in indicators.teams_of(enterprise):
            self.teams.setdefault(fold(team.name), []).append(team)
        self.indicators: dict[str, list[Any]] = {}
        for ind in indicators.indicators_of(enterprise, archived=True):
            names = {ind.code, ind.name, ind.name_en}
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    names.add(str(ind.label))
            for name in names:
                found = self.indicators.setdefault(fold_header(name), []) if name else []
                if name and ind not in found:
                    found.append(ind)
        self.seen: dict[Key, tuple[int, Decimal]] = {}

    # --- a row ------------------------------------------------------------------------------

    def parse(self, number: int, cells: list[Any]) -> Planned | None:
        """The row resolved into a figure (not yet compared with what is stored), or None for a
        blank row."""
        raw = {key: (cells[i] if i < len(cells) else None) for key, i in self.roster.columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            return None
        result = RowResult(row=number)
        workshop, team_name = parse_text(raw.get(WORKSHOP)), parse_text(raw.get(TEAM))
        month = self._month(raw.get(MONTH), result)
        indicator = self._indicator(parse_text(raw.get(INDICATOR)), result)
        team = self._team(workshop, team_name, result) if team_name else None
        value = self._value(raw.get(VALUE), result)
        result.name = self._name(team, team_name, month, raw.get(MONTH), indicator, raw.get(INDICATOR))
        if result.outcome == RowOutcome.REJECTED or month is None or indicator is None:
            return Planned(result)
        if value is None:
            result.notes.append(_("No figure is given: nothing is stored, and a figure stored already is kept."))
            return Planned(result)
        key = (indicator.pk, team.pk if team is not None else None, month)
        if key in self.seen:
            first_row, first_value = self.seen[key]
            if first_value == value:
                result.outcome = RowOutcome.DUPLICATE
                result.notes.append(_("The same as row %(row)d, which is imported once.") % {"row": first_row})
            else:
                result.reject(
                    column(self.roster, VALUE),
                    shown(raw.get(VALUE)),
                    _(
                        "Row %(row)d gives another figure for the same team, month and indicator. Keep one of the "
                        "two rows."
                    )
                    % {"row": first_row},
                )
            return Planned(result)
        self.seen[key] = (number, value)
        where = _("row %(row)d") % {"row": number}
        return Planned(result, Entry(indicator=indicator, team=team, month=month, value=value, where=where))

    def _month(self, cell: Any, result: RowResult) -> dt.date | None:
        try:
            month = parse_month(cell)
        except CellError as exc:
            result.reject(column(self.roster, MONTH), shown(cell), str(exc))
            return None
        if month is None:
            result.reject(column(self.roster, MONTH), "", _("The month is missing. Write it as 2026-05."))
        return month

    def _indicator(self, text: str | None, result: RowResult) -> Any:
        if not text:
            result.reject(column(self.roster, INDICATOR), "", _("The indicator is missing. Write its name or code."))
            return None
        found = self.indicators.get(fold_header(text), [])
        if len(found) > 1:  # its code, else the one still collected, says which
            narrowed = [i for i in found if i.code == text.strip().lower()] or [i for i in found if not i.archived]
            found = narrowed if len(narrowed) == 1 else found
        if len(found) == 1:
            return found[0]
        if not found:
            message = _(
                "%(enterprise)s has no indicator “%(name)s”. Write the name of one of its indicators, in either "
                "language, or its code."
            ) % {"enterprise": self.enterprise, "name": text}
        else:
            message = _("More than one indicator is called “%(name)s”. Write its code instead: %(codes)s.") % {
                "name": text,
                "codes": ", ".join(i.code for i in found),
            }
        result.reject(column(self.roster, INDICATOR), text, message)
        return None

    def _team(self, workshop: str | None, name: str, result: RowResult) -> ProductionUnit | None:
        teams = self.teams.get(fold(name), [])
        if workshop:
            teams = [t for t in teams if t.parent is not None and fold(t.parent.name) == fold(workshop)]
        if len(teams) == 1:
            return teams[0]
        if len(teams) > 1:
            message = _(
                "%(enterprise)s has more than one team named “%(team)s”. Fill in the workshop column to say which."
            ) % {"enterprise": self.enterprise, "team": name}
        elif workshop and self.teams.get(fold(name)):
            message = _(
                "%(enterprise)s has no team named “%(team)s” in the workshop “%(workshop)s”. Correct the workshop, "
                "or leave it blank."
            ) % {"enterprise": self.enterprise, "team": name, "workshop": workshop}
        else:
            message = _(
                "%(enterprise)s has no team named “%(team)s”. Correct the name, or register the team first (the "
                "employee roster or the enterprise's page): figures are imported only for teams that exist."
            ) % {"enterprise": self.enterprise, "team": name}
        result.reject(column(self.roster, TEAM), name, message)
        return None

    def _value(self, cell: Any, result: RowResult) -> Decimal | None:
        try:
            return parse_figure(cell)
        except ValidationError as exc:
            result.reject(column(self.roster, VALUE), shown(cell), " ".join(exc.messages))
            return None

    def _name(
        self,
        team: ProductionUnit | None,
        team_name: str | None,
        month: dt.date | None,
        month_cell: Any,
        indicator: Any,
        indicator_cell: Any,
    ) -> str:
        """How the report names the figure: "A缝纫一组 · 2026-05 · 产量"."""
        parts = [
            team.display_name if team is not None else (team_name or ""),
            f"{month:%Y-%m}" if month is not None else shown(month_cell),
            indicator.label if indicator is not None else shown(indicator_cell),
        ]
        return " · ".join(p for p in parts if p)[:100]

    # --- the rows, a chunk at a time ---------------------------------------------------------

    def planned(self, rows: Iterable[tuple[int, list[Any]]], progress: ProgressFn | None = None) -> Iterator[Planned]:
        """Every row parsed, resolved and validated by the figures' own rules (check_entries),
        a chunk at a time; nothing compared with what is stored."""
        chunk: list[Planned] = []
        done = 0
        for number, cells in rows:
            planned = self.parse(number, cells)
            if planned is None:
                continue
            chunk.append(planned)
            if len(chunk) >= CHUNK:
                yield from self._validated(chunk)
                done += len(chunk)
                chunk = []
                if progress:
                    progress(done, max(self.roster.total_rows, done))
        if chunk:
            yield from self._validated(chunk)
            done += len(chunk)
        if progress:
            progress(done, done)

    def _validated(self, chunk: list[Planned]) -> list[Planned]:
        admitted = [p for p in chunk if p.entry is not None]
        checked = check_entries(self.enterprise, [p.entry for p in admitted if p.entry is not None])
        for p, (_entry, errors) in zip(admitted, checked, strict=True):
            for message in errors:
                p.result.reject("", "", message)
            if errors:
                p.entry = None
        return chunk

    def checked(self, rows: Iterable[tuple[int, list[Any]]], progress: ProgressFn | None = None) -> Iterator[RowResult]:
        """The dry run: every row's outcome against the figures stored now, a chunk at a time."""
        chunk: list[Planned] = []
        for planned in self.planned(rows, progress):
            chunk.append(planned)
            if len(chunk) >= CHUNK:
                yield from self._compared(chunk)
                chunk = []
        yield from self._compared(chunk)

    def _compared(self, chunk: list[Planned]) -> Iterator[RowResult]:
        entries = [p.entry for p in chunk if p.entry is not None]
        if entries:
            stored = indicators.stored_figures(
                self.enterprise,
                indicator_ids={e.indicator.pk for e in entries},
                months={e.month for e in entries},
                team_ids={e.team.pk for e in entries if e.team is not None},
            )
            for p in chunk:
                classify(p, stored, confirmed=False)
        for p in chunk:
            yield p.result


def classify(planned: Planned, stored: dict[Key, Decimal | None], *, confirmed: bool) -> bool:
    """The row's outcome against the stored figures: new, changed (with the figure it was) or
    unchanged; a new or changed figure outside its plausible range needs confirmation, or (once
    `confirmed`) says it was confirmed. True when the row writes a figure outside its range."""
    entry, result = planned.entry, planned.result
    if entry is None:
        return False
    key = (entry.indicator.pk, entry.team.pk if entry.team is not None else None, entry.month)
    if key not in stored:
        result.outcome = RowOutcome.CREATED
    elif stored[key] == entry.value:
        result.outcome = RowOutcome.UNCHANGED
        return False
    else:
        result.outcome = RowOutcome.UPDATED
        result.changed.append(f"{shown_figure(stored[key])} → {shown_figure(entry.value)}")
    outside = out_of_range(entry)
    if outside is None:
        return False
    result.notes.append(outside)
    if confirmed:
        result.notes.append(_("Imported as confirmed by the uploader."))
    else:
        result.outcome = RowOutcome.OUTSIDE
    return True


# --- the import --------------------------------------------------------------------------------


def enterprise_of(imp: RosterImport) -> Enterprise:
    if imp.enterprise is None:  # services.upload takes indicator sheets into enterprises only
        raise ValueError(f"indicator sheet {imp.pk} has no enterprise")
    return imp.enterprise


def prepare(imp: RosterImport, progress: ProgressFn | None) -> list[Planned]:
    """Every row parsed, resolved and validated again, outside any transaction: the first half
    of the import's progress."""
    roster = roster_of(imp)
    sheet = Sheet(enterprise=enterprise_of(imp), roster=roster)

    def half(done: int, total: int) -> None:
        if progress is not None:
            progress(done, 2 * total)

    return list(sheet.planned(roster.rows, half))


def reason(imp: RosterImport) -> str:
    """The reason a correction by this import keeps (indicators.models.Revision)."""
    return _("import: %(file)s") % {"file": imp.file_name}


@dataclass
class Ready:
    """An indicator sheet ready to merge: its figures and events staged (indicators.services),
    the report rows that differ from the check's, the counts."""

    staged: Staged
    report: list[RowResult]
    counts: dict[str, int]


def stage(imp: RosterImport, rows: list[Planned], *, actor: User | None) -> Ready:
    """Outside any transaction: the rows compared with the figures stored now, through the
    figures' own write path (plan_values: its refusals and its read; stage_values: the new figures
    and their events staged with reserved ids). Raises NeedsConfirmation, staging nothing, when
    more figures outside their range would be written than the uploader confirmed."""
    admitted = [p for p in rows if p.entry is not None]
    plan = plan_values(
        enterprise=enterprise_of(imp), entries=[p.entry for p in admitted if p.entry is not None], reason=reason(imp)
    )
    stored = {key: found[1] for key, found in plan.read.items()}
    outside = sum(classify(p, stored, confirmed=True) for p in admitted)
    if outside > imp.confirmed_outside:
        raise NeedsConfirmation(outside)
    counts: dict[str, int] = {}
    for p in rows:
        counts[str(p.result.outcome)] = counts.get(str(p.result.outcome), 0) + 1
    counts["rows"] = len(rows)
    if outside:
        counts["confirmed"] = outside
    return Ready(stage_values(actor=actor, plan=plan, confirm=outside > 0), _changed_rows(imp, rows), counts)


def _changed_rows(imp: RosterImport, rows: list[Planned]) -> list[RowResult]:
    """The rows whose outcome differs from what the check reported (a figure confirmed, one
    stored meanwhile): only those are written again. Both go in row order, read as a stream."""
    checked = imp.rows.order_by("row_number").values_list("row_number", "outcome", "problems", "notes", "changed")
    stream = checked.iterator(chunk_size=2000)
    current = next(stream, None)
    changed = []
    for p in sorted(rows, key=lambda p: p.result.row):
        r = p.result
        while current is not None and current[0] < r.row:
            current = next(stream, None)
        if current is None or current[0] != r.row or current[1:] != (r.outcome, r.problems, r.notes, r.changed):
            changed.append(r)
    return changed


def merge(imp: RosterImport, ready: Ready) -> dict[str, int]:
    """Inside the import's write transaction: the staged figures and events written (Stale when a
    stored figure changed since they were staged: nothing is written), and the report rows that
    differ from the check's replaced. Returns the counts."""
    write_staged(ready.staged)
    numbers = [r.row for r in ready.report]
    for start in range(0, len(numbers), 2000):
        imp.rows.filter(row_number__in=numbers[start : start + 2000]).delete()
    save_rows(imp, ready.report, {})
    return ready.counts
