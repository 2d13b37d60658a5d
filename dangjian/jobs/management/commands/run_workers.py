"""manage.py run_workers [--workers default=2,rosters=1]: the background workers, with time
limits, heartbeats and the sweep of interrupted work (dangjian/jobs/workers.py). Run it beside
the web server instead of `db_worker`; stop it with SIGTERM (each worker finishes its job)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dangjian.jobs.workers import Supervisor


def parse_workers(text: str) -> dict[str, int]:
    """ "default=2,rosters=1" → {"default": 2, "rosters": 1}."""
    workers: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, count = item.partition("=")
        if not sep or not count.strip().isdigit():
            raise CommandError(f"--workers takes QUEUE=N pairs separated by commas, not {item!r}.")
        workers[name.strip()] = int(count)
    return workers


class Command(BaseCommand):
    help = "Run the background workers: processes per queue, time limits, heartbeats, the sweep."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            default="",
            help="Processes per queue, e.g. default=2,rosters=1 (default: settings.JOB_WORKERS).",
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at an empty queue (default 1)."
        )

    def handle(self, *args, workers: str, interval: float, **opts):
        spec = parse_workers(workers) if workers else dict(settings.JOB_WORKERS)
        queues = set(settings.TASKS["default"].get("QUEUES") or ["default"])
        unknown = sorted(set(spec) - queues)
        if unknown:
            raise CommandError(f"Unknown queues {unknown}; the queues are {sorted(queues)}.")
        idle = sorted(q for q in queues if not spec.get(q))
        if idle:
            self.stderr.write(f"No worker for queue(s) {', '.join(idle)}: their jobs will wait.")
        if not any(spec.values()):
            raise CommandError("No worker processes to run: give at least one queue a process.")
        Supervisor(spec, interval=interval, say=lambda line: self.stdout.write(line)).run()
