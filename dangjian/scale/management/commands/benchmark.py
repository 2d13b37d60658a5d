"""manage.py benchmark [--scale county|prefecture|province] [--short] [--json FILE] [--only …]

Prints each scenario's median and p95 next to its floor measured in the same run (see
dangjian/scale/bench.py), for the dataset `generate_dataset` wrote at that scale. Run it on a
database of its own (make bench does); it leaves the dataset as it found it (the import runs in a
transaction that is rolled back), apart from the benchmark users' logins and API token, and the
concurrency group's meetings (dangjian/scale/concurrency.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.audit.context import audit_source
from dangjian.scale import (
    appraisals,
    bench,
    concurrency,
    dataset,
    dues,
    guidance,
    indicators,
    logins,
    onboarding,
    production,
    rollups,
    selections,
    transfers,
)


class Command(BaseCommand):
    help = "Benchmark pages, the API, look-ups, dashboards and the import against their floors."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(dataset.SCALES), default="county")
        parser.add_argument("--short", action="store_true", help="A smoke run: few repetitions, a small import.")
        parser.add_argument("--seconds", type=float, help="Time spent on each scenario (default 5, short 0.5).")
        parser.add_argument("--import-rows", type=int, help="Rows in the import scenario (default 100,000).")
        parser.add_argument(
            "--only",
            help=(
                "Comma-separated scenario groups: page, api, dashboard, lookup, import, contention, concurrency, "
                "logins, production, guidance, rollups, selections, indicators, transfers, dues, appraisal, onboarding."
            ),
        )
        parser.add_argument(
            "--writers", type=int, default=concurrency.WRITERS, help="Concurrent writers in the concurrency group."
        )
        parser.add_argument("--json", type=Path, help="Also write the figures to this file.")

    def handle(self, *args, scale: str, short: bool, only: str | None, **opts):
        s = bench.Settings(**vars(bench.SHORT)) if short else bench.Settings()
        if opts["seconds"]:
            s.seconds = opts["seconds"]
        if opts["import_rows"]:
            s.import_rows = opts["import_rows"]
        try:
            with audit_source("command"):
                result = bench.run(
                    scale,
                    s,
                    set(only.split(",")) if only else None,
                    say=lambda line: self.stdout.write(line),
                    more={
                        "concurrency": lambda world, s: concurrency.run_on(world, s, opts["writers"]),
                        "logins": logins.run_on,
                        "production": production.run_on,
                        "guidance": guidance.run_on,
                        "rollups": rollups.run_on,
                        "selections": selections.run_on,
                        "indicators": indicators.run_on,
                        "transfers": transfers.run_on,
                        "dues": dues.run_on,
                        "appraisal": appraisals.run_on,
                        "onboarding": onboarding.run_on,
                    },
                )
        except bench.NoDataset as exc:
            raise CommandError(
                f"There is no {scale} dataset in this database: run `manage.py generate_dataset --scale {scale}` first."
            ) from exc
        if opts["json"]:
            opts["json"].write_text(json.dumps(result, ensure_ascii=False, indent=2))
            self.stdout.write(f"Figures written to {opts['json']}")
