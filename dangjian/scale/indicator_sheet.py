"""A generated production indicator sheet (.xlsx, one figure a row: team × month × indicator)
and an enterprise with its teams, to import it into: what the indicator import benchmark reads.
Teams are 第1班组 … 第N班组 in workshops of 20 (第1车间 …); the figures lie inside the default
indicators' plausible ranges."""

from __future__ import annotations

import random

from dangjian.demo.codes import CodeFactory
from dangjian.indicators import selectors as indicators
from dangjian.indicators.columns import SHEET_COLUMNS
from dangjian.organizations import services as org_services
from dangjian.sheets import Col, Workbook

TEAMS_A_WORKSHOP = 20
# code → (low, high, decimals): inside migration 0002's plausible ranges
FIGURES = {
    "output": (500, 5000, 0),
    "pass_rate": (85, 99.5, 1),
    "on_time": (80, 99.5, 1),
    "efficiency": (1.5, 3.5, 2),
    "income": (3000, 6500, 0),
    "headcount": (10, 40, 0),
}


def team_names(teams: int) -> list[tuple[str, str]]:
    return [(f"第{i // TEAMS_A_WORKSHOP + 1}车间", f"第{i + 1}班组") for i in range(teams)]


def sheet_enterprise(county, tag: str, teams: int):
    """An enterprise under `county` with `teams` teams in workshops (through the services, so audited)."""
    ent = org_services.create_enterprise(
        actor=None,
        name=f"基准测试指标企业（{tag}）",
        uscc=CodeFactory(random.Random(tag)).uscc(county.code or "652827"),
        ownership="private",
        supervising_org=county,
    )
    workshops = {}
    for workshop, team in team_names(teams):
        if workshop not in workshops:
            workshops[workshop] = org_services.create_unit(actor=None, enterprise=ent, kind="workshop", name=workshop)
        org_services.create_unit(actor=None, enterprise=ent, kind="team", name=team, parent=workshops[workshop])
    return ent


def indicator_sheet(teams: int, months: int, seed: int = 19) -> bytes:
    """Every team's six default figures for the `months` months before this one."""
    rng = random.Random(seed)
    last = indicators.this_month()
    periods = [indicators.add_months(last, -n) for n in range(months, 0, -1)]
    names = {d.code: d.name for d in indicators.defaults()}

    def lines():
        for workshop, team in team_names(teams):
            for month in periods:
                for code, (low, high, decimals) in FIGURES.items():
                    figure = round(rng.uniform(low, high), decimals)
                    yield [workshop, team, f"{month:%Y-%m}", names[code], figure if decimals else int(figure)]

    book = Workbook()
    columns = [Col(str(c.label), c.width, text=c.key == "month") for c in SHEET_COLUMNS]
    book.table("figures", columns, lines(), title="基准测试生产指标")
    return book.close()
