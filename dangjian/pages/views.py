from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import selectors, todo

if TYPE_CHECKING:
    from dangjian.access.models import User


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = cast("User", request.user)  # signed in: login_required
    panels = selectors.dashboard_panels(user)
    if user.is_superuser and not panels:
        for org in selectors.superuser_roots()[:3]:
            panels.append(selectors.committee_panel(org, "org_department"))
        selectors.number_charts(panels)
    items, total = todo.todos(user)
    return render(
        request,
        "ui/home.html",
        {
            "todos": items,
            "todos_total": total,
            "today": timezone.localdate(),
            "panels": panels,
            "me": getattr(user, "person", None),
            "needs_charts": any(p.charts for p in panels),
            "refresh_minutes": max(1, settings.DANGJIAN.get("DASHBOARD_SECONDS", 300) // 60),
        },
    )
