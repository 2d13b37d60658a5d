from __future__ import annotations

from django.contrib.auth.decorators import login_required
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
