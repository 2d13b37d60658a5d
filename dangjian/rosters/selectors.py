"""Reads for roster imports. An import is its uploader's: nobody else learns it exists, and the
uploader loses it when the place it imports into leaves their scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from dangjian.jobs.selectors import live

from .models import ImportStatus, RosterImport
from .pipeline import may_import_into, targets_for


def own_imports(user: Any) -> QuerySet[RosterImport]:
    """The user's imports into places they may still import into."""
    enterprises, orgs = targets_for(user)
    return (
        RosterImport.objects.filter(requested_by=user)
        .filter(Q(enterprise__in=enterprises.values("pk")) | Q(organization__in=orgs.values("pk")))
        .select_related("enterprise", "organization", "check_job", "import_job")
        .defer("sealed_file")
    )


def own_import(user: Any, pk: Any) -> RosterImport | None:
    imp = own_imports(user).filter(pk=pk).first()
    if imp is None or not may_import_into(user, imp.target):
        return None
    return imp


def is_busy(imp: RosterImport) -> bool:
    return imp.status in {ImportStatus.CHECKING, ImportStatus.IMPORTING}


def running_job(imp: RosterImport) -> Any:
    """The job working on the file, with the progress it last reported (an import reports from
    inside its transaction, so the numbers come from the cache, not the job's row)."""
    job = {ImportStatus.CHECKING: imp.check_job, ImportStatus.IMPORTING: imp.import_job}.get(imp.status)
    return live(job) if job is not None else None
