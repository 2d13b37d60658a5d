"""Excel downloads of a round: its nominations (who, by whom, why, how far) and, after the count,
its results (votes, rank, ties, the committee's decision). Totals only: no file says who voted
for whom (the tables cannot, ballots.models).

Each is the organiser's and the round's auditors' (the branch's secretary, the enterprise's
managers, the committees above), a POST, as every download that writes an audit event is, and
leaves one EXPORT event on the round (jobs.services.record_export), filed under its organising
organisation. selections/urls_rounds.py mounts `URLS`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.access import permissions
from dangjian.access.scopes import AUDIT, CHANGE, SELECTION, VIEW
from dangjian.access.shortcuts import get_in_scope
from dangjian.jobs.services import record_export
from dangjian.sheets import labelled, one_table, titled
from dangjian.ui.downloads import attachment

from . import selectors
from .models import PHASES, Phase, Round

if TYPE_CHECKING:
    from dangjian.access.models import User

NOMINATIONS = gettext_lazy("Nominations")
RESULTS = gettext_lazy("Results")

Built = tuple[bytes, str, int]  # the file, its name, the rows written


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def nominations_workbook(r: Round) -> Built:
    columns = labelled(
        [
            (_("category"), 16),
            (_("nominee"), 12),
            (_("production team"), 16),
            (_("nomination"), 16),
            (_("nominated by"), 12),
            (_("reason"), 40),
            (_("status"), 10),
            (_("evidence"), 10),
        ]
    )

    def rows() -> Iterator[list[Any]]:
        for n in selectors.nominations(r):
            yield [
                n.category.name,
                n.nominee.name,
                n.nominee.team.display_name if n.nominee.team is not None else "",
                n.get_kind_display(),
                n.nominated_by.name if n.nominated_by is not None else "",
                n.reason,
                n.get_status_display(),
                getattr(n, "evidence_count", 0),
            ]

    return one_table(
        NOMINATIONS,
        columns,
        rows(),
        title=titled(NOMINATIONS, r.title, r.enterprise.display_name),
        today=timezone.localdate(),
    )


def results_workbook(r: Round) -> Built:
    columns = labelled(
        [
            (_("category"), 16),
            (_("nominee"), 12),
            (_("votes"), 8),
            (_("rank"), 6),
            (_("within the places"), 10),
            (_("tied for the last place"), 10),
            (_("decision"), 12),
            (_("reason"), 40),
        ]
    )

    def rows() -> Iterator[list[Any]]:
        for res in selectors.results(r):
            yield [
                res.category.name,
                res.nomination.nominee.name,
                res.votes,
                res.rank,
                _yes_no(res.elected),
                _yes_no(res.tied),
                res.get_decision_display(),
                res.reason,
            ]

    tally = r.poll.tally if r.poll is not None else {}
    turnout = _("%(voted)d of %(roll)d voted") % {"voted": tally.get("turnout", 0), "roll": tally.get("roll", 0)}
    return one_table(
        RESULTS,
        columns,
        rows(),
        title=titled(RESULTS, r.title, r.enterprise.display_name, turnout),
        today=timezone.localdate(),
    )


def _round_for(request: HttpRequest, pk: int) -> Round:
    """The round (404 outside the user's scope), refused (403) to anyone who neither runs nor
    audits it."""
    user = cast("User", request.user)
    r = get_in_scope(user, Round.objects.select_related("enterprise", "organization", "poll"), pk, VIEW)
    if not permissions.may_oversee_round(user, r):
        raise permissions.refused(
            (SELECTION, CHANGE),
            (SELECTION, AUDIT),
            message=_("A round's lists are downloaded by its organiser and by those who audit it."),
        )
    return r


def _send(request: HttpRequest, r: Round, kind: str, built: Built) -> HttpResponse:
    data, name, rows = built
    record_export(
        actor=cast("User", request.user),
        object_type="selections.Round",
        object_id=r.pk,
        name=name,
        changes={"list": kind, "rows": rows},
        org_path=r.organization.path,
    )
    return attachment(data, name)


@login_required
def nominations_download(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round_for(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _send(request, r, "nominations", nominations_workbook(r))


@login_required
def results_download(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round_for(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if r.phase_index < PHASES.index(Phase.REVIEW):
        messages.error(request, _("The results exist once the vote is counted."))
        return redirect("selections:round", r.pk)
    return _send(request, r, "results", results_workbook(r))


URLS = [
    path("<id:pk>/nominations.xlsx", nominations_download, name="download_nominations"),
    path("<id:pk>/results.xlsx", results_download, name="download_results"),
]
