"""Background work of political birthdays: a cohort's cards in one PDF, and the daily greetings,
run as jobs with progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from dangjian import calendar
from dangjian.access.scopes import CHANGE, can
from dangjian.jobs.selectors import job_with_requester
from dangjian.jobs.services import Progress, run_job
from dangjian.organizations.selectors import org_with_pk

from . import services


class CardsRefused(Exception):
    pass


@task()
def print_cards_task(job_id: int, org_id: int, year: int, index: int, period_kind: str) -> dict[str, Any]:
    """A cohort's cards, printed as the requester: their scope as it is when the job runs (a role
    revoked meanwhile refuses the job, one narrowed narrows the file)."""
    job = job_with_requester(job_id)
    user = job.requested_by
    with translation.override(user.language or settings.LANGUAGE_CODE):

        def work(progress: Progress) -> dict[str, Any]:
            org = org_with_pk(org_id)
            if org is None or not user.is_active or not can(user, CHANGE, org):
                raise CardsRefused(_("You may no longer print the cards of this organisation."))
            printed = services.print_cohort(
                actor=user, org=org, period=calendar.Period(year, index, period_kind), progress=progress, job_id=job_id
            )
            progress(printed.cards, printed.cards, force=True)
            summary = ngettext("%(n)d card printed.", "%(n)d cards printed.", printed.cards) % {"n": printed.cards}
            return {"ok": True, "cards": printed.cards, "summary": summary}

        return run_job(job_id, work)


def greetings_summary(result: dict[str, Any]) -> str:
    return (
        _(
            "Political birthday greetings for %(today)s: %(celebrating)d members celebrating, %(notifications)d "
            "notifications, %(emails_sent)d e-mails sent, %(emails_failed)d failed."
        )
        % result
    )


@task()
def send_greetings_task(job_id: int, today: str | None = None) -> dict[str, Any]:
    """The same run as `manage.py send_birthday_greetings`; `today` is ISO (JSON)."""
    job = job_with_requester(job_id)
    day = dt.date.fromisoformat(today) if today else None

    def work(progress: Progress) -> dict[str, Any]:
        result = services.send_greetings(today=day, actor=job.requested_by, progress=progress)
        return {**result, "ok": True, "summary": greetings_summary(result)}

    with translation.override(getattr(job.requested_by, "language", "") or settings.LANGUAGE_CODE):
        return run_job(job_id, work)
