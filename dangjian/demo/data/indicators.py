"""The teams' monthly production figures (DOMAIN.md §5, demo.build.indicators): how many months,
and the few figures with a history of their own — corrected after entry with a reason, and one
confirmed outside its plausible range — so that the pages show those features.

Months are counted back from the last complete month before the demo's "today" (0: that month).
Team names are the garment company's (demo.data.garment.LAYOUT).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dangjian.indicators.models import HEADCOUNT, ON_TIME, OUTPUT, PASS_RATE

MONTHS = 24  # two years of figures, ending with the last complete month
# The simulator's seed (indicators.simulate.figures). The figures have a real effect and no
# pre-trend, yet the analysis's pre-trend test rejects at 5% for about one seed in twenty by
# chance — and the page then says "not to be relied on", which is the analysis working, not the
# article's story. This seed's county comparison of pass rates passes that test whichever month
# of the year the demo is loaded in (each of the twelve was checked: p ≥ 0.66, estimate 1.1–1.2
# points against the simulated 1.2).
SIMULATION_SEED = 6


@dataclass(frozen=True)
class Correction:
    """A figure first entered wrong by `entered_off` and then corrected to the true one."""

    team: str
    code: str
    months_back: int
    entered_off: Decimal
    reason: str


CORRECTIONS = (
    Correction("缝纫十三组", OUTPUT, 1, Decimal(-540), "漏计一天入库数，按入库单补正"),
    Correction("包装一班", HEADCOUNT, 0, Decimal(2), "两名月中离职人员误计入，按考勤表更正"),
    Correction("熨烫二班", ON_TIME, 2, Decimal("-8.5"), "一批订单误记为延期，按客户签收单更正"),
)


@dataclass(frozen=True)
class OutOfRange:
    """A true figure outside the indicator's plausible range, entered and confirmed."""

    team: str
    code: str
    months_back: int
    value: Decimal
    why: str  # what happened (for a reader of this table; the figure keeps no note)


OUT_OF_RANGE = OutOfRange(
    "裁剪二班", PASS_RATE, 0, Decimal("47.5"), "一卷面料纬斜，整批裁片返工：当月合格率确实低于五成"
)
