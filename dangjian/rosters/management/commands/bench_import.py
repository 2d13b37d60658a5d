"""manage.py bench_import --rows 100000: generate an employee roster of that size, check it and
import it through the real pipeline, and print the time and peak memory of each step.

Run it against a throwaway database (`make bench-import` does), never production: it creates an
enterprise and all its employees."""

from __future__ import annotations

import datetime as dt
import random
import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from dangjian.audit.context import audit_source
from dangjian.demo.codes import CodeFactory
from dangjian.organizations import services as org_services
from dangjian.people.choices import Education, Ethnicity
from dangjian.rosters import pipeline, services
from dangjian.rosters.columns import columns_for
from dangjian.rosters.xlsx import Col, Workbook

TEAMS = [f"第{i}班组" for i in range(1, 41)]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Benchmark the roster import on a generated employee roster."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=816)
        parser.add_argument("--generate", type=Path, help="Only write a generated roster to this file.")
        parser.add_argument("--file", type=Path, help="Import this generated roster (made with --generate).")

    def handle(self, *args, rows: int, seed: int, **opts):
        rng = random.Random(seed)
        codes = CodeFactory(rng)
        if opts["generate"]:
            t0 = time.perf_counter()
            opts["generate"].write_bytes(self._roster(rows, rng, codes, TEAMS))
            self.stdout.write(f"generated {rows} rows in {time.perf_counter() - t0:.1f} s: {opts['generate']}")
            return
        with audit_source("command"):
            stamp = int(time.time())
            prefecture = org_services.create_organization(
                actor=None, kind="prefecture", name=f"基准测试州委{stamp}", parent=None
            )
            county = org_services.create_organization(
                actor=None, kind="county", name=f"基准测试县委{stamp}", parent=prefecture
            )
            enterprise = org_services.create_enterprise(
                actor=None,
                name=f"基准测试企业{stamp}",
                uscc=CodeFactory(random.Random()).uscc("652827"),  # a new one per run
                ownership="private",
                supervising_org=county,
            )
            for name in TEAMS:
                org_services.create_unit(actor=None, enterprise=enterprise, kind="team", name=name)
        if opts["file"]:
            data = opts["file"].read_bytes()
        else:
            data = self._roster(rows, rng, codes, TEAMS)
        self.stdout.write(f"roster: {len(data) / 1e6:.1f} MB .xlsx")
        start_rss = peak_mb()
        with audit_source("command"):
            imp = services.upload(actor=None, target=enterprise, file_name="bench.xlsx", data=data, background=False)
            t2 = t3 = time.perf_counter()
            pipeline.check(imp)
            t3 = time.perf_counter()
            self.stdout.write(
                f"check: {t3 - t2:.1f} s ({imp.counts['rows'] / (t3 - t2):.0f} rows/s), counts {imp.counts}, peak RSS {peak_mb():.0f} MB"
            )
            services.confirm(actor=None, imp=imp, background=False)
            pipeline.apply(imp)
            t4 = time.perf_counter()
        self.stdout.write(
            f"import: {t4 - t3:.1f} s ({imp.counts['rows'] / (t4 - t3):.0f} rows/s), status {imp.status}, "
            f"peak RSS {peak_mb():.0f} MB (before the check: {start_rss:.0f} MB)"
        )

    def _roster(self, rows: int, rng: random.Random, codes: CodeFactory, teams: list[str]) -> bytes:
        columns = columns_for("employees")
        book = Workbook()
        ethnic = [v for v, _l in Ethnicity.choices[:6]]
        education = [str(label) for _v, label in Education.choices]

        def lines():
            for i in range(rows):
                gender = rng.choice("MF")
                birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randint(0, 14000))
                values = {
                    "name": f"员工{i:06d}",
                    "gender": "男" if gender == "M" else "女",
                    "ethnicity": str(dict(Ethnicity.choices)[rng.choice(ethnic)]),
                    "id_number": codes.id_number("652827", birth, gender),
                    "birth_date": birth,
                    "phone": codes.phone(),
                    "education": rng.choice(education),
                    "post": "缝纫工",
                    "workshop": "",
                    "team": rng.choice(teams),
                    "hire_date": dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2000)),
                    "political_status": "群众",
                }
                yield [values[c.key] for c in columns]

        book.table("roster", [Col(str(c.label), text=c.text) for c in columns], lines(), title="基准测试职工花名册")
        return book.close()
