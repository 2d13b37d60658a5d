"""Background work of roster imports: the check and the import, each with its progress."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from dangjian.audit.context import audit_source
from dangjian.jobs.rules import JobTimeLimitExceeded
from dangjian.jobs.services import Progress, run_job

from . import pipeline
from .models import ImportStatus, RosterImport


def summary(imp: RosterImport) -> str:
    if imp.status == ImportStatus.FAILED:
        return imp.message
    c = imp.counts
    said = _(
        "%(rows)d rows: %(created)d new, %(updated)d changed, %(unchanged)d unchanged, "
        "%(duplicate)d repeated, %(rejected)d rejected."
    ) % {k: c.get(k, 0) for k in ("rows", "created", "updated", "unchanged", "duplicate", "rejected")}
    if c.get("outside"):
        said += " " + ngettext(
            "%(n)d figure outside its plausible range needs confirmation.",
            "%(n)d figures outside their plausible range need confirmation.",
            c["outside"],
        ) % {"n": c["outside"]}
    return said


def _run(job_id: int, import_id: int, source: str, step: Any) -> dict[str, Any]:
    imp = RosterImport.objects.select_related("requested_by", "enterprise", "organization").get(pk=import_id)
    language = getattr(imp.requested_by, "language", "") or settings.LANGUAGE_CODE

    def work(progress: Progress) -> dict[str, Any]:
        if imp.requested_by is None:
            # Jobs are started by people; an uploader whose account is gone does not become the
            # system (which `manage.py import_roster` without --user is).
            pipeline.fail(imp, _("The account that uploaded this file no longer exists."))
            return {"ok": False, "summary": imp.message, "import_id": imp.pk}
        try:
            result = step(imp, lambda done, total: progress(done, total))
        except JobTimeLimitExceeded as exc:
            # Everything the step wrote was in its transaction, rolled back; the file says why.
            pipeline.fail(imp, str(exc))
            raise
        ok = result.status in {ImportStatus.CHECKED, ImportStatus.IMPORTED} and not result.counts.get("rejected")
        return {"ok": ok, "summary": summary(result), "import_id": imp.pk, "counts": result.counts}

    with translation.override(language), audit_source(source):
        return run_job(job_id, work)


# A queue of their own: a long check or import never holds up the other background work
# (settings.JOB_WORKERS gives each queue its worker processes).
QUEUE = "rosters"


@task(queue_name=QUEUE)
def check_roster_task(job_id: int, import_id: int, source: str = "web") -> dict[str, Any]:
    return _run(job_id, import_id, source, pipeline.check)


@task(queue_name=QUEUE)
def import_roster_task(job_id: int, import_id: int, source: str = "web") -> dict[str, Any]:
    return _run(job_id, import_id, source, pipeline.apply)
