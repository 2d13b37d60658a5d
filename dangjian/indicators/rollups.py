"""A committee's production figures (issue 19): a row per committee directly below it (a
prefecture's counties, a county's parks) and per enterprise it oversees directly, each with
every default indicator's figure in the latest complete quarter and the quarter before, the
teams reporting and the share of teams in a member's charge; the total row; and the total's
months of one indicator for the chart (`line`).

Set-based, as guidance.rollups: the figures are read in a few grouped statements over all the
committee's enterprises (selectors.parts_by_enterprise: indicator × enterprise × month), and
placed on rows here — the same number of queries for one park or a prefecture of 18,000 teams.
A month's figure over several enterprises is made of the parts its enterprises' figures are
made of (Σ value, Σ headcount × value …), so a row's figure is the one `selectors.series` would
give for its enterprises. A committee is not the enterprises' HR: a pay figure of fewer than
INCOME_MIN_HEADCOUNT people is withheld on every row.

What it costs (SQLite, 2.6 million figures: 18,000 teams × 24 months × 6 indicators): a park's
roll-up 0.13 s, a county's 0.23 s, a prefecture's 2.3 s; the chart's line 0.02 to 0.15 s more
for a county, 0.4 s (a sum) to 2.1 s (a mean weighed by headcount) for a prefecture — the
headcount looked up for each figure weighed by it is most of it. Hence `cached`:
kept for DASHBOARD_SECONDS and shared by the committee's readers, as the other roll-ups are."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from dangjian.organizations import selectors as orgs
from dangjian.organizations.models import Organization, OrgKind, display_name

from . import selectors
from .models import Indicator
from .selectors import Parts, Point

if TYPE_CHECKING:
    from dangjian.access.models import User

COMMITTEE_KINDS = (OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE, OrgKind.PARK_COMMITTEE)
CHART_MONTHS = 24
CACHE_VERSION = 1


@dataclass(frozen=True)
class Cell:
    """One indicator on one row: the quarter's figure and the quarter before's."""

    figure: float | None
    before: float | None
    masked: bool = False
    months: int = 0  # months with figures behind `figure` (3 for a full quarter)
    before_months: int = 0

    @property
    def change(self) -> float | None:
        return None if self.figure is None or self.before is None else self.figure - self.before


@dataclass
class Row:
    label: str
    org_id: int | None = None
    enterprise_id: int | None = None
    enterprises: int = 0
    teams: int = 0
    covered: int = 0  # teams that have been in a member's charge
    reporting: int = 0  # teams with a figure in the quarter
    cells: dict[int, Cell] = field(default_factory=dict)
    parts: dict[tuple[int, dt.date], Parts] = field(default_factory=dict)

    @property
    def covered_percent(self) -> int | None:
        return round(100 * self.covered / self.teams) if self.teams else None

    def add(self, indicator_id: int, month: dt.date, parts: Parts) -> None:
        key = (indicator_id, month)
        self.parts[key] = self.parts[key] + parts if key in self.parts else parts


@dataclass
class Rollup:
    org_id: int
    label: str
    quarter: tuple[int, int]
    before: tuple[int, int]
    months: list[dt.date]
    rows: list[Row]
    total: Row
    share: dict[dt.date, float]  # the share of teams covered by each month's end
    digest: str = ""  # of the enterprises counted (what a kept line of the chart is keyed by)
    counted_at: dt.datetime | None = None


def latest_quarters(this_month: dt.date) -> tuple[tuple[int, int], tuple[int, int]]:
    """The latest complete quarter (the one before this month's) and the one before it."""
    year, q = selectors.quarter_of(this_month)
    latest = (year, q - 1) if q > 1 else (year - 1, 4)
    before = (latest[0], latest[1] - 1) if latest[1] > 1 else (latest[0] - 1, 4)
    return latest, before


def quarter_months(quarter: tuple[int, int]) -> list[dt.date]:
    first = dt.date(quarter[0], 3 * quarter[1] - 2, 1)
    return [selectors.add_months(first, i) for i in range(3)]


class _Places:
    """Which row an enterprise's figures belong to: the committee directly below the root that
    supervises it (else covers it with a party organisation), or a row of its own."""

    def __init__(self, root: Organization, children: Sequence[Organization]) -> None:
        self.root = root.path
        self.by_path = {c.path: Row(label=c.display_name, org_id=c.pk) for c in children}

    def child(self, path: str | None) -> Row | None:
        if not path or not path.startswith(self.root) or path == self.root:
            return None
        return self.by_path.get(self.root + path[len(self.root) :].split("/", 1)[0] + "/")


def _cell(indicator: Indicator, row: Row, quarter: list[dt.date], before: list[dt.date]) -> Cell:
    def figure(months: list[dt.date]) -> tuple[float | None, bool, int]:
        points = [
            selectors.figure_of(indicator, row.parts.get((indicator.pk, m)), m, may_see_few=False)
            for m in months
            if (indicator.pk, m) in row.parts
        ]
        quarters = selectors.quarters(indicator, points)
        if not quarters:
            return None, False, 0
        _q, value, _n = quarters[0]
        return value, any(p.masked for p in points), len(points)

    value, masked, months = figure(quarter)
    earlier, _masked, before_months = figure(before)
    return Cell(value, earlier, masked=masked, months=months, before_months=before_months)


EnterpriseRow = tuple[int, str, str, str | None, str | None]


def _enterprises(user: User, org: Organization) -> list[EnterpriseRow]:
    """The enterprises under the committee that the user reads: (id, name, English name, its
    supervising committee's path, its party organisation's path)."""
    return list(
        selectors.visible_under(user, org)
        .order_by("name", "pk")
        .values_list("pk", "name", "name_en", "supervising_org__path", "party_org__path")
    )


def rollup(user: User, org: Organization, indicators: Sequence[Indicator], this_month: dt.date) -> Rollup:
    """The committee's roll-up over the enterprises under it that the user reads, counted now
    (the pages read `cached`; a benchmark times this)."""
    return _count(user, org, indicators, this_month, _enterprises(user, org))


def _count(
    user: User,
    org: Organization,
    indicators: Sequence[Indicator],
    this_month: dt.date,
    ents: list[EnterpriseRow],
) -> Rollup:
    children = list(orgs.subtree_of_kinds(org, COMMITTEE_KINDS).filter(parent_id=org.pk).order_by("name", "pk"))
    places = _Places(org, children)
    row_of: dict[int, Row] = {}
    own_rows: list[Row] = []
    for pk, name, name_en, sup, party in ents:
        row = places.child(sup) or places.child(party)
        if row is None:
            row = Row(label=display_name(name, name_en), enterprise_id=pk)
            own_rows.append(row)
        row.enterprises += 1
        row_of[pk] = row
    total = Row(label=org.display_name, org_id=org.pk, enterprises=len(ents))

    quarter, before = latest_quarters(this_month)
    q_months, b_months = quarter_months(quarter), quarter_months(before)
    months = chart_months(this_month)
    ids = selectors.visible_under(user, org).values("pk")
    # Figures: every indicator's parts per enterprise and month of the two quarters, placed on
    # the rows and the total.
    for (ind, ent, month), parts in selectors.parts_by_enterprise(ids, indicators, b_months[0], q_months[-1]).items():
        total.add(ind, month, parts)
        if ent in row_of:
            row_of[ent].add(ind, month, parts)
    teams, starts = selectors.teams_and_coverage(ids)
    reporting = selectors.reporting_by_enterprise(ids, q_months[0], q_months[-1])
    all_starts: list[dt.date] = []
    for pk, row in row_of.items():
        row.teams += teams.get(pk, 0)
        row.covered += len(starts.get(pk, ()))
        row.reporting += reporting.get(pk, 0)
        all_starts.extend(starts.get(pk, ()))
    rows = [r for r in places.by_path.values() if r.enterprises] + own_rows
    for row in [*rows, total]:
        if row is not total:
            total.teams += row.teams
            total.covered += row.covered
            total.reporting += row.reporting
        row.cells = {i.pk: _cell(i, row, q_months, b_months) for i in indicators}
    for row in [*rows, total]:
        row.parts = {}  # what the rows were counted from: not kept
    return Rollup(
        org_id=org.pk,
        label=org.display_name,
        quarter=quarter,
        before=before,
        months=months,
        rows=rows,
        total=total,
        share=share_of(sorted(all_starts), total.teams, months),
    )


def share_of(starts: Sequence[dt.date], teams: int, months: Sequence[dt.date]) -> dict[dt.date, float]:
    """The share of `teams` covered by each month's end, from the teams' first days (in order)."""
    if not teams:
        return {}
    share, i = {}, 0
    for m in months:
        end = selectors.add_months(m, 1)
        while i < len(starts) and starts[i] < end:
            i += 1
        share[m] = i / teams
    return share


def chart_months(this_month: dt.date) -> list[dt.date]:
    return selectors.months_between(selectors.add_months(this_month, -(CHART_MONTHS - 1)), this_month)


def _digest(ents: list[EnterpriseRow], *more: object) -> str:
    text = ",".join([*(str(e[0]) for e in ents), "|", *(str(m) for m in more)])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _keep_seconds() -> int:
    return int(settings.DANGJIAN.get("DASHBOARD_SECONDS", 300))


def cached(user: User, org: Organization, indicators: Sequence[Indicator], this_month: dt.date) -> Rollup:
    """The roll-up from the shared cache, or counted now and kept for DASHBOARD_SECONDS, as the
    committees' other roll-ups are (guidance.rollups): figures are entered month by month, and
    while a month's are being entered every new one would otherwise count a prefecture afresh.
    Readers of the same enterprises share it; the page says when it was counted."""
    ents = _enterprises(user, org)
    digest = _digest(ents, *(i.pk for i in indicators))
    key = f"indicators:rollup:{CACHE_VERSION}:{org.pk}:{org.path}:{this_month}:{get_language()}:{digest}"
    hit: Rollup | None = cache.get(key)
    if hit is None:
        hit = _count(user, org, indicators, this_month, ents)
        hit.digest, hit.counted_at = digest, timezone.now()
        cache.set(key, hit, _keep_seconds())
    return hit


def line(user: User, org: Organization, r: Rollup, indicator: Indicator) -> list[Point]:
    """The committee's figure of one indicator by month over the chart's months (its enterprises'
    parts summed month by month), kept as the roll-up is."""
    key = f"indicators:rollup-line:{CACHE_VERSION}:{org.pk}:{org.path}:{r.months[-1]}:{r.digest}:{indicator.pk}"
    hit: list[Point] | None = cache.get(key)
    if hit is None:
        ids = selectors.visible_under(user, org).values("pk")
        by_month: dict[dt.date, Parts] = {}
        for (_ind, _ent, month), parts in selectors.parts_by_enterprise(
            ids, [indicator], r.months[0], r.months[-1]
        ).items():
            by_month[month] = by_month[month] + parts if month in by_month else parts
        hit = [selectors.figure_of(indicator, by_month[m], m, may_see_few=False) for m in r.months if m in by_month]
        cache.set(key, hit, _keep_seconds())
    return hit
