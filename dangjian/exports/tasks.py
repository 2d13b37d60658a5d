"""Background work of the exports app: the lists too long to write while the browser waits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from dangjian.jobs.selectors import job_with_requester
from dangjian.jobs.services import Progress, run_job

from . import services
from .selectors import InvalidFilter
from .services import ExportRefused, as_params
from .sheets import SHEETS


@task()
def export_task(job_id: int, user_id: int, export_kind: str, params: dict[str, list[str]], language: str = "") -> Any:
    """Export a list as its requester: their scope and their language as they are when the job
    runs (a role revoked meanwhile narrows the file)."""
    user = get_user_model().objects.get(pk=user_id)
    job = job_with_requester(job_id)
    # The same precedence as the pages (access.middleware): the saved choice, else the page's.
    with translation.override(user.language or language or settings.LANGUAGE_CODE):

        def work(progress: Progress) -> dict[str, Any]:
            if job.requested_by_id != user.pk or not user.is_active:
                raise ExportRefused(_("This export was not started by this account."))
            sheet = SHEETS[export_kind]
            query = as_params(params)
            try:
                queryset = sheet.select(user, query)
            except InvalidFilter:
                raise ExportRefused(
                    _("The filters no longer match what you may see. Export again from the list.")
                ) from None
            total = queryset.count()
            progress(0, total, force=True)
            exported = services.export(
                actor=user,
                kind=export_kind,
                queryset=queryset,
                params=query,
                progress=lambda done: progress(done, total),
                job_id=job_id,
            )
            progress(exported.rows, exported.rows, force=True)
            summary = ngettext("%(n)d row exported.", "%(n)d rows exported.", exported.rows) % {"n": exported.rows}
            return {"ok": True, "rows": exported.rows, "summary": summary}

        return run_job(job_id, work)
