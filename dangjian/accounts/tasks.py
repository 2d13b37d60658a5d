"""The background job that prints a sheet of login codes (accounts.sheets)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from dangjian.access.permissions import may_give_logins
from dangjian.jobs.selectors import job_with_requester
from dangjian.jobs.services import Progress, run_job

from . import selectors, sheets


class SheetRefused(Exception):
    pass


@task()
def print_sheet_task(job_id: int, sheet_id: int, base_url: str) -> dict[str, Any]:
    """The sheet's open codes as cards, printed as their giver (only they may print it)."""
    job = job_with_requester(job_id)
    user = job.requested_by
    with translation.override(user.language or settings.LANGUAGE_CODE):

        def work(progress: Progress) -> dict[str, Any]:
            sheet = selectors.sheet_of(user, sheet_id)
            if sheet is None or not user.is_active or not may_give_logins(user):
                raise SheetRefused(_("You may no longer print this sheet."))
            _data, _name, cards = sheets.print_sheet(
                actor=user, sheet=sheet, base_url=base_url, progress=progress, job_id=job_id
            )
            progress(cards, cards, force=True)
            return {
                "ok": True,
                "cards": cards,
                "summary": ngettext("%(n)d login card printed.", "%(n)d login cards printed.", cards) % {"n": cards},
            }

        return run_job(job_id, work)
