"""The background job of the set-up page's last step: a county's logins (onboarding.logins)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from dangjian.access.permissions import may_set_up
from dangjian.jobs.selectors import job_with_requester
from dangjian.jobs.services import Progress, run_job
from dangjian.organizations import selectors as orgs

from .logins import give_county_logins


class LoginsRefused(Exception):
    pass


@task()
def county_logins_task(job_id: int, county_id: int, everyone: bool = False) -> dict[str, Any]:
    job = job_with_requester(job_id)
    user = job.requested_by
    with translation.override(user.language or settings.LANGUAGE_CODE):

        def work(progress: Progress) -> dict[str, Any]:
            county = orgs.org_with_pk(county_id)
            # Asked again when the job runs: the role may have been taken away meanwhile.
            if county is None or not user.is_active or not may_set_up(user, county):
                raise LoginsRefused(_("You may no longer give this county's logins."))
            return give_county_logins(
                actor=user, county=county, everyone=everyone, progress=lambda d, t: progress(d, t, force=d == t)
            )

        return run_job(job_id, work)
