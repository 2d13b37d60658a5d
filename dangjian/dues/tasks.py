"""Background work of the dues: a statement too large to write while the browser waits (a
prefecture's year), with progress."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django_tasks import task

from dangjian.access import permissions
from dangjian.jobs.selectors import job_with_requester
from dangjian.jobs.services import Output, Progress, run_job
from dangjian.organizations.models import Organization
from dangjian.sheets import XLSX_CONTENT_TYPE

from . import services, statements


@task()
def statement_task(
    job_id: int, user_id: int, org_id: int, year: int, month: int | None = None, language: str = ""
) -> Any:
    """Write the statement as its requester: their scope and language as they are when it runs."""
    user = get_user_model().objects.get(pk=user_id)
    job = job_with_requester(job_id)
    with translation.override(user.language or language or settings.LANGUAGE_CODE):

        def work(progress: Progress) -> dict[str, Any]:
            org = Organization.objects.get(pk=org_id)
            if job.requested_by_id != user.pk or not user.is_active or not permissions.may_see_dues_of(user, org):
                raise PermissionError(translation.gettext("This statement was not started by this account."))
            first, last = statements.period(year, month)
            total = statements.size(org, first, last) or 1
            progress(0, total, force=True)
            data, name, rows = statements.workbook(org, year, month, lambda n: progress(n, total))
            services.statement_exported(
                actor=user,
                organization=org,
                name=name,
                rows=rows,
                job_id=job_id,
                output=Output.of(name, data, XLSX_CONTENT_TYPE),
            )
            progress(total, total, force=True)
            return {"ok": True, "rows": rows, "summary": translation.gettext("The statement is ready.")}

        return run_job(job_id, work)
