from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.access import selectors, services
from dangjian.access.permissions import (
    login_people,
    logins_give_refused,
    may_assign_roles,
    may_create_logins,
    may_give_logins,
    refused,
)
from dangjian.access.scopes import CHANGE, ROLE
from dangjian.access.selectors import client_address
from dangjian.access.shortcuts import get_in_scope
from dangjian.jobs.services import start_job
from dangjian.jobs.views import go_to_job
from dangjian.organizations.models import Enterprise, Organization
from dangjian.people.forms import PersonFilterForm
from dangjian.people.selectors import filter_people, people_with_pks, visible_people
from dangjian.ui.forms import apply_errors, run_or_say

from . import selectors as account_selectors
from . import services as account_services
from .forms import ActivateForm, ForgotForm, GiveLoginsForm, NewPasswordForm, RoleForm, TokenForm
from .tasks import print_sheet_task


class LoginView(auth_views.LoginView):
    template_name = "access/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reset_by_email": settings.PASSWORD_RESET_BY_EMAIL}

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
        started_on=data.get("started_on"),
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


# --- logins for everyone: codes given in bulk, used on the activation page ----------------------


def _chosen_people(request) -> tuple[list, str, bool, int]:
    """The people the giver chose: one (?person=) or a people-list filter (its query string).
    Returns those in the giver's login reach, a label, whether it is one person, and how many
    the choice matched before narrowing to that reach."""
    one = request.GET.get("person")
    if one:
        person = get_in_scope(request.user, visible_people(request.user), one)
        people = list(
            login_people(request.user, people_with_pks([person.pk]).select_related(*account_services.PEOPLE_RELATED))
        )
        return people, person.name, True, 1
    form = PersonFilterForm(request.GET or None, user=request.user)
    qs = visible_people(request.user)
    if form.is_valid():
        qs = filter_people(qs, form.cleaned_data, request.user)
    matched = qs.count()
    chosen = login_people(request.user, qs)
    if chosen.count() > account_services.MAX_PER_SHEET * 2:
        return [], _describe(form), False, matched
    people = list(chosen.select_related(*account_services.PEOPLE_RELATED).order_by("name", "pk"))
    return people, _describe(form), False, matched


def _describe(form) -> str:
    if not form.is_bound or not form.is_valid():
        return _("Everyone in your reach")
    parts = []
    for name, value in form.cleaned_data.items():
        if value in (None, ""):
            continue
        field = form.fields[name]
        shown = (
            dict(field.choices).get(value, value) if hasattr(field, "choices") and not hasattr(value, "pk") else value
        )
        parts.append(str(getattr(shown, "display_name", shown)))
    return " · ".join(parts) or _("Everyone in your reach")


@login_required
def logins_give(request):
    """What giving logins to the chosen people would do (GET), and doing it (POST)."""
    if not may_give_logins(request.user):
        raise logins_give_refused()
    people, label, one, matched = _chosen_people(request)
    if one and not people:
        raise logins_give_refused()
    todo = account_services.plan(people, reset=one, giver=request.user)
    form = GiveLoginsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            given = account_services.give_logins(
                actor=request.user, people=people, days=form.cleaned_data["days"], label=label, reset=one
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Codes given: %(what)s. Print the sheet and hand each person their card.")
                % {"what": account_services.sheet_summary(given)},
            )
            return redirect("access:sheet", given.sheet.pk)
    return render(
        request,
        "accounts/give.html",
        {
            "form": form,
            "todo": todo,
            "label": label,
            "one": one,
            "matched": matched,
            "outside": max(0, matched - len(people)) if people else 0,
            "too_many": not people and matched > account_services.MAX_PER_SHEET and not one,
            "max": account_services.MAX_PER_SHEET,
            "back": reverse("people:list") + ("?" + request.GET.urlencode() if not one else ""),
        },
    )


@login_required
def sheets(request):
    if not may_give_logins(request.user):
        raise logins_give_refused()
    return render(request, "accounts/sheets.html", {"sheets": account_selectors.sheets_of(request.user)[:100]})


@login_required
def sheet(request, pk):
    found = account_selectors.sheet_of(request.user, pk)
    if found is None:
        raise Http404
    if request.method == "POST":
        if not may_give_logins(request.user):
            raise logins_give_refused()
        job = start_job(
            actor=request.user,
            kind="login_sheet",
            title=_("Login codes: %(label)s") % {"label": found.label or found.pk},
            task=print_sheet_task,
            sheet_id=found.pk,
            base_url=request.build_absolute_uri("/"),
        )
        return go_to_job(request, job)
    limit = account_services.failure_limit()
    codes = [(c, account_selectors.state_of(c, limit)) for c in account_selectors.codes_on(found)]
    return render(
        request,
        "accounts/sheet.html",
        {"sheet": found, "codes": codes, "open": sum(1 for _c, s in codes if s == "open")},
    )


@login_required
@require_POST
def code_withdraw(request, pk):
    activation = account_selectors.code_given_by(request.user, pk)
    if activation is None:
        raise Http404
    run_or_say(
        request,
        lambda: account_services.withdraw(actor=request.user, activation=activation),
        _("The code was withdrawn: it no longer works."),
    )
    return redirect("access:sheet", activation.sheet_id)


def activate(request):
    """Where a card's QR code leads: the code, the end of the ID number, a password of one's own."""
    initial = {"code": request.GET.get("code", "")[:20]}
    form = ActivateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_services.use_code(
                code=data["code"],
                id_tail=data["id_tail"],
                password=data["password1"],
                address=client_address(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            with transaction.atomic():
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                request.session.save()
            messages.success(
                request,
                _("Your password is set and you are signed in. Next time, sign in with your login name %(name)s.")
                % {"name": user.get_username()},
            )
            return redirect("home")
    return render(request, "accounts/activate.html", {"form": form})


def _reset_by_email() -> None:
    if not settings.PASSWORD_RESET_BY_EMAIL:
        raise Http404


def password_forgotten(request):
    """ "Forgot your password?" where e-mail is set up: a link by e-mail, the same answer whether
    or not the login exists."""
    _reset_by_email()
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.send_reset_link(
                login=form.cleaned_data["login"],
                address=client_address(request),
                link=lambda user: request.build_absolute_uri(
                    reverse(
                        "password_reset",
                        args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
                    )
                ),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "If that login has an e-mail address, a link to set a new password is on its way. It works for three days."
                ),
            )
            return redirect("login")
    return render(request, "accounts/forgotten.html", {"form": form})


def password_reset(request, uidb64, token):
    _reset_by_email()
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        pk = None
    user = selectors.user_by_pk(pk) if pk else None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/reset_invalid.html", status=400)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            validate_password(form.cleaned_data["password1"], user)
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            account_services.set_password_by_link(user=user, password=form.cleaned_data["password1"])
            messages.success(request, _("Your new password is set. Sign in with it."))
            return redirect("login")
    return render(request, "accounts/reset.html", {"form": form, "username": user.get_username()})
