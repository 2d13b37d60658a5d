"""manage.py bench_import --rows 100000: generate an employee roster of that size, check it and
import it through the real pipeline, and print the time and peak memory of each step.
`--kind indicators --teams 700 --months 24` does the same with a production indicator sheet
(teams × months × the six default indicators: 100,800 figures), then imports it once more
(every figure unchanged), then a sheet of other figures (every figure corrected).

Run it against a throwaway database (`make bench-import` does), never production: it creates an
enterprise and all its employees. It lives in `scale` (installed with DANGJIAN_DEMO=1) beside the
other benchmarks: rosters, a capability, does not import the benchmark layer above it."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from dangjian.audit.context import audit_source
from dangjian.organizations import services as org_services
from dangjian.rosters import pipeline, services
from dangjian.rosters.columns import INDICATORS
from dangjian.scale.bench import peak_mb
from dangjian.scale.indicator_sheet import indicator_sheet, sheet_enterprise
from dangjian.scale.roster import employee_roster, roster_enterprise


class Command(BaseCommand):
    help = "Benchmark the roster import on a generated employee roster."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=816)
        parser.add_argument("--generate", type=Path, help="Only write a generated roster to this file.")
        parser.add_argument("--file", type=Path, help="Import this generated roster (made with --generate).")
        parser.add_argument("--kind", choices=["employees", INDICATORS], default="employees")
        parser.add_argument("--teams", type=int, default=700, help="Indicator sheet: teams (6 figures a month each).")
        parser.add_argument("--months", type=int, default=24, help="Indicator sheet: months before this one.")

    def handle(self, *args, rows: int, seed: int, **opts):
        if opts["kind"] == INDICATORS:
            self._figures(opts["teams"], opts["months"])
            return
        if opts["generate"]:
            t0 = time.perf_counter()
            opts["generate"].write_bytes(employee_roster(rows, seed))
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
            enterprise = roster_enterprise(county, str(stamp))  # a new one (and code) per run
        if opts["file"]:
            data = opts["file"].read_bytes()
        else:
            data = employee_roster(rows, seed)
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

    def _figures(self, teams: int, months: int) -> None:
        t0 = time.perf_counter()
        data = indicator_sheet(teams, months)
        self.stdout.write(
            f"indicator sheet: {teams} teams × {months} months × 6 = {teams * months * 6} figures, "
            f"{len(data) / 1e6:.1f} MB .xlsx, generated in {time.perf_counter() - t0:.1f} s"
        )
        with audit_source("command"):
            stamp = int(time.time())
            prefecture = org_services.create_organization(
                actor=None, kind="prefecture", name=f"基准测试州委{stamp}", parent=None
            )
            county = org_services.create_organization(
                actor=None, kind="county", name=f"基准测试县委{stamp}", parent=prefecture
            )
            enterprise = sheet_enterprise(county, str(stamp), teams)
        start_rss = peak_mb()
        corrected = indicator_sheet(teams, months, seed=20)
        for run, sheet in (("first import", data), ("same file again", data), ("every figure corrected", corrected)):
            with audit_source("command"):
                imp = services.upload(
                    actor=None, target=enterprise, file_name="bench.xlsx", data=sheet, kind=INDICATORS, background=False
                )
                t2, c2 = time.perf_counter(), time.process_time()
                pipeline.check(imp)
                t3, c3 = time.perf_counter(), time.process_time()
                n = imp.counts.get("rows", 0)
                self.stdout.write(
                    f"{run}: check {t3 - t2:.1f} s, CPU {c3 - c2:.1f} s ({n / (t3 - t2):.0f} rows/s), "
                    f"counts {imp.counts}, peak RSS {peak_mb():.0f} MB"
                )
                if not imp.may_confirm:
                    self.stdout.write(f"{run}: nothing to import")
                    continue
                services.confirm(actor=None, imp=imp, background=False)
                pipeline.apply(imp)
                t4, c4 = time.perf_counter(), time.process_time()
            spent = getattr(imp, "timings", {})
            self.stdout.write(
                f"{run}: import {t4 - t3:.1f} s, CPU {c4 - c3:.1f} s ({n / (t4 - t3):.0f} rows/s; prepare "
                f"{spent.get('prepare', 0):.1f} s, stage {spent.get('stage', 0):.1f} s, write transaction "
                f"{spent.get('merge', 0):.2f} s), status {imp.status}, peak RSS {peak_mb():.0f} MB "
                f"(before the check: {start_rss:.0f} MB)"
            )
