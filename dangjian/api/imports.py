"""/imports: roster uploads, their check, their import and the report, for integrations.

The same path as the web page (dangjian.rosters): services.upload/confirm/discard write,
selectors.own_import(s) read, report.report_bytes/template_bytes make the files. An import is
its uploader's: anybody else, and the uploader once its target leaves their scope, gets a 404.
The check and the import run as background jobs; poll GET /imports/{id} until `job` is null.
"""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.access.permissions import may_import, may_import_into
from dangjian.jobs.selectors import live
from dangjian.organizations.models import Enterprise
from dangjian.rosters import report as reports
from dangjian.rosters import selectors, services
from dangjian.rosters.columns import COUNTY_KINDS, DUES_BASES, EMPLOYEES, INDICATORS, MEMBERS
from dangjian.rosters.models import ImportRow, Phase, RosterImport, RowOutcome
from dangjian.rosters.pipeline import find_target
from dangjian.sheets import XLSX_CONTENT_TYPE
from dangjian.ui.downloads import attachment

from .auth import actor
from .common import Page
from .errors import ERRORS, ErrorOut
from .values import Id

router = Router(tags=["imports"])

COUNT_KEYS = ("rows", "created", "updated", "unchanged", "duplicate", "rejected")
XLSX_RESPONSE = {
    "responses": {
        "200": {
            "description": "An Excel workbook.",
            "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class TargetOut(Schema):
    type: Literal["enterprise", "organization"]
    id: int
    name: str
    code: str | None = Field(description="The enterprise's credit code, or the organisation's code.")


class CountsOut(Schema):
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    rejected: int = 0


class ColumnOut(Schema):
    letter: str
    text: str
    key: str | None = Field(description="The roster field the column was recognised as; null when ignored.")


class JobOut(Schema):
    id: int
    status: str
    done: int
    total: int


class ImportOut(Schema):
    id: int
    kind: RosterImport.Kind
    into: TargetOut
    file_name: str
    sha256: str
    size: int
    status: Phase = Field(
        description="checking → checked → importing → imported; or failed (nothing written; `message` says "
        "why, e.g. a file beyond the size limits), discarded, interrupted (its worker stopped; nothing written: "
        "upload the file again, or confirm again if it was checked)."
    )
    counts: CountsOut
    message: str
    header_row: int | None
    columns: list[ColumnOut]
    may_confirm: bool = Field(description="Checked, with no rejected row and something to write.")
    created_at: dt.datetime
    checked_at: dt.datetime | None
    imported_at: dt.datetime | None
    job: JobOut | None = Field(description="The check or import running now; null once it has finished.")

    @staticmethod
    def resolve_into(obj: RosterImport) -> dict[str, Any]:
        target = obj.target
        if isinstance(target, Enterprise):
            return {"type": "enterprise", "id": target.pk, "name": target.display_name, "code": target.uscc}
        return {"type": "organization", "id": target.pk, "name": target.display_name, "code": target.code}

    @staticmethod
    def resolve_counts(obj: RosterImport) -> dict[str, int]:
        counts = obj.counts or {}
        return {key: counts.get(key, 0) for key in COUNT_KEYS}

    @staticmethod
    def resolve_columns(obj: RosterImport) -> list[dict[str, Any]]:
        return [{"letter": c.get("letter", ""), "text": c.get("text") or "", "key": c.get("key")} for c in obj.columns]

    @staticmethod
    def resolve_may_confirm(obj: RosterImport) -> bool:
        return obj.may_confirm and not selectors.is_busy(obj)

    @staticmethod
    def resolve_status(obj: RosterImport) -> str:
        return selectors.phase(obj).value

    @staticmethod
    def resolve_job(obj: RosterImport) -> dict[str, Any] | None:
        job = selectors.running_job(obj)
        if job is None:
            return None
        job = live(job)
        return {"id": job.pk, "status": job.status, "done": job.done, "total": job.total}


class ProblemOut(Schema):
    column: str
    value: str
    message: str


class RowOut(Schema):
    row: int = Field(description="The row's number in the sheet.")
    name: str
    outcome: RowOutcome
    problems: list[ProblemOut]
    notes: list[str]
    changed: list[str] = Field(description="The fields (and membership) the import changes for this person.")

    @staticmethod
    def resolve_row(obj: ImportRow) -> int:
        return obj.row_number

    @staticmethod
    def resolve_problems(obj: ImportRow) -> list[dict[str, str]]:
        return [
            {"column": p.get("column") or "", "value": str(p.get("value") or ""), "message": p.get("message") or ""}
            for p in obj.problems
        ]


def _own(request: HttpRequest, id: Id) -> RosterImport:
    imp = selectors.own_import(actor(request), id)
    if imp is None:
        raise Http404
    return imp


def _conflict(exc: ValidationError) -> Status:
    return Status(409, {"code": "conflict", "message": " ".join(exc.messages)})


# Before /imports/{id}/…, so that "templates" is never read as an id.
@router.get("/imports/templates/{kind}", response=ERRORS, openapi_extra=XLSX_RESPONSE)
def template(request: HttpRequest, kind: Literal["employees", "members"]) -> HttpResponse:
    """A blank roster with the accepted columns, choice lists and instructions."""
    user = actor(request)
    if not may_import(user):
        raise Http404
    roster = MEMBERS if kind == MEMBERS else EMPLOYEES
    return attachment(reports.template_bytes(roster), reports.template_name(roster))


@router.get("/imports", response={200: list[ImportOut], **ERRORS})
@paginate(Page)
def list_imports(request: HttpRequest) -> QuerySet:
    """The caller's own uploads, newest first."""
    return selectors.own_imports(actor(request)).order_by("-created_at", "-id")


@router.post("/imports", response={201: ImportOut, **ERRORS})
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    into: str = Form(
        ...,
        max_length=64,
        description="The enterprise's unified social credit code (employee roster) or the party organisation's "
        "code (member roster).",
    ),
    create_teams: bool = Form(False, description="Add the teams named in the file that the enterprise lacks."),
    kind: str | None = Form(
        None,
        description="What the file holds; by default the roster its target takes. A county's set-up files "
        "(org_tree, enterprises, role_holders) go into its committee's code; indicators into an enterprise; "
        "dues_bases into a party organisation.",
    ),
) -> Status:
    """Keep the file and start its check (a background job). Confirm it once `may_confirm`."""
    user = actor(request)
    code = into.replace("\x00", "").strip()
    target = find_target(code)
    flags = {
        "figures": kind == INDICATORS,
        "dues": kind == DUES_BASES,
        "county": kind in COUNTY_KINDS,
    }
    # Out of scope answers as unknown: the API is no oracle for which codes exist.
    if target is None or not may_import_into(user, target, **flags):
        message = _(
            "There is no enterprise or party organisation with the code “%(code)s” that you may import into."
        ) % {"code": code}
        return Status(404, {"code": "not_found", "message": message, "errors": {"into": [message]}})
    # One byte over the limit is enough for upload() to refuse the file; a huge one is never read whole.
    data = file.read(services.max_upload_bytes() + 1)
    # Typed str | None, but Django makes no file of a part without a file name, so `or ""` never applies.
    imp = services.upload(
        actor=user,
        target=target,
        file_name=file.name or "",
        data=data,
        create_teams=create_teams,
        kind=kind,
        source="api",
    )
    return Status(201, selectors.own_import(user, imp.pk))


@router.get("/imports/{id}", response={200: ImportOut, **ERRORS})
def get_import(request: HttpRequest, id: Id) -> RosterImport:
    return _own(request, id)


@router.get("/imports/{id}/rows", response={200: list[RowOut], **ERRORS})
@paginate(Page)
def list_rows(request: HttpRequest, id: Id, outcome: RowOutcome | None = None) -> QuerySet:
    """Each row's outcome as last checked (or imported); `outcome=rejected` for what stands in the way."""
    rows = _own(request, id).rows.all()
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("row_number", "id")


@router.post("/imports/{id}/confirm", response={202: ImportOut, 409: ErrorOut, **ERRORS})
def confirm(request: HttpRequest, id: Id) -> Status:
    """Start the import of a checked file: all its rows in one transaction, or none."""
    user = actor(request)
    imp = _own(request, id)
    try:
        services.confirm(actor=user, imp=imp, source="api")
    except ValidationError as exc:
        return _conflict(exc)
    return Status(202, _own(request, id))


@router.delete("/imports/{id}", response={204: None, 409: ErrorOut, **ERRORS})
def discard(request: HttpRequest, id: Id) -> Status:
    """Remove the kept file; an import not yet confirmed is discarded."""
    imp = _own(request, id)
    try:
        services.discard(actor=actor(request), imp=imp)
    except ValidationError as exc:
        return _conflict(exc)
    return Status(204, None)


@router.post("/imports/{id}/report", response=ERRORS, openapi_extra=XLSX_RESPONSE)
def report(request: HttpRequest, id: Id) -> HttpResponse:
    """The uploaded sheet with each row's outcome, problems and notes added; recorded as an export.
    A POST, as on the web page: it holds the file's ID numbers in clear and writes an audit
    event, which no link (nor another site's page riding the browser's session) may trigger."""
    imp = _own(request, id)
    services.report_downloaded(actor=actor(request), imp=imp)
    return attachment(reports.report_bytes(imp), reports.report_name(imp))
