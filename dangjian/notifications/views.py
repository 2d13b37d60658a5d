from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dangjian.ui.paging import paginate

from . import selectors, services


@login_required
def notification_list(request):
    page = paginate(request, selectors.inbox(request.user))
    return render(request, "notifications/list.html", {"page": page, "unread": selectors.unread_in_request(request)})


@login_required
@require_POST
def read(request, pk):
    """Mark one notification read and open what it is about."""
    notification = selectors.inbox(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404  # someone else's: nobody learns it exists
    services.mark_read(actor=request.user, notification=notification)
    target = notification.url
    if request.POST.get("stay") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("notifications:list")
    return redirect(target)


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(actor=request.user)
    return redirect("notifications:list")
