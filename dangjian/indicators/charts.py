"""The indicator pages' charts, as specs for ui/static/ui/charts.js: "lines" (a figure by month,
its quarters shaded in turn, a vertical mark where coverage began, the share of teams covered
on a second axis) and "event" (the analysis's difference by month from the start of coverage,
with its 95% range). Months with no figure, or a pay figure withheld, are gaps (null), never
zero. Every word on a chart is translated here; the JavaScript only draws."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from . import selectors
from .analysis import Effect
from .models import Indicator
from .selectors import Point


def month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def quarter_name(quarter: tuple[int, int]) -> str:
    return _("%(year)s Q%(quarter)s") % {"year": quarter[0], "quarter": quarter[1]}


def short_quarter(quarter: tuple[int, int]) -> str:
    return _("Q%(quarter)s") % {"quarter": quarter[1]}


def quarter_bands(months: Sequence[dt.date]) -> list[dict[str, str]]:
    """Each quarter the months touch: its first and last month shown, and its short name."""
    bands: list[dict[str, str]] = []
    current: tuple[int, int] | None = None
    for month in months:
        quarter = selectors.quarter_of(month)
        if quarter != current:
            bands.append({"from": month_label(month), "to": month_label(month), "label": short_quarter(quarter)})
            current = quarter
        else:
            bands[-1]["to"] = month_label(month)
    return bands


def window(points: Iterable[Point], *, last: dt.date, at_most: int) -> list[dt.date]:
    """The months a chart shows: from its first figure (at most `at_most` months back) to `last`."""
    firsts = [p.month for p in points]
    start = min(firsts) if firsts else last
    start = max(start, selectors.add_months(last, -(at_most - 1)))
    return selectors.months_between(start, last)


def _round(value: float | None, decimals: int) -> float | None:
    return None if value is None else round(value, decimals + 1)


def lines(
    chart_id: str,
    title: str,
    indicator: Indicator,
    months: Sequence[dt.date],
    points: Iterable[Point],
    *,
    share: Mapping[dt.date, float] | None = None,
    marks: Sequence[tuple[dt.date, str]] = (),
) -> dict[str, Any]:
    """A figure by month over `months` (gaps where there is none or it is withheld)."""
    by_month = {p.month: p for p in points}
    decimals = indicator.shown_decimals
    shown = set(months)
    spec: dict[str, Any] = {
        "id": chart_id,
        "type": "lines",
        "title": title,
        "categories": [month_label(m) for m in months],
        "series": [
            {
                "name": indicator.label,
                "data": [_round(by_month[m].value, decimals) if m in by_month else None for m in months],
            }
        ],
        "unit": "%" if indicator.is_percent else indicator.unit_label,
        "decimals": decimals,
        "quarters": quarter_bands(months),
        "marks": [{"at": month_label(m), "label": label} for m, label in marks if m in shown],
    }
    spec["empty"] = all(v is None for v in spec["series"][0]["data"])
    if share is not None:
        spec["share"] = {
            "name": _("Teams in a member's charge (%)"),
            "data": [round(100 * share[m], 1) if m in share else None for m in months],
        }
    return spec


def event(chart_id: str, indicator: Indicator, effect: Effect) -> dict[str, Any]:
    """The event study: the difference in each month from the start of coverage (0), month −1 the
    reference (zero by construction), with each month's 95% range as a band."""
    rows = {rel: (est, low, high) for rel, est, low, high in effect.event}
    rels = list(range(min(rows), max(rows) + 1)) if rows else []
    decimals = indicator.shown_decimals

    def column(i: int) -> list[float | None]:
        return [_round(rows[r][i], decimals) if r in rows else None for r in rels]

    return {
        "id": chart_id,
        "type": "event",
        "title": "",  # the page's heading says it: a long title does not fit a phone's chart
        "categories": [str(r).replace("-", "−") for r in rels],
        "estimate": column(0),
        "low": column(1),
        "high": column(2),
        "start": "0",
        "reference": "−1",
        "unit": _("percentage points") if indicator.is_percent else indicator.unit_label,
        "decimals": decimals,
        "labels": {
            "estimate": _("difference from teams not yet covered"),
            "range": _("95%% range") % {},
            "start": _("coverage begins"),
            "axis": _("months from the start of coverage"),
        },
    }
