"""An enterprise's stored figures as Excel, in the indicator sheet's columns (columns.py), headed in
the reader's language, so that a downloaded file imports back (rosters, kind "indicators").

One row per team, month and indicator, withdrawn figures left out; a team's average income is
left out where the team is too small for an average to hide one person's pay, unless the reader
is the enterprise's own HR (completeness.headcounts, the selectors' rule). The file is written row
by row (sheets.Workbook); above the exports' threshold it is written by a background job with
progress, and either way the download leaves one EXPORT event on "indicators.Value"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy, ngettext
from django_tasks import task

from dangjian.access import permissions
from dangjian.jobs.selectors import job_with_requester
from dangjian.jobs.services import Output, Progress, record_export, run_job
from dangjian.organizations.models import Enterprise
from dangjian.sheets import XLSX_CONTENT_TYPE, Col, Workbook, download_name

from . import completeness, selectors
from .columns import SHEET_COLUMNS
from .models import Value

if TYPE_CHECKING:
    from dangjian.access.models import User

STEM = gettext_lazy("Production indicators")
OBJECT_TYPE = "indicators.Value"


@dataclass(frozen=True)
class Period:
    first: dt.date | None
    last: dt.date | None

    def as_params(self) -> dict[str, str]:
        return {k: f"{v:%Y-%m}" for k, v in (("first", self.first), ("last", self.last)) if v is not None}


def figures(enterprise: Enterprise, period: Period) -> QuerySet[Value]:
    """The stored figures of the period, by workshop, team (the enterprise's own first),
    indicator and month."""
    return (
        selectors.values_of([enterprise.pk], first=period.first, last=period.last)
        .select_related("team__parent")
        .order_by(
            F("team__parent__name_key").asc(nulls_first=True),
            F("team__parent_id").asc(nulls_first=True),
            F("team__name_key").asc(nulls_first=True),
            F("team_id").asc(nulls_first=True),
            "indicator__order",
            "indicator_id",
            "month",
        )
    )


def _number(value: Any) -> int | float:
    # A number cell: at most 10 digits before the point and 4 after, which a float keeps exactly.
    return int(value) if value == value.to_integral_value() else float(value)


def workbook(
    user: User, enterprise: Enterprise, period: Period, progress: Callable[[int], None] | None = None
) -> tuple[bytes, str, int, int]:
    """The file, its name, the rows written and the pay figures left out."""
    may_see_few = permissions.may_see_pay_of_few(user, enterprise)
    heads = {} if may_see_few else completeness.headcounts(enterprise, period.first, period.last)
    withheld = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal withheld
        for v in figures(enterprise, period).iterator(chunk_size=2000):
            if v.team_id is not None and selectors.pay_hidden(
                v.indicator, heads.get((v.team_id, v.month)), may_see_few
            ):
                withheld += 1
                continue
            team = v.team
            yield [
                team.parent.display_name if team is not None and team.parent is not None else "",
                team.display_name if team is not None else "",
                f"{v.month:%Y-%m}",
                v.indicator.label,
                _number(v.value),
            ]

    columns = [Col(capfirst(str(c.label)), c.width, text=c.key == "month") for c in SHEET_COLUMNS]
    book = Workbook()
    count = book.table(str(STEM), columns, rows(), progress=progress)
    return book.close(), download_name(f"{STEM}-{enterprise.display_name}", timezone.localdate()), count, withheld


def size(enterprise: Enterprise, period: Period) -> int:
    return figures(enterprise, period).count()


def exported(
    *,
    actor: User,
    enterprise: Enterprise,
    period: Period,
    name: str,
    rows: int,
    withheld: int,
    job_id: int | None = None,
    output: Output | None = None,
) -> None:
    """The figures left the platform as a file: one EXPORT event, filed under the enterprise."""
    record_export(
        actor=actor,
        object_type=OBJECT_TYPE,
        name=name,
        changes={"enterprise": enterprise.pk, "rows": rows, "pay_withheld": withheld, **period.as_params()},
        org_path=enterprise.audit_org_path(),
        job_id=job_id,
        output=output,
    )


@task()
def values_task(
    job_id: int, user_id: int, enterprise_id: int, first: str = "", last: str = "", language: str = ""
) -> Any:
    """Write the file as its requester, with their scope as it is when the job runs."""
    user = get_user_model().objects.get(pk=user_id)
    job = job_with_requester(job_id)
    period = Period(
        dt.date.fromisoformat(f"{first}-01") if first else None, dt.date.fromisoformat(f"{last}-01") if last else None
    )
    with translation.override(user.language or language or settings.LANGUAGE_CODE):

        def work(progress: Progress) -> dict[str, Any]:
            enterprise = selectors.visible_enterprises(user).filter(pk=enterprise_id).first()
            if job.requested_by_id != user.pk or not user.is_active or enterprise is None:
                raise PermissionError(translation.gettext("This account may no longer read these figures."))
            total = size(enterprise, period)
            progress(0, total, force=True)
            data, name, rows, withheld = workbook(user, enterprise, period, lambda n: progress(n, total))
            exported(
                actor=user,
                enterprise=enterprise,
                period=period,
                name=name,
                rows=rows,
                withheld=withheld,
                job_id=job_id,
                output=Output.of(name, data, XLSX_CONTENT_TYPE),
            )
            progress(total, total, force=True)
            summary = ngettext("%(n)d figure exported.", "%(n)d figures exported.", rows) % {"n": rows}
            return {"ok": True, "rows": rows, "summary": summary}

        return run_job(job_id, work)
