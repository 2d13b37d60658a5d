from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian.ui.forms import apply_errors
from dangjian.ui.paging import paginate

from . import selectors, services
from .models import Kind, Platform


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


class RobotForm(forms.Form):
    platform = forms.ChoiceField(label=gettext_lazy("platform"), choices=Platform.choices)
    name = forms.CharField(
        label=gettext_lazy("name"),
        max_length=100,
        help_text=gettext_lazy("Which group chat, for you to tell them apart."),
    )
    url = forms.URLField(
        label=gettext_lazy("webhook address"),
        max_length=1000,
        assume_scheme="https",
        help_text=gettext_lazy("Copied from the robot's settings in the group chat."),
    )
    secret = forms.CharField(
        label=gettext_lazy("signing secret"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "DingTalk “加签” or Feishu “签名校验”, if the robot has one. Kept encrypted, never shown again."
        ),
    )


@login_required
def channels(request):
    """Where the user receives each kind of notification, and their group-chat robots."""
    prefs = selectors.preferences_of([request.user.pk])
    form = RobotForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "preferences":
            choices = {
                kind: (request.POST.get(f"email_{kind}") == "on", request.POST.get(f"robot_{kind}") == "on")
                for kind in Kind.values
            }
            services.set_preferences(actor=request.user, choices=choices)
            messages.success(request, _("Saved: where you receive each kind of notification."))
            return redirect("notifications:channels")
        if action == "add_robot":
            form = RobotForm(request.POST)
            if form.is_valid():
                try:
                    robot = services.add_robot(actor=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    if services.test_robot(actor=request.user, robot=robot):
                        messages.success(request, _("Robot added; a test message was sent to its group."))
                    else:
                        messages.warning(
                            request, _("Robot added, but the test message did not arrive: see its error below.")
                        )
                    return redirect("notifications:channels")
    rows = [
        {
            "kind": kind,
            "label": label,
            "email": prefs.get((request.user.pk, kind), (True, True))[0],
            "robot": prefs.get((request.user.pk, kind), (True, True))[1],
        }
        for kind, label in Kind.choices
    ]
    return render(
        request,
        "notifications/channels.html",
        {
            "rows": rows,
            "robots": selectors.own_robots(request.user),
            "form": form,
            "has_email": bool(request.user.email),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def robot_action(request, pk, action):
    robot = selectors.own_robot(request.user, pk)
    if robot is None:
        raise Http404  # someone else's
    if action == "test":
        if services.test_robot(actor=request.user, robot=robot):
            messages.success(request, _("The test message was sent."))
        else:
            messages.error(request, _("The test message did not arrive: see the robot's error."))
    elif action == "remove":
        services.remove_robot(actor=request.user, robot=robot)
        messages.success(request, _("Robot removed: nothing more is sent to its group."))
    else:
        raise Http404
    return redirect("notifications:channels")
