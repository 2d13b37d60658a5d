"""Background work of the audit log: checking the whole chain as a job."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from dangjian.audit.selectors import count_events
from dangjian.audit.services import verify_chain
from dangjian.jobs.selectors import requester_language_of
from dangjian.jobs.services import Progress, run_job


@task()
def verify_chain_task(job_id: int) -> dict[str, Any]:
    """Walk the whole hash chain, reporting progress; the outcome is shown on the job's page."""

    def work(progress: Progress) -> dict[str, Any]:
        total = count_events()
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

    with translation.override(requester_language_of(job_id)):
        return run_job(job_id, work)
