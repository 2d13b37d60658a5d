from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.access.permissions import (
    import_refused,
    may_import,
    may_import_dues,
    may_import_figures,
    may_set_up_any,
)
from dangjian.ui.downloads import attachment
from dangjian.ui.forms import apply_errors, run_or_say
from dangjian.ui.paging import paginate, query_without

from . import report as reports
from . import selectors, services
from .columns import COUNTY_KINDS, DUES_BASES, INDICATORS, ROSTER_KINDS
from .forms import UploadForm
from .models import RosterImport, RowOutcome


def _own(request, pk) -> RosterImport:
    imp = selectors.own_import(request.user, pk)
    if imp is None:
        raise Http404
    return imp


@login_required
def import_list(request):
    if not may_import(request.user):
        raise import_refused()
    page = paginate(request, selectors.own_imports(request.user))
    for imp in page:
        imp.phase = selectors.phase(imp)
    return render(request, "rosters/import_list.html", {"page": page, "querystring": query_without(request, "page")})


@login_required
def upload(request):
    if not may_import(request.user):
        raise import_refused()
    # ?target=e<pk> or o<pk> chooses the place beforehand (the county set-up page's links); the
    # form offers only the places the user may import into, whatever is asked.
    initial = {"target": request.GET.get("target", "")[:24]}
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            imp = services.upload(
                actor=request.user,
                target=form.cleaned_data["target"],
                file_name=f.name,
                data=f.read(services.max_upload_bytes() + 1),  # the service refuses what is larger
                create_teams=form.cleaned_data["create_teams"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("rosters:detail", pk=imp.pk)
    status = 400 if form.is_bound and form.errors else 200
    ctx = {
        "form": form,
        "kinds": ROSTER_KINDS,
        "sheets": may_import_figures(request.user),
        "payrolls": may_import_dues(request.user),
    }
    return render(request, "rosters/upload.html", ctx, status=status)


@login_required
def template(request, kind):
    if kind == INDICATORS:
        if not may_import_figures(request.user):
            raise Http404
    elif kind == DUES_BASES:
        if not may_import_dues(request.user):
            raise Http404
    elif kind in COUNTY_KINDS:  # a county's own files, for those who set a county up
        if not may_set_up_any(request.user):
            raise Http404
    elif kind not in ROSTER_KINDS or not may_import(request.user):
        raise Http404
    return attachment(reports.template_bytes(kind), reports.template_name(kind))


def _context(request, imp: RosterImport) -> dict:
    counts = imp.counts or {}
    default = RowOutcome.REJECTED if counts.get(RowOutcome.REJECTED) else ""
    outcome = request.GET.get("outcome", default)
    rows = imp.rows.all()
    if outcome in RowOutcome.values:
        rows = rows.filter(outcome=outcome)
    else:
        outcome = ""
    tabs = [("", _("All rows"), counts.get("rows", 0))] + [
        (value, label, counts.get(value, 0)) for value, label in RowOutcome.choices if counts.get(value)
    ]
    outside = counts.get(RowOutcome.OUTSIDE, 0)
    return {
        "imp": imp,
        "sheet": imp.kind == INDICATORS,
        "outside_confirmation": services.outside_confirmation(outside) if outside else "",
        "busy": selectors.is_busy(imp),
        "phase": selectors.phase(imp),
        "interrupted": selectors.interrupted(imp),
        "job": selectors.running_job(imp),
        "page": paginate(request, rows),
        "outcome": outcome,
        "tabs": tabs,
        "querystring": query_without(request, "page"),
    }


@login_required
def detail(request, pk):
    imp = _own(request, pk)
    ctx = _context(request, imp)
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "rows":
        return render(request, "rosters/_rows.html", ctx)
    return render(request, "rosters/detail.html", ctx)


@login_required
def state(request, pk):
    """Polled while the file is being checked or imported; reloads the page when it is done."""
    imp = _own(request, pk)
    if not selectors.is_busy(imp):
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "rosters/_state.html", _context(request, imp))


@login_required
@require_POST
def confirm(request, pk):
    imp = _own(request, pk)
    outside = request.POST.get("confirm_outside") == "on"
    run_or_say(request, lambda: services.confirm(actor=request.user, imp=imp, confirm_outside=outside))
    return redirect("rosters:detail", pk=imp.pk)


@login_required
@require_POST
def discard(request, pk):
    imp = _own(request, pk)
    run_or_say(request, lambda: services.discard(actor=request.user, imp=imp), _("The file was removed from Dangjian."))
    return redirect("rosters:list")


@login_required
@require_POST  # it writes an audit event, so no link from elsewhere may trigger it
def report(request, pk):
    imp = _own(request, pk)
    services.report_downloaded(actor=request.user, imp=imp)
    return attachment(reports.report_bytes(imp), reports.report_name(imp))
