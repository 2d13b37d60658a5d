from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from dangjian.organizations import selectors as org_selectors

from . import selectors
from .selectors import Panel


@login_required
def home(request):
    panels = selectors.dashboard_panels(request.user)
    if request.user.is_superuser and not panels:
        for org in selectors.superuser_roots()[:3]:
            figures = org_selectors.org_figures(org)
            panels.append(Panel("committee", "org_department", org, figures, [selectors.coverage_chart(figures)]))
        selectors.number_charts(panels)
    person = request.user.person
    return render(
        request,
        "ui/home.html",
        {
            "panels": panels,
            "me": person,
            "needs_charts": any(p.charts for p in panels),
        },
    )


@login_required
def ping(request):
    """204 for a signed-in user (a redirect to the login page otherwise): lets a monitor or a
    long-open page check that the session is alive, and is the cheapest authenticated answer
    the stack gives, the floor page benchmarks are measured against (docs/benchmarks.md)."""
    return HttpResponse(status=204)
