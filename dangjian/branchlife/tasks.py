"""Background work of branch life: a meeting register too long to write while the browser waits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import ngettext
from django_tasks import task

from dangjian.access.scopes import MEETING
from dangjian.exports.selectors import covering_org_path
from dangjian.exports.services import ExportRefused, as_params
from dangjian.jobs.selectors import job_with_requester
from dangjian.jobs.services import Output, Progress, run_job
from dangjian.sheets import XLSX_CONTENT_TYPE

from . import register, services


@task()
def register_task(job_id: int, user_id: int, params: dict[str, list[str]], language: str = "") -> Any:
    """Write the register as its requester: their scope and language as they are when it runs."""
    user = get_user_model().objects.get(pk=user_id)
    job = job_with_requester(job_id)
    with translation.override(user.language or language or settings.LANGUAGE_CODE):

        def work(progress: Progress) -> dict[str, Any]:
            if job.requested_by_id != user.pk or not user.is_active:
                raise ExportRefused(translation.gettext("This export was not started by this account."))
            qs, filters = register.filtered(user, as_params(params))
            total = register.size(qs)
            progress(0, total, force=True)
            data, name, meetings, rows = register.workbook(qs, filters, lambda n: progress(n, total))
            org = filters.get("org")
            services.register_exported(
                actor=user,
                name=name,
                meetings=meetings,
                rows=rows,
                org_path=org.path if org is not None else covering_org_path(user, MEETING),
                job_id=job_id,
                output=Output.of(name, data, XLSX_CONTENT_TYPE),
            )
            progress(total, total, force=True)
            summary = ngettext(
                "%(n)d meeting exported with its attendance.",
                "%(n)d meetings exported with their attendance.",
                meetings,
            ) % {"n": meetings}
            return {"ok": True, "rows": meetings + rows, "summary": summary}

        return run_job(job_id, work)
