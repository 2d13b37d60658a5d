"""Background workers: several processes over the task queues, watched by one supervisor.

`manage.py run_workers` starts a supervisor that runs settings.JOB_WORKERS worker processes per
queue (roster checks and imports on "rosters", everything else on "default"), so a long import
never holds up an export, a batch of cards or the reminders. Each worker process is django-tasks-db's
own worker loop (the `db_worker` command's), which claims one task at a time with a row lock;
what this module adds is what that loop lacks:

- **a time limit per job** (settings.JOB_TIME_LIMITS, by job kind). The worker arms SIGALRM for
  the limit; the exception it raises inside the job unwinds it like any error (its transaction
  rolls back, `run_job` fails the job with a message naming the limit). Code that does not
  return to the interpreter (a C library, a long query) does not see the signal: then the
  supervisor kills the process JOB_KILL_GRACE_SECONDS after the limit, fails the job
  (`services.stop_job`) and starts a fresh process in its place;
- **a heartbeat**: the supervisor records every few seconds which worker serves which queues and
  runs which job (`WorkerBeat`, and the cache, which never waits for a database lock); the
  health endpoint and the sweep read it;
- **the sweep** (`services.sweep`), at start and every minute: jobs whose worker is gone, and
  checks whose process was killed, are marked interrupted;
- **the audit seals** (`audit.sealing.seal`), every AUDIT_SEAL_INTERVAL_SECONDS, on a thread of
  their own: a seal that waits for a busy database holds up neither the heartbeat nor a limit;
- **the daily tasks** (`schedule.enqueue_due`), at start and every minute: the reminders and the
  birthday greetings run once a day by themselves, no cron needed.

The supervisor itself never waits on the database in its loop: what it writes (heartbeat rows,
a stopped job, the sweep) runs on a thread of its own, so a roster import holding SQLite's
write lock cannot keep it from enforcing a time limit.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.process import BaseProcess
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections

from dangjian.audit.context import audit_source

logger = logging.getLogger("dangjian.jobs.workers")

BEAT_SECONDS = 5
SWEEP_SECONDS = 60
# Shared with each worker process: the job it runs (0: none), when it must end (epoch), the limit.
JOB, DEADLINE, LIMIT = 0, 1, 2


def layout(workers: dict[str, int]) -> list[list[str]]:
    """One entry per process: the queues it serves. {"default": 1, "rosters": 2} → [["default"],
    ["rosters"], ["rosters"]]."""
    return [[name] for name, count in workers.items() for _ in range(max(count, 0))]


# --- the worker process -------------------------------------------------------------------


def _exit_with_parent(parent: int) -> None:
    """A worker whose supervisor died (SIGKILL, OOM) stops too, rather than run unwatched."""
    while os.getppid() == parent:
        time.sleep(2)
    os._exit(1)


def worker_main(worker_id: str, queues: list[str], shared: Any, interval: float) -> None:
    """A worker process: django-tasks-db's loop with a time limit around each task."""
    # This runs in a freshly spawned process: Django is set up here, and only then can the
    # worker loop, the models and the rules (which import them) be imported.
    import django

    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    django.setup()
    # Only now that Django is set up (see above).
    from django_tasks_db.management.commands.db_worker import Worker  # imports its models

    from .models import Job  # after django.setup()
    from .rules import JobTimeLimitExceeded, time_limit  # after django.setup() (imports the models)

    class LimitedWorker(Worker):
        def run_task(self, db_task_result: Any) -> None:
            job_id = (db_task_result.args_kwargs or {}).get("kwargs", {}).get("job_id") or 0
            kind = Job.objects.filter(pk=job_id).values_list("kind", flat=True).first() if job_id else None
            limit = time_limit(kind)

            def over(_signum: int, _frame: Any) -> None:
                raise JobTimeLimitExceeded(limit)

            shared[JOB], shared[DEADLINE], shared[LIMIT] = job_id, time.time() + limit, limit
            previous = signal.signal(signal.SIGALRM, over)
            signal.alarm(limit)
            try:
                super().run_task(db_task_result)
            finally:
                signal.alarm(0)
                signal.signal(signal.SIGALRM, previous)
                shared[JOB], shared[DEADLINE], shared[LIMIT] = 0, 0, 0

    worker = LimitedWorker(
        queue_names=queues,
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=True,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    worker.run()


# --- the supervisor -------------------------------------------------------------------------


@dataclass
class Slot:
    worker_id: str
    queues: list[str]
    shared: Any
    process: BaseProcess | None = None
    started_at: float = 0.0
    job_started_at: float = 0.0
    job_seen: int = 0
    restarts: int = 0


class Supervisor:
    def __init__(
        self,
        workers: dict[str, int],
        *,
        interval: float = 1.0,
        grace: int | None = None,
        say: Callable[[str], None] = print,
    ) -> None:
        self.context = multiprocessing.get_context("spawn")
        host = socket.gethostname()[:40]
        self.prefix = f"{host}:{os.getpid()}"
        self.slots = [
            Slot(f"{self.prefix}:{n}", queues, self.context.Array("d", 3, lock=False))
            for n, queues in enumerate(layout(workers))
        ]
        self.interval = interval
        self.grace = settings.JOB_KILL_GRACE_SECONDS if grace is None else grace
        self.say = say
        self.host = host
        self.running = True
        self.chores: queue.Queue[Callable[[], Any] | None] = queue.Queue()
        self.helper = threading.Thread(target=self._do_chores, name="worker-chores", daemon=True)
        self.sealer = threading.Thread(target=self._seal_audit, name="audit-sealer", daemon=True)

    # the loop -------------------------------------------------------------------------

    def run(self) -> None:
        if not self.slots:
            raise ValueError("no worker processes configured (JOB_WORKERS)")
        connections.close_all()  # never shared with the processes started below
        self.helper.start()
        self.sealer.start()
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.chores.put(self._sweep)
        self.chores.put(self._daily)
        for slot in self.slots:
            self._start(slot)
        last_beat = last_sweep = time.monotonic()
        self._beat()
        try:
            while self.running:
                self.tick()
                now = time.monotonic()
                if now - last_beat >= BEAT_SECONDS:
                    self._beat()
                    last_beat = now
                if now - last_sweep >= SWEEP_SECONDS:
                    self.chores.put(self._sweep)
                    self.chores.put(self._daily)
                    last_sweep = now
                time.sleep(self.interval)
        finally:
            self._shutdown()

    def tick(self) -> None:
        """Restart what died, kill what overran its limit."""
        now = time.time()
        for slot in self.slots:
            job_id = int(slot.shared[JOB])
            if job_id != slot.job_seen:
                slot.job_seen, slot.job_started_at = job_id, now if job_id else 0.0
            if slot.process is not None and not slot.process.is_alive():
                self.say(f"worker {slot.worker_id} stopped (exit code {slot.process.exitcode}); starting it again")
                if job_id:
                    self._stop_job(job_id, "interrupted", None)
                self._start(slot)
            elif (
                slot.process is not None  # a job runs in a started process: none is never overrunning
                and job_id
                and slot.shared[DEADLINE]
                and now > slot.shared[DEADLINE] + self.grace
            ):
                limit = int(slot.shared[LIMIT])
                self.say(f"worker {slot.worker_id}: job {job_id} ran past its limit of {limit} s; stopping it")
                slot.process.kill()
                slot.process.join(10)
                self._stop_job(job_id, "time_limit", limit)
                self._start(slot)

    def _start(self, slot: Slot) -> None:
        slot.shared[JOB] = slot.shared[DEADLINE] = slot.shared[LIMIT] = 0
        slot.job_seen, slot.job_started_at = 0, 0.0
        if slot.process is not None:
            # A new name for the new process: the old one's heartbeat goes stale, which is how
            # the sweep tells a task it had claimed from one still running.
            slot.restarts += 1
            n = self.slots.index(slot)
            slot.worker_id = f"{self.prefix}:{n}.{slot.restarts}"
        slot.process = self.context.Process(
            target=worker_main,
            args=(slot.worker_id, slot.queues, slot.shared, self.interval),
            name=f"worker {slot.worker_id}",
            daemon=False,
        )
        slot.process.start()
        slot.started_at = time.time()
        self.say(f"worker {slot.worker_id} (pid {slot.process.pid}) serves queue {','.join(slot.queues)}")

    def _stop(self, signum: int, _frame: Any) -> None:
        self.say(f"received {signal.strsignal(signum)}: stopping the workers after their current job")
        self.running = False

    def _shutdown(self) -> None:
        for slot in self.slots:
            if slot.process is not None and slot.process.is_alive():
                slot.process.terminate()  # db_worker finishes its task, then exits
        deadline = time.monotonic() + settings.JOB_KILL_GRACE_SECONDS
        for slot in self.slots:
            if slot.process is not None:
                slot.process.join(max(deadline - time.monotonic(), 0.1))
                if slot.process.is_alive():
                    slot.process.kill()
                    slot.process.join(5)
        self.chores.put(self._forget)
        self.chores.put(None)
        self.helper.join(30)

    # what is written, on the helper thread ---------------------------------------------

    def _beat(self) -> None:
        # Not at the top: a spawned worker imports this module before django.setup(), and the
        # services import models.
        from . import services

        services.touch_beats([s.worker_id for s in self.slots])
        beats = [self._beat_of(s) for s in self.slots]
        self.chores.put(lambda: services.record_beats(beats))

    def _beat_of(self, slot: Slot) -> dict[str, Any]:
        def at(epoch: float) -> datetime | None:
            return datetime.fromtimestamp(epoch, tz=UTC) if epoch else None

        return {
            "worker_id": slot.worker_id,
            "host": self.host,
            "pid": slot.process.pid if slot.process is not None else 0,
            "queues": ",".join(slot.queues),
            "job_id": slot.job_seen or None,
            "job_started_at": at(slot.job_started_at),
            "started_at": at(slot.started_at),
        }

    def _stop_job(self, job_id: int, reason: str, limit: int | None) -> None:
        # Not at the top: a spawned worker imports this module before django.setup(), and the
        # services import models.
        from . import services

        def chore() -> None:
            with audit_source("system"):
                services.stop_job(job_id=job_id, reason=reason, limit=limit)

        self.chores.put(chore)

    def _sweep(self) -> None:
        # Not at the top: a spawned worker imports this module before django.setup(), and the
        # services import models.
        from . import services

        with audit_source("system"):
            settled = services.sweep()
        if settled:
            self.say(f"marked {settled} stopped jobs and checks as interrupted")

    def _daily(self) -> None:
        # Not at the top: see _sweep.
        from . import schedule

        with audit_source("system"):
            started = schedule.enqueue_due()
        if started:
            self.say(f"started the daily tasks: {', '.join(started)}")

    def _forget(self) -> None:
        # Not at the top: a spawned worker imports this module before django.setup(), and the
        # services import models.
        from . import services

        services.forget_beats(self.prefix)

    def _seal_audit(self) -> None:
        # Not at the top: a spawned worker imports this module before django.setup(), and the
        # sealing imports models.
        from dangjian.audit import sealing

        while self.running:
            try:
                close_old_connections()
                sealing.seal()
            except Exception:
                # A locked database or a lost connection: the next round seals what this one did not.
                logger.exception("worker supervisor: sealing the audit log failed")
                connections.close_all()
            time.sleep(settings.AUDIT_SEAL_INTERVAL_SECONDS)
        connections.close_all()

    def _do_chores(self) -> None:
        while (chore := self.chores.get()) is not None:
            try:
                close_old_connections()
                chore()
            except Exception:
                # A locked database (SQLite while an import writes) or a lost connection: the
                # heartbeat is written again in a few seconds, the sweep in a minute.
                logger.exception("worker supervisor: a chore failed")
                connections.close_all()
        connections.close_all()
