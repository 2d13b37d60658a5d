"""A generated employee roster (.xlsx) with valid, unique ID numbers: what the import benchmarks
read. Teams are 第1班组 … 第40班组."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from dangjian.demo.codes import CodeFactory
from dangjian.organizations import services as org_services
from dangjian.people.choices import Education, Ethnicity
from dangjian.rosters.columns import columns_for
from dangjian.sheets import Col, Workbook

TEAMS = [f"第{i}班组" for i in range(1, 41)]


def roster_enterprise(county, tag: str):
    """An enterprise under `county` with the roster's 40 teams, to import a generated roster into
    (through the services, so audited)."""

    ent = org_services.create_enterprise(
        actor=None,
        name=f"基准测试企业（{tag}）",
        uscc=CodeFactory(random.Random(tag)).uscc(county.code or "652827"),
        ownership="private",
        supervising_org=county,
    )
    for name in TEAMS:
        org_services.create_unit(actor=None, enterprise=ent, kind="team", name=name)
    return ent


def employee_roster(
    rows: int, seed: int = 816, division: str = "652827", teams: Sequence[tuple[str, str]] | None = None
) -> bytes:
    """`rows` new employees born in `division`, each in one of `teams` ((workshop, team) names;
    by default 第1班组 … 第40班组 without workshops)."""
    teams = teams or [("", t) for t in TEAMS]
    rng = random.Random(seed)
    codes = CodeFactory(rng)
    columns = columns_for("employees")
    book = Workbook()
    ethnic = [v for v, _l in Ethnicity.choices[:6]]
    education = [str(label) for _v, label in Education.choices]
    labels = dict(Ethnicity.choices)

    def lines():
        for i in range(rows):
            gender = rng.choice("MF")
            birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randint(0, 14000))
            values = {
                "name": f"员工{i:06d}",
                "gender": "男" if gender == "M" else "女",
                "ethnicity": str(labels[rng.choice(ethnic)]),
                "id_number": codes.id_number(division, birth, gender),
                "birth_date": birth,
                "phone": codes.phone(),
                "education": rng.choice(education),
                "post": "缝纫工",
                # Drawn where the team always was, so a seed gives the rows it gave before.
                "workshop": (pair := rng.choice(teams))[0],
                "team": pair[1],
                "hire_date": dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2000)),
                "political_status": "群众",
            }
            yield [values[c.key] for c in columns]

    book.table("roster", [Col(str(c.label), text=c.text) for c in columns], lines(), title="基准测试职工花名册")
    return book.close()
