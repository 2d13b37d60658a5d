"""Every list page downloads what it shows, as .xlsx: small lists at once, long ones as a job.

Downloads are POSTs: each one writes an audit event (and may start a job), which a link that
another site could make the browser follow must not do. Opened directly (GET), an export's
address shows what it would download and a button to do it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dangjian.jobs.services import start_job
from dangjian.jobs.views import go_to_job
from dangjian.sheets import download_name
from dangjian.ui.downloads import attachment

from . import services
from .selectors import InvalidFilter
from .services import sync_limit
from .sheets import SHEETS
from .tasks import export_task


@login_required
@require_http_methods(["GET", "POST"])
def download(request, kind: str):
    sheet = SHEETS.get(kind)
    if sheet is None:
        raise Http404
    query = request.GET.urlencode()
    back = f"{reverse(sheet.page)}?{query}" if query else reverse(sheet.page)
    try:
        queryset = sheet.select(request.user, request.GET)
    except InvalidFilter:
        messages.error(
            request,
            _("These filters could not be applied, so nothing was exported. Check the filters and try again."),
        )
        return redirect(back)
    count = queryset.count()
    if request.method == "GET":
        context = {"sheet": sheet, "count": count, "background": count > sync_limit(), "back": back}
        return render(request, "exports/confirm.html", context)
    if count > sync_limit():
        return _start(request, kind)
    exported = services.export(actor=request.user, kind=kind, queryset=queryset, params=request.GET)
    return attachment(exported.data, exported.name)


def _start(request, kind: str) -> HttpResponse:
    name = download_name(str(SHEETS[kind].stem), timezone.localdate())
    job = start_job(
        actor=request.user,
        kind="export",
        title=_("Excel export: %(name)s") % {"name": name},
        task=export_task,
        user_id=request.user.pk,
        export_kind=kind,
        params=dict(request.GET.lists()),
        language=translation.get_language() or "",
    )
    return go_to_job(request, job)
