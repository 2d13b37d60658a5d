"""manage.py load [--users 50] [--seconds 300] [--scale county] --password P [--worker CMD] [--prepare-only]

The load test (dangjian/scale/load.py, dangjian/scale/locustfile.py): generates the dataset
when it is missing, prepares it for the scenario, serves it with gunicorn and the task worker
with DEBUG off, runs the locust scenario headless and prints per request type the count,
requests per second, p50, p95, max and errors. Fails when any request failed. Use a database of
its own (make load does): the scenario writes (attendance, edits, imports).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dangjian.audit.context import audit_source
from dangjian.scale import bench, dataset, load


class Command(BaseCommand):
    help = "Load the site with many users at once (locust) and print throughput, p50/p95 and errors."

    def add_arguments(self, parser):
        o = load.Options()
        parser.add_argument("--users", type=int, default=o.users)
        parser.add_argument("--seconds", type=int, default=o.seconds)
        parser.add_argument("--spawn-rate", type=float, default=o.spawn_rate, help="Users started per second.")
        parser.add_argument("--workers", type=int, default=o.workers, help="gunicorn workers.")
        parser.add_argument(
            "--worker", default=o.worker_command, help="The task worker: a manage.py command and its arguments."
        )
        parser.add_argument("--scale", choices=sorted(dataset.SCALES), default="county")
        parser.add_argument("--password", required=True, help="The password of every account the scenario uses.")
        parser.add_argument("--out", type=Path, default=Path(settings.VAR_DIR) / "load")
        parser.add_argument("--prepare-only", action="store_true", help="Prepare the data and the plan, then stop.")

    def handle(self, *args, scale: str, password: str, **opts):
        out: Path = opts["out"]
        out.mkdir(parents=True, exist_ok=True)
        say = self.stdout.write
        t0 = time.monotonic()
        with audit_source("command"):
            if not dataset.Generator(dataset.SCALES[scale], 1).is_complete():
                say(f"Generating the {scale} dataset …")
                dataset.generate(scale, 1, password=password)
            world = bench.find_world(scale)
            plan = load.prepare(world.county.org, password=password, out=out, rosters=opts["seconds"] // 60 + 2)
        say(
            f"Prepared {world.county.org.display_name}: {len(plan.secretaries)} secretaries with a meeting today, "
            f"{len(plan.members)} members, {len(plan.managers)} HR managers, {len(plan.county)} organisation "
            f"department account(s), {len(plan.importer['rosters'])} rosters to import; plan in {out / 'plan.json'} "
            f"({time.monotonic() - t0:.0f} s)"
        )
        if opts["prepare_only"]:
            return
        options = load.Options(
            users=opts["users"],
            seconds=opts["seconds"],
            spawn_rate=opts["spawn_rate"],
            workers=opts["workers"],
            worker_command=opts["worker"],
            out=out,
        )
        try:
            summary = load.run(out / "plan.json", password, options, say=say)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        errors = summary.error_count
        target = summary.total.p95 <= 500
        say(
            f"Target (0 errors, p95 ≤ 500 ms): {'met' if errors == 0 and target else 'NOT met'} — "
            f"{errors} errors, p95 {summary.total.p95:.0f} ms, {summary.total.rps:.1f} requests/s"
        )
        if errors:
            raise CommandError(f"{errors} requests or journeys failed (listed above).")
