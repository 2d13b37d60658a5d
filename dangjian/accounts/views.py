from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.access import selectors, services
from dangjian.access.permissions import may_assign_roles, may_create_logins, refused
from dangjian.access.scopes import CHANGE, ROLE
from dangjian.access.shortcuts import get_in_scope
from dangjian.organizations.models import Enterprise, Organization
from dangjian.people.selectors import visible_people
from dangjian.ui.forms import apply_errors

from .forms import RoleForm, TokenForm


class LoginView(auth_views.LoginView):
    template_name = "access/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        # The session, whom it signs in, the login event and the last login time commit together
        # or not at all: if a busy database refuses one (503 "try again"), nothing of the login
        # stays (docs/architecture.md, "A busy database").
        with transaction.atomic():
            response = super().form_valid(form)
            self.request.session.save()
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        # The logout event and the session's deletion commit together: a busy database refusing
        # either (503 "try again") leaves the person signed in and no event saying otherwise.
        with transaction.atomic():
            return super().post(request, *args, **kwargs)


@require_POST
def set_language(request):
    language = request.POST.get("language", "")
    if language not in dict(_languages()):
        language = "zh-hans"
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        nxt = "/"
    if request.user.is_authenticated:
        services.set_language(actor=request.user, user=request.user, language=language)
    translation.activate(language)
    response = HttpResponseRedirect(nxt)
    response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _languages():
    return settings.LANGUAGES


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The new password and the session that stays signed in with it commit together, so a busy
        # database refusing either leaves the old password and the session as they were.
        with transaction.atomic():
            services.change_password(actor=request.user, user=request.user, password=form.cleaned_data["new_password1"])
            update_session_auth_hash(request, request.user)
            request.session.save()
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    return render(request, "access/password_change.html", {"form": form})


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = services.create_token(actor=request.user, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "access/tokens.html",
        {
            "form": form,
            "raw": raw,
            "tokens": request.user.api_tokens.all(),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.token_of(request.user, pk)
    if token is None:
        raise Http404
    services.revoke_token(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("access:tokens")


def _anchor(request, kind, pk):
    if kind == "org":
        return get_in_scope(request.user, Organization, pk), True
    if kind == "enterprise":
        return get_in_scope(request.user, Enterprise, pk), False
    raise PermissionDenied


@login_required
def roles(request, kind, pk):
    anchor, is_org = _anchor(request, kind, pk)
    assignments = selectors.roles_on(request.user, anchor)
    may_change = may_assign_roles(request.user, anchor)
    form = RoleForm(request.POST or None, anchor_is_org=is_org, people=visible_people(request.user))
    if not may_create_logins(request.user):
        for name in ("person", "password"):
            del form.fields[name]
    if request.method == "POST":
        if not may_change:
            raise refused((ROLE, CHANGE))
        if form.is_valid():
            try:
                _assign(request, form, anchor, is_org)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Role assigned."))
                return redirect(reverse("access:roles", args=[kind, pk]))
    return render(
        request,
        "access/roles.html",
        {
            "anchor": anchor,
            "kind": kind,
            "assignments": assignments,
            "form": form,
            "may_change": may_change,
        },
    )


@transaction.atomic
def _assign(request, form, anchor, is_org):
    data = form.cleaned_data
    user = selectors.user_by_username(data["username"])
    if user is None:
        if not may_create_logins(request.user):
            raise ValidationError(
                {"username": _("There is no login with this name. Logins are created by the platform administrator.")}
            )
        if not data.get("person") or not data.get("password"):
            raise ValidationError(
                {
                    "username": _(
                        "There is no login with this name. To create one, choose the person and an initial password."
                    )
                }
            )
        user = services.create_user(
            actor=request.user, username=data["username"], password=data["password"], person=data["person"]
        )
    services.assign_role(
        actor=request.user,
        user=user,
        role=data["role"],
        organization=anchor if is_org else None,
        enterprise=None if is_org else anchor,
    )


@login_required
@require_POST
def role_revoke(request, pk):
    assignment = get_in_scope(request.user, selectors.role_assignments(), pk, CHANGE)
    kind, anchor_pk = (
        ("org", assignment.organization_id) if assignment.organization_id else ("enterprise", assignment.enterprise_id)
    )
    services.revoke_role(actor=request.user, assignment=assignment)
    messages.success(request, _("Role removed."))
    return redirect(reverse("access:roles", args=[kind, anchor_pk]))
