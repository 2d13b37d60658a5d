"""The columns of an indicator sheet: one row per team, month and indicator. The values export
writes them and the import (rosters, kind "indicators") reads them, so a downloaded file imports
back unchanged. Headers are matched as the rosters' are (folded, in either language or a
synonym)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class SheetColumn:
    key: str
    label: Promise
    synonyms: tuple[str, ...] = ()
    required: bool = True
    width: int = 14
    help: Promise | str = ""


WORKSHOP, TEAM, MONTH, INDICATOR, VALUE = "workshop", "team", "month", "indicator", "value"

SHEET_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn(
        WORKSHOP,
        _("Workshop"),
        ("车间", "厂房", "车间/厂房", "workshop or building"),
        required=False,
        help=_("Needed only where two workshops have teams of the same name."),
    ),
    SheetColumn(
        TEAM,
        pgettext_lazy("production", "Production team"),
        ("班组", "生产班组", "team"),
        required=False,
        help=_("Blank for an indicator kept for the whole enterprise."),
    ),
    SheetColumn(MONTH, _("Month"), ("月份", "统计月份", "年月", "period"), width=10, help=_("YYYY-MM, e.g. 2026-05.")),
    SheetColumn(
        INDICATOR,
        _("Indicator"),
        ("指标", "指标名称", "指标代码", "indicator code"),
        width=18,
        help=_("The indicator's name in either language, or its code."),
    ),
    SheetColumn(VALUE, _("Value"), ("数值", "值", "数据", "figure"), width=12),
)
