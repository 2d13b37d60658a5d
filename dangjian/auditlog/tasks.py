"""Background work of the audit log: checking the whole chain as a job."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from dangjian.audit.sealing import verify
from dangjian.audit.selectors import count_events
from dangjian.jobs.selectors import requester_language_of
from dangjian.jobs.services import Progress, run_job


@task()
def verify_chain_task(job_id: int) -> dict[str, Any]:
    """Walk the whole hash chain, reporting progress; the outcome is shown on the job's page."""

    def work(progress: Progress) -> dict[str, Any]:
        total = count_events()
        progress(0, total, force=True)
        report = verify(progress=lambda n: progress(n, total))
        checked, bad, reason = report.checked, report.bad_event, report.problem
        progress(checked, total, force=True)
        if reason:
            bad_id = bad.pk if bad is not None else report.bad_id
            where = _("event #%(id)s") % {"id": bad_id} if bad_id else _("its seals")
            summary = _("The audit log is broken at %(where)s: %(reason)s. The %(n)d events before it are intact.") % {
                "where": where,
                "reason": reason,
                "n": checked,
            }
        else:
            summary = _("The audit log is intact: %(n)d events verified, %(seals)d seals.") % {
                "n": checked,
                "seals": report.seals,
            }
            if report.unsealed:
                summary += " " + _("%(n)d events wait for their seal.") % {"n": report.unsealed}
            if report.gaps:
                summary += " " + _(
                    "%(n)d event ids hold no event (writes rolled back or cut off, or events removed before "
                    "they were sealed): %(first)s."
                ) % {"n": report.gap_count, "first": ", ".join(f"#{a}–#{b}" for a, b in report.gaps[:5])}
        return {
            "ok": not reason,
            "checked": checked,
            "bad_event": bad.pk if bad is not None else report.bad_id,
            "unsealed": report.unsealed,
            "gaps": report.gap_count,
            "summary": summary,
        }

    with translation.override(requester_language_of(job_id)):
        return run_job(job_id, work)
