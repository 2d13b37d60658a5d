"""Background work of the audit app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from dangjian.jobs.models import Job
from dangjian.jobs.services import Progress, run_job

from .models import AuditEvent
from .services import verify_chain


@task()
def verify_chain_task(job_id: int) -> dict[str, Any]:
    """Walk the whole hash chain, reporting progress; the outcome is shown on the job's page."""

    def work(progress: Progress) -> dict[str, Any]:
        total = AuditEvent.objects.count()
        progress(0, total, force=True)
        checked, bad, reason = verify_chain(progress=lambda n: progress(n, total))
        progress(checked, total, force=True)
        if reason:
            where = _("event #%(id)s") % {"id": bad.pk} if bad else _("the end of the chain")
            summary = _("The chain is broken at %(where)s: %(reason)s. The %(n)d events before it are intact.") % {
                "where": where,
                "reason": reason,
                "n": checked,
            }
        else:
            summary = _("The chain is intact: %(n)d events verified.") % {"n": checked}
        return {"ok": not reason, "checked": checked, "bad_event": bad.pk if bad else None, "summary": summary}

    job = Job.objects.select_related("requested_by").get(pk=job_id)
    with translation.override(job.requested_by.language or settings.LANGUAGE_CODE):
        return run_job(job_id, work)
