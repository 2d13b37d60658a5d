"""Writes for roster imports: upload, confirm, discard. The work itself runs in rosters.tasks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.access.permissions import may_import_into
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.jobs.services import INTERRUPTED, TIME_LIMIT, start_job
from dangjian.organizations.models import Enterprise, Organization
from dangjian.people.crypto import seal_bytes

from .columns import COUNTY_KINDS, DUES_BASES, INDICATORS, ROSTER_KINDS
from .limits import RosterFileError, check_archive
from .models import ImportStatus, RosterImport, RowOutcome
from .pipeline import checksum, kind_for
from .reading import FORMATS, extension
from .selectors import is_busy, last_alive
from .tasks import check_roster_task, import_roster_task

if TYPE_CHECKING:
    from dangjian.access.models import User


def max_upload_bytes() -> int:
    return getattr(settings, "ROSTER_MAX_BYTES", 50 * 1024 * 1024)


def _job_owner(actor: User | None) -> User:
    """The user a background check or import belongs to: a job is always someone's (their jobs
    list shows it). The system (None: `manage.py import_roster` without --user) has no jobs
    list and runs in the foreground (background=False)."""
    if actor is None:
        raise ValueError("A roster check or import in the background needs the user who asked for it.")
    return actor


@audit.write_transaction
def upload(
    *,
    actor: User | None,
    target: Enterprise | Organization,
    file_name: str,
    data: bytes,
    create_teams: bool = False,
    kind: str | None = None,
    source: str = "web",
    background: bool = True,
) -> RosterImport:
    """Keep the file (sealed) and start its check. `kind` is what the file holds: the roster its
    target takes (None), or an indicator sheet (INDICATORS) into an enterprise. Raises
    PermissionDenied outside the user's part of the tree and ValidationError for a file that is
    not a roster."""
    owner = _job_owner(actor) if background else None
    kind = kind or kind_for(target)
    if kind == INDICATORS and not isinstance(target, Enterprise):
        raise ValidationError({"target": _("Production indicators are imported into an enterprise.")})
    if kind == DUES_BASES and not isinstance(target, Organization):
        raise ValidationError({"target": _("Dues bases are imported into a party organisation.")})
    if kind in ROSTER_KINDS and kind != kind_for(target):
        raise ValidationError(
            {"target": _("An employee roster goes into an enterprise, a member roster into a party organisation.")}
        )
    if kind in COUNTY_KINDS and not (isinstance(target, Organization) and target.is_committee):
        raise ValidationError(
            {"target": _("A county's organisations, enterprises and role holders are imported into its committee.")}
        )
    if kind not in (*ROSTER_KINDS, INDICATORS, DUES_BASES, *COUNTY_KINDS):
        raise ValidationError({"target": _("Choose what the file holds.")})
    if not may_import_into(
        actor, target, figures=kind == INDICATORS, dues=kind == DUES_BASES, county=kind in COUNTY_KINDS
    ):
        raise PermissionDenied
    file_name = (file_name or "roster.xlsx").replace("\x00", "")[-255:]
    if extension(file_name) not in FORMATS:
        raise ValidationError(
            {"file": _("Upload an .xlsx, .xls, .ods or .csv file; “%(name)s” is none of these.") % {"name": file_name}}
        )
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if len(data) > max_upload_bytes():
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB. Split it into parts.") % {"mb": max_upload_bytes() >> 20}}
        )
    try:
        # The zip's directory costs nothing to read: a bomb is refused here, on the form, not
        # in the background check.
        check_archive(data)
    except RosterFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    imp = RosterImport.objects.create(
        kind=kind,
        enterprise=target if isinstance(target, Enterprise) else None,
        organization=target if isinstance(target, Organization) else None,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=file_name,
        sha256=checksum(data),
        size=len(data),
        sealed_file=seal_bytes(data),
        create_teams=create_teams and kind in ROSTER_KINDS,  # figures and payrolls never create teams
    )
    audit.record(actor=actor, action=Action.CREATE, obj=imp, changes=imp.audit_facts(size=imp.size))
    if owner is not None:
        _start(imp, "check_job", "roster_check", check_roster_task, _("Checking %(file)s"), owner=owner, source=source)
    return imp


def _start(imp: RosterImport, field: str, kind: str, task: Any, title: str, *, owner: User, source: str) -> None:
    """Start the background job that checks or imports `imp` (`title` names the file as
    %(file)s) and keep it in `field` (check_job, import_job), which the file's page polls."""
    job = start_job(
        actor=owner, kind=kind, title=title % {"file": imp.file_name}, task=task, import_id=imp.pk, source=source
    )
    setattr(imp, field, job)
    imp.save(update_fields=[field])


def outside_confirmation(n: int) -> str:
    """What the uploader of an indicator sheet ticks to import its figures outside their
    indicators' plausible ranges (the page's checkbox, and its refusal)."""
    return ngettext(
        "I confirm the %(n)d figure outside the plausible range",
        "I confirm the %(n)d figures outside the plausible range",
        n,
    ) % {"n": n}


@audit.write_transaction
def confirm(
    *,
    actor: User | None,
    imp: RosterImport,
    confirm_outside: bool = False,
    source: str = "web",
    background: bool = True,
) -> RosterImport:
    """Start the import of a checked file. An indicator sheet with figures outside their
    plausible range is imported only with `confirm_outside` (the uploader ticked
    `outside_confirmation`)."""
    owner = _job_owner(actor) if background else None
    imp = RosterImport.objects.select_for_update(of=("self",)).select_related("import_job").get(pk=imp.pk)
    if not imp.may_confirm or is_busy(imp):
        raise ValidationError(
            _("This file cannot be imported: it has rejected rows, nothing to change, or it was imported already.")
        )
    if not may_import_into(
        actor,
        imp.target,
        figures=imp.kind == INDICATORS,
        dues=imp.kind == DUES_BASES,
        county=imp.kind in COUNTY_KINDS,
    ):
        raise PermissionDenied
    outside = imp.counts.get(RowOutcome.OUTSIDE, 0)
    if outside and not confirm_outside:
        raise ValidationError(
            _("Nothing was imported: tick “%(confirmation)s” once you have checked them in the report.")
            % {"confirmation": outside_confirmation(outside)}
        )
    imp.confirmed_outside = outside
    imp.save(update_fields=["confirmed_outside"])
    # The status stays "checked" until the import's own transaction commits: a worker killed
    # midway leaves a file that was checked and not imported, and it can be confirmed again.
    changes: dict[str, Any] = {"confirmed": True}
    if outside:
        changes["outside_range_confirmed"] = outside
    audit.record(actor=actor, action=Action.UPDATE, obj=imp, changes=changes)
    if owner is not None:
        _start(
            imp, "import_job", "roster_import", import_roster_task, _("Importing %(file)s"), owner=owner, source=source
        )
    return imp


@audit.write_transaction
def report_downloaded(*, actor: User | None, imp: RosterImport) -> None:
    """The report holds the file's rows: its download is an export like any other."""
    audit.record(
        actor=actor, action=Action.EXPORT, obj=imp, changes={"report": imp.file_name, "rows": imp.counts.get("rows", 0)}
    )


@audit.write_transaction
def discard(*, actor: User | None, imp: RosterImport) -> RosterImport:
    if is_busy(imp):
        raise ValidationError(_("Wait until the work on this file has finished."))
    before = imp.status
    imp.status = ImportStatus.DISCARDED if imp.status != ImportStatus.IMPORTED else imp.status
    imp.sealed_file = b""
    imp.save(update_fields=["status", "sealed_file"])
    audit.record(
        actor=actor, action=Action.UPDATE, obj=imp, changes={"status": [before, imp.status], "file": "removed"}
    )
    return imp


@audit.write_transaction
def purge_files(*, actor: User | None, older_than_days: int) -> int:
    """Remove the kept files of imports uploaded more than `older_than_days` ago. An import still
    waiting for confirmation is discarded with its file: without it there is nothing to import."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    stale = (
        RosterImport.objects.filter(created_at__lt=cutoff)
        .exclude(sealed_file=b"")
        .select_related("enterprise", "organization")
    )
    n = 0
    for imp in stale.defer("sealed_file"):
        waiting = imp.status in {ImportStatus.CHECKING, ImportStatus.CHECKED}
        status = ImportStatus.DISCARDED if waiting else imp.status
        RosterImport.objects.filter(pk=imp.pk).update(sealed_file=b"", status=status)
        changes = {"file": "removed"} | ({"status": [imp.status, status]} if status != imp.status else {})
        audit.record(actor=actor, action=Action.UPDATE, obj=imp, changes=changes)
        n += 1
    return n


# --- work stopped from outside: time limits, killed workers and commands -----------------


def interrupted_check_message() -> str:
    return _(
        "Interrupted: the check of this file stopped before it finished (its process was stopped). Nothing was "
        "written. Upload the file again to check it again."
    )


def interrupted_import_message() -> str:
    return _(
        "Interrupted: the import of this file stopped before it finished (its process was stopped). Nothing was "
        "written. Confirm the import again."
    )


def job_stopped(job: Any, reason: str) -> None:
    """jobs.services.stop_job's handler for roster jobs (in its transaction and the uploader's
    language): a check or import stopped past its time limit fails with the job's message; an
    interrupted check is stored as interrupted; an interrupted import stays checked, to be
    confirmed again (its transaction never committed)."""
    imp = (
        RosterImport.objects.select_for_update(of=("self",))
        .filter(Q(check_job=job) | Q(import_job=job))
        .defer("sealed_file")
        .first()
    )
    if imp is None or imp.status not in {ImportStatus.CHECKING, ImportStatus.CHECKED}:
        return
    if reason == TIME_LIMIT:
        _settle(imp, ImportStatus.FAILED, job.message, reason)
    elif imp.status == ImportStatus.CHECKING:
        _settle(imp, ImportStatus.INTERRUPTED, interrupted_check_message(), reason)
    else:
        _settle(imp, imp.status, interrupted_import_message(), reason)


def _settle(imp: RosterImport, status: str, message: str, reason: str) -> None:
    """Store how the file's stopped work ended, with its audit record (`stopped`: why)."""
    before = imp.status
    imp.status, imp.message = status, message
    imp.save(update_fields=["status", "message"])
    audit.record(actor=None, action=Action.UPDATE, obj=imp, changes={"status": [before, imp.status], "stopped": reason})


def sweep_interrupted_checks(now: Any) -> int:
    """Checks left "checking" by a process that was killed without a job to show it: a
    `manage.py import_roster [--dry-run]` (its check leaves a sign of life every few seconds),
    or a check job that ended without finishing the check. Stored as interrupted, audited."""
    cutoff = now - dt.timedelta(seconds=settings.JOB_STALL_SECONDS)
    candidates = (
        RosterImport.objects.filter(status=ImportStatus.CHECKING, created_at__lt=cutoff)
        .filter(Q(check_job__isnull=True) | Q(check_job__status__in=["done", "failed"]))
        .defer("sealed_file")
    )
    stale = [imp.pk for imp in candidates if imp.check_job_id is not None or last_alive(imp) < cutoff]
    return sum(_mark_interrupted(imp_id=pk) for pk in stale)


@audit.write_transaction
def _mark_interrupted(*, imp_id: int) -> bool:
    imp = (
        RosterImport.objects.select_for_update(of=("self",)).select_related("requested_by").defer("sealed_file")
    ).get(pk=imp_id)
    if imp.status != ImportStatus.CHECKING:
        return False  # finished meanwhile
    with translation.override(getattr(imp.requested_by, "language", "") or settings.LANGUAGE_CODE):
        _settle(imp, ImportStatus.INTERRUPTED, interrupted_check_message(), INTERRUPTED)
    return True
