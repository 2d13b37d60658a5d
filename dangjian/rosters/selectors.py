"""Reads for roster imports. An import is its uploader's: nobody else learns it exists, and the
uploader loses it when the place it imports into leaves their scope."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access.permissions import may_set_up_any
from dangjian.jobs.selectors import is_stalled, live, stall_seconds
from dangjian.ui.todo import Todo

from .columns import COUNTY_KINDS, DUES_BASES, EMPLOYEES, INDICATORS, MEMBERS
from .models import ImportStatus, Phase, RosterImport
from .pipeline import alive_key, county_targets, dues_targets, figure_targets, targets_for

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dangjian.access.models import User
    from dangjian.organizations.models import Organization


def own_imports(user: User) -> QuerySet[RosterImport]:
    """The user's imports into places they may still import into (what the file holds)."""
    enterprises, orgs = targets_for(user)
    people = Q(enterprise__in=enterprises.values("pk")) | Q(organization__in=orgs.values("pk"))
    figures = Q(kind=INDICATORS, enterprise__in=figure_targets(user).values("pk"))
    payrolls = Q(kind=DUES_BASES, organization__in=dues_targets(user).values("pk"))
    # A county's set-up files, into the committees the user sets up (one query, only for those
    # who set up any).
    county = Q(kind__in=COUNTY_KINDS, organization__in=county_targets(user)) if may_set_up_any(user) else Q(pk__in=[])
    return (
        RosterImport.objects.filter(requested_by=user)
        .filter((~Q(kind__in=[INDICATORS, DUES_BASES, *COUNTY_KINDS]) & people) | figures | payrolls | county)
        .select_related("enterprise", "organization", "check_job", "import_job")
        .defer("sealed_file")
        .annotate(file_kept=ExpressionWrapper(~Q(sealed_file=b""), output_field=BooleanField()))
    )


def own_import(user: User, pk: Any) -> RosterImport | None:
    return own_imports(user).filter(pk=pk).first()


def current_job(imp: RosterImport) -> Any:
    """The unfinished job on the file, if any: its check, or its import (whose status changes
    only when the import's transaction commits, so the job tells that it is under way)."""
    if imp.status == ImportStatus.CHECKING and imp.check_job is not None and not imp.check_job.finished:
        return imp.check_job
    if imp.status == ImportStatus.CHECKED and imp.import_job is not None and not imp.import_job.finished:
        return imp.import_job
    return None


def is_busy(imp: RosterImport) -> bool:
    job = current_job(imp)
    return job is not None and not is_stalled(job)


def last_alive(imp: RosterImport) -> dt.datetime:
    """When its check last showed a sign of life (pipeline.run.alive), or was uploaded."""
    at = cache.get(alive_key(imp.pk))
    return max(imp.created_at, dt.datetime.fromtimestamp(at, tz=dt.UTC)) if at else imp.created_at


def interrupted(imp: RosterImport) -> bool:
    """Its check or import stopped without finishing; nothing of it was written. Stored once the
    sweep has found it; until then, a job with no sign of life, or a check run without a job
    (`manage.py import_roster`) that has shown none for JOB_STALL_SECONDS."""
    if imp.status == ImportStatus.INTERRUPTED:
        return True
    job = current_job(imp)
    if job is not None:
        return is_stalled(job)
    if imp.status != ImportStatus.CHECKING:
        return False
    if imp.check_job_id is not None:
        return True  # its job ended without finishing the check
    return (timezone.now() - last_alive(imp)).total_seconds() > stall_seconds()


def phase(imp: RosterImport) -> Phase:
    if interrupted(imp):
        return Phase.INTERRUPTED
    job = current_job(imp)
    if job is not None and job.kind == "roster_import":
        return Phase.IMPORTING
    return Phase(imp.status)


def running_job(imp: RosterImport) -> Any:
    """The job working on the file, with the progress it last reported (an import reports from
    inside its transaction, so the numbers come from the cache, not the job's row)."""
    return live(current_job(imp)) if is_busy(imp) else None


# --- the county set-up page (onboarding) -------------------------------------------------------


def county_imports(org: Organization) -> dict[str, RosterImport]:
    """The latest file of each of a county's own kinds (its tree, enterprises, role holders)
    uploaded into committee `org`, whoever uploaded it."""
    latest: dict[str, RosterImport] = {}
    files = (
        RosterImport.objects.filter(organization=org, kind__in=COUNTY_KINDS)
        .select_related("check_job", "import_job")
        .defer("sealed_file")
        .order_by("-created_at", "-pk")
    )
    for imp in files:
        latest.setdefault(imp.kind, imp)
        if len(latest) == len(COUNTY_KINDS):
            break
    return latest


def rosters_imported(
    enterprise_ids: Iterable[int], org_ids: Iterable[int]
) -> tuple[dict[int, RosterImport], dict[int, RosterImport]]:
    """The latest imported employee roster of each of these enterprises, and member roster of
    each of these party organisations (those with none are missing), whoever imported them."""
    done = RosterImport.objects.filter(status=ImportStatus.IMPORTED).only(
        "pk", "kind", "enterprise_id", "organization_id", "counts", "imported_at", "file_name"
    )
    employees: dict[int, RosterImport] = {}
    for imp in done.filter(kind=EMPLOYEES, enterprise_id__in=list(enterprise_ids)).order_by("imported_at", "pk"):
        if imp.enterprise_id is not None:
            employees[imp.enterprise_id] = imp
    members: dict[int, RosterImport] = {}
    for imp in done.filter(kind=MEMBERS, organization_id__in=list(org_ids)).order_by("imported_at", "pk"):
        if imp.organization_id is not None:
            members[imp.organization_id] = imp
    return employees, members


# --- the to-do list (本月待办) --------------------------------------------------------------------


def todo(user: User) -> list[Todo]:
    """The user's checked imports that wait for their confirmation."""
    waiting = [
        imp for imp in own_imports(user).filter(status=ImportStatus.CHECKED).order_by("-pk")[:10] if imp.may_confirm
    ]
    return [
        Todo(
            kind="imports",
            title=_("%(file)s is checked and waits for your confirmation") % {"file": imp.file_name},
            url=reverse("rosters:detail", args=[imp.pk]),
            detail=str(imp.target),
        )
        for imp in waiting
    ]
