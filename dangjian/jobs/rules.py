"""How long a job may run, and what its requester is told when it ran out of time or stopped."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DEFAULT = "default"


def time_limit(kind: str | None, limits: Mapping[str, int] | None = None) -> int:
    """Seconds a job of `kind` may run (settings.JOB_TIME_LIMITS, "default" for the others)."""
    limits = limits if limits is not None else settings.JOB_TIME_LIMITS
    return int(limits.get(kind or DEFAULT, limits.get(DEFAULT, 1800)))


def duration(seconds: int) -> str:
    """ "20 minutes", "1 hour", "45 seconds": the limit as a person reads it."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    if seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}


def over_limit_message(limit: int) -> str:
    """In the language active when it is called: the job's requester's (jobs.services)."""
    return _(
        "Stopped: this work may run for at most %(limit)s and did not finish in time. Nothing of it was "
        "written. Split the work (a roster into smaller files, an export into narrower lists) and start it "
        "again, or ask the administrator to raise the limit (JOB_TIME_LIMITS)."
    ) % {"limit": duration(limit)}


def interrupted_message() -> str:
    return _(
        "Interrupted: the background worker running this stopped before it finished. Nothing of it was "
        "written. Start it again."
    )


class JobTimeLimitExceeded(Exception):
    """Raised inside a job that ran past its limit (by SIGALRM, jobs.workers). Its message is
    built when it is shown, so in the language then active."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit

    def __str__(self) -> str:
        return over_limit_message(self.limit)


class WorkerStopped(Exception):
    """What a job's task result records when its worker process died under it (killed, out of
    memory): the task never raised anything itself (jobs.services.stop_job)."""
