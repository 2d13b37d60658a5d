"""Read: the sealed upload opened and its header recognised (rosters.reading does the cells)."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _

from dangjian.dues.columns import SHEET_COLUMNS as DUES_COLUMNS
from dangjian.indicators.columns import SHEET_COLUMNS
from dangjian.people.crypto import open_bytes

from ..columns import BY_KEY, DUES_BASES, INDICATORS, MEMBERS, label_of
from ..county_columns import COLUMNS_OF
from ..models import RosterImport
from ..reading import Roster, RosterFileError, read_roster


def roster_of(imp: RosterImport) -> Roster:
    roster = read_roster(open_bytes(cast(bytes, imp.sealed_file)), imp.file_name, imp.kind)
    missing: list[Any]
    if imp.kind == INDICATORS:
        missing = [c for c in SHEET_COLUMNS if c.required and c.key not in roster.columns]
    elif imp.kind == DUES_BASES:
        missing = [c for c in DUES_COLUMNS if c.required and c.key not in roster.columns]
    elif imp.kind in COLUMNS_OF:
        missing = [c for c in COLUMNS_OF[imp.kind] if c.required and c.key not in roster.columns]
    else:
        missing = [BY_KEY[k] for k in ("name", "id_number") if k not in roster.columns]
    if imp.kind == MEMBERS and "admitted_on" not in roster.columns:
        missing.append(BY_KEY["admitted_on"])
    if missing:
        raise RosterFileError(
            _("The header row (row %(row)d) has no column for: %(columns)s. Add the column, or rename it.")
            % {
                "row": roster.header_row,
                "columns": _("; ").join(f"{c.label} ({c.synonyms[0]})" for c in missing),
            }
        )
    return roster


def describe_columns(roster: Roster) -> list[dict[str, Any]]:
    return [
        {"letter": h.letter, "text": h.text, "key": h.key, "label": label_of(roster.kind, h.key) if h.key else ""}
        for h in roster.header
        if h.text or h.key
    ]
