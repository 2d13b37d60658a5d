"""Membership development pages: the branch board, the county pipeline, a candidate's page with
the form that records the next step, applications (by the secretary or online), the ledger
download and the local settings. Views are thin: the rules speak through the services."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian import files
from dangjian.access import permissions
from dangjian.access.scopes import CANDIDACY, CHANGE, can
from dangjian.access.shortcuts import create_in_scope, get_in_scope
from dangjian.exports.selectors import covering_org_path
from dangjian.exports.services import filters_of
from dangjian.organizations.models import Organization
from dangjian.people.selectors import visible_people
from dangjian.ui.downloads import attachment
from dangjian.ui.forms import apply_errors, save_form_page, uploaded
from dangjian.ui.paging import paginate, query_without

from . import selectors, services
from .forms import ApplicationForm, ConfigForm, OnlineApplicationForm, StepForm, WithdrawForm
from .ledger import pipeline_workbook
from .ledger import workbook as ledger_workbook
from .models import OPEN_STAGES, Candidacy, DevelopmentConfig, Outcome, StepDocument


def _require_development(user: Any) -> None:
    if not permissions.may_see_development(user):
        raise permissions.development_refused()


def _chosen_org(request) -> Organization | None:
    """?org=<pk> among the organisations the user may see (else 404), or the user's own."""
    pk = request.GET.get("org")
    if pk:
        return get_in_scope(request.user, selectors.board_orgs(request.user), pk)
    return selectors.default_org(request.user)


def _may_configure(user: Any, org: Organization | None) -> bool:
    return org is not None and org.kind in selectors.LOCAL_PRACTICE_KINDS and can(user, CHANGE, org)


# --- board and pipeline -----------------------------------------------------------------------


@login_required
def board(request):
    _require_development(request.user)
    org = _chosen_org(request)
    context: dict[str, Any] = {"org": org, "orgs": selectors.board_orgs(request.user)}
    if org is not None:
        context.update(
            board=selectors.board(request.user, org),
            may_apply=can(request.user, CHANGE, org)
            and permissions.may_record_applications(request.user, selectors.party_units()),
            may_configure=_may_configure(request.user, org),
        )
    return render(request, "development/board.html", context)


@login_required
def pipeline(request):
    _require_development(request.user)
    root = _chosen_org(request)
    rows = selectors.pipeline(request.user, root) if root is not None else []
    if request.method == "POST":  # the table as Excel
        if root is None:
            raise Http404
        data, name, count = pipeline_workbook(rows, root)
        services.pipeline_exported(actor=request.user, name=name, rows=count, org=root)
        return attachment(data, name)
    return render(
        request,
        "development/pipeline.html",
        {
            "org": root,
            "orgs": selectors.board_orgs(request.user),
            "page": paginate(request, rows),
            "querystring": query_without(request, "page"),
            "stages": [selectors.STAGE_LABELS[s] for s in selectors.BOARD_STAGES],
            "overdue": sum(r.overdue for r in rows),
            "may_configure": _may_configure(request.user, root),
        },
    )


# --- one candidacy ------------------------------------------------------------------------------


def _candidacy(request, pk, action: str = "view") -> Candidacy:
    return get_in_scope(request.user, selectors.visible_candidacies(request.user), pk, action)


def _not_mine(user: Any, candidacy: Candidacy) -> frozenset[int]:
    """The steps the user may not record here: the higher committee's and the department's,
    unless the user acts from above the candidacy's organisation."""
    return frozenset() if permissions.acts_above(user, candidacy.organization.path) else services.HIGHER_STEPS


def _detail(request, candidacy: Candidacy, *, form: Any = None, withdraw_form: Any = None, status: int = 200):
    steps = selectors.steps_of(candidacy)
    withdrawn = candidacy.outcome == Outcome.WITHDRAWN
    due = services.due_for(candidacy, steps=steps)
    may_change = can(request.user, CHANGE, candidacy)
    may_reveal = permissions.may_see_conclusion(request.user, candidacy, candidacy.person)
    if may_change and not withdrawn and form is None:
        chosen = request.GET.get("step")
        form = StepForm(
            history=services.history(candidacy, steps),
            due=due,
            full_members=selectors.full_members(candidacy.organization),
            step=chosen,
            reload_url=reverse("development:detail", args=[candidacy.pk]),
            carry=request.GET,
            exclude=_not_mine(request.user, candidacy),
        )
    if form is not None and form.number is None:
        form = None  # nothing left to record
    context = {
        "c": candidacy,
        "person": candidacy.person,
        "since": selectors.stage_since(candidacy),
        "timeline": selectors.timeline(steps, see_review=may_reveal),
        "due": due,
        "form": form,
        "may_change": may_change,
        "may_reveal": may_reveal,
        "may_see_person": _may_see_person(request.user, candidacy),
        "withdraw_form": withdraw_form or (WithdrawForm() if may_change and candidacy.stage in OPEN_STAGES else None),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "record-form":
        return render(request, "development/_record_form.html", context, status=status)
    return render(request, "development/detail.html", context, status=status)


def _may_see_person(user: Any, candidacy: Candidacy) -> bool:
    return visible_people(user).filter(pk=candidacy.person_id).exists()


@login_required
def detail(request, pk):
    if request.method != "POST":
        return _detail(request, _candidacy(request, pk))
    candidacy = _candidacy(request, pk, CHANGE)
    if candidacy.outcome == Outcome.WITHDRAWN:
        raise PermissionDenied(_("This application was withdrawn: no further steps can be recorded on it."))
    steps = selectors.steps_of(candidacy)
    form = StepForm(
        request.POST,
        request.FILES,
        history=services.history(candidacy, steps),
        due=services.due_for(candidacy, steps=steps),
        full_members=selectors.full_members(candidacy.organization),
        reload_url=reverse("development:detail", args=[candidacy.pk]),
        exclude=_not_mine(request.user, candidacy),
    )
    if form.is_valid():
        try:
            step = services.record_step(actor=request.user, candidacy=candidacy, **form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Step %(n)d recorded.") % {"n": step.number})
            return redirect("development:detail", candidacy.pk)
    return _detail(request, candidacy, form=form, status=400)


@login_required
@require_POST
def withdraw(request, pk):
    candidacy = _candidacy(request, pk, CHANGE)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw(
                actor=request.user, candidacy=candidacy, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The application is closed as withdrawn."))
            return redirect("development:detail", candidacy.pk)
    return _detail(request, candidacy, withdraw_form=form, status=400)


@login_required
@require_POST
def conclusion(request, pk):
    value = services.reveal_conclusion(actor=request.user, candidacy=_candidacy(request, pk))
    return render(request, "development/_revealed.html", {"value": value or "—"})


@login_required
def document(request, pk):
    candidacy = selectors.document_candidacy(request.user, pk)
    if candidacy is None:
        raise Http404
    doc = StepDocument.objects.select_related("step__candidacy__organization").get(pk=pk)
    if doc.step.number == 10 and not permissions.may_see_conclusion(request.user, candidacy, candidacy.person):
        raise Http404  # the political review's papers go with its conclusion: as if unknown
    if request.method != "POST":  # it writes an audit event: no link from elsewhere may trigger it
        return HttpResponseNotAllowed(["POST"])
    return attachment(files.opened(actor=request.user, document=doc), doc.file_name, doc.content_type)


# --- applications ----------------------------------------------------------------------------


@login_required
def apply(request):
    if permissions.may_record_applications(request.user, selectors.party_units()):
        return _apply_for_someone(request)
    person = getattr(request.user, "person", None)
    if not permissions.may_apply_online(person):
        raise permissions.apply_online_refused(person)
    return _apply_online(request, person)


def _apply_for_someone(request):
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        people=selectors.applicable_people(request.user),
        orgs=selectors.application_orgs(request.user),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            candidacy = create_in_scope(
                request.user,
                lambda: services.apply(
                    actor=request.user,
                    person=d["person"],
                    organization=d["organization"],
                    applied_on=d["applied_on"],
                    note=d["note"],
                    documents=uploaded(d["documents"]),
                ),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Application recorded."))
            return redirect("development:detail", candidacy.pk)
    return render(
        request,
        "development/apply.html",
        {"form": form, "online": False, "cancel_url": reverse("development:board")},
        status=400 if form.is_bound and form.errors else 200,
    )


def _apply_online(request, person):
    org = person.employer.party_org
    form = OnlineApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            candidacy = services.apply(
                actor=request.user,
                person=person,
                organization=org,
                applied_on=timezone.localdate(),
                acted_by=person.name,
                note=d["text"],
                documents=uploaded(d["documents"]),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your application has been sent to %(org)s.") % {"org": org.display_name})
            return redirect("development:detail", candidacy.pk)
    return render(
        request,
        "development/apply.html",
        {"form": form, "online": True, "org": org, "cancel_url": reverse("home")},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- the ledger (发展党员台账) -------------------------------------------------------------------


@login_required
def ledger(request):
    _require_development(request.user)
    org = _chosen_org(request) if request.GET.get("org") else None
    qs = selectors.ledger(request.user, org)
    if request.method == "GET":
        return render(
            request,
            "development/ledger.html",
            {"org": org, "orgs": selectors.board_orgs(request.user), "count": qs.count()},
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    data, name, rows = ledger_workbook(qs, org)
    services.ledger_exported(
        actor=request.user,
        name=name,
        rows=rows,
        filters=filters_of(request.GET),
        org_path=org.path if org is not None else covering_org_path(request.user, CANDIDACY),
    )
    return attachment(data, name)


# --- local settings -------------------------------------------------------------------------


@login_required
def settings(request, pk):
    org = get_in_scope(request.user, Organization, pk, CHANGE)
    if org.kind not in selectors.LOCAL_PRACTICE_KINDS:
        raise Http404
    config = DevelopmentConfig.objects.filter(organization=org).first()
    if config is None:
        inherited = services.config_for(org)
        config = DevelopmentConfig(organization=org, **dataclasses.asdict(inherited))
    form = ConfigForm(request.POST or None, instance=config)
    return save_form_page(
        request,
        form,
        lambda data: services.save_config(actor=request.user, organization=org, **data),
        done=_("Development settings saved."),
        title=_("Membership development settings"),
        subtitle=org.display_name,
        cancel_url=reverse("development:pipeline") + f"?org={org.pk}",
        note=_(
            "Local practice for every organisation under this one that has no settings of its own. "
            "The rules set by the regulations cannot be changed here."
        ),
    )
