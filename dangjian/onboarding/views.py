"""The county set-up page: step 0 (the county itself, on a new installation), then its five
steps in order — the party tree, enterprises, rosters, role holders, logins — and its own
settings. Who may: access.permissions.may_set_up (the county's organisation department or one
above it, or a platform administrator)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.access.permissions import may_create_county, may_set_up, may_set_up_any, set_up_refused
from dangjian.birthdays import selectors as birthday_selectors
from dangjian.birthdays import services as birthday_services
from dangjian.branchlife import services as branchlife_services
from dangjian.branchlife.forms import FrequencyForm
from dangjian.branchlife.models import MeetingKind
from dangjian.branchlife.rules import REGULATED, SCHEDULED_KINDS
from dangjian.development import services as development_services
from dangjian.guidance import selectors as guidance_selectors
from dangjian.guidance import services as guidance_services
from dangjian.ids import parse_id
from dangjian.organizations import selectors as orgs
from dangjian.organizations.models import Organization
from dangjian.rosters import services as roster_services
from dangjian.rosters.columns import COUNTY_KINDS
from dangjian.ui.forms import apply_errors

from . import selectors, services
from .forms import CountyForm, FileForm, GreetingForm, LoginsForm, NoticeForm, VisitForm

SETTING_GROUPS = ("frequency", "development", "greeting", "visits")


@login_required
def start(request) -> HttpResponse:
    """Step 0 for a platform administrator on an installation without a county (or asking to add
    one); else the one committee the user sets up, or a choice of them."""
    user = request.user
    if not may_set_up_any(user):
        raise set_up_refused()
    if may_create_county(user) and (selectors.needs_county() or request.GET.get("new")):
        form = CountyForm(request.POST or None, prefectures=selectors.prefectures())
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                county = services.create_county(
                    actor=user, name=d["name"], name_en=d["name_en"], code=d["code"], parent=d["parent"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("%(county)s is registered.") % {"county": county.display_name})
                return redirect("onboarding:county", pk=county.pk)
        status = 400 if form.is_bound and form.errors else 200
        return render(request, "onboarding/county_new.html", {"form": form}, status=status)
    committees = selectors.committees_of(user)
    if request.GET.get("org"):
        pk = parse_id(request.GET.get("org"))
        chosen = next((c for c in committees if c.pk == pk), None)
        if chosen is None:
            raise Http404
        return redirect("onboarding:county", pk=chosen.pk)
    if len(committees) == 1:
        return redirect("onboarding:county", pk=committees[0].pk)
    return render(request, "onboarding/choose.html", {"committees": committees, "may_create": may_create_county(user)})


def _county(request, pk: int) -> Organization:
    """The county (or prefecture) committee `pk`, if the user sets it up; else not found."""
    org = orgs.org_with_pk(pk)
    if org is None or org.kind not in selectors.SETUP_KINDS or not may_set_up(request.user, org):
        raise Http404
    return org


# --- the settings in force, each group with its form -----------------------------------------


def _frequency_forms(county: Organization, data: Any = None) -> list[dict[str, Any]]:
    above = branchlife_services.rules_above(county)
    in_force = branchlife_services.rules_for([county])[county.pk]
    rows = []
    for kind in SCHEDULED_KINDS:
        rule = in_force[kind]
        initial = {"period": rule.period, "times": rule.times, "day_of_month": rule.day_of_month}
        rows.append(
            {
                "kind": kind,
                "label": MeetingKind(kind).label,
                "regulated": kind in REGULATED,
                "rule": rule,
                "above": above[kind],
                "own": rule != above[kind],
                "form": FrequencyForm(data, initial=initial, prefix=kind, kind=kind),
            }
        )
    return rows


def _settings(county: Organization, bound: dict[str, Any]) -> dict[str, Any]:
    own = orgs.own_settings(county, ["development_config", "birthday_config", "guidance_config"])
    development = development_services.config_for(county)
    birthday = birthday_selectors.config_for(county)
    guidance = guidance_selectors.config_for(county)
    return {
        "frequency": bound.get("frequency") or _frequency_forms(county),
        "development": {
            "own": "development_config" in own,
            "config": development,
            "form": bound.get("development") or NoticeForm(initial=dataclasses.asdict(development)),
        },
        "greeting": {
            "own": "birthday_config" in own,
            "config": birthday,
            "form": bound.get("greeting") or GreetingForm(initial=dataclasses.asdict(birthday)),
        },
        "visits": {
            "own": "guidance_config" in own,
            "config": guidance,
            "form": bound.get("visits") or VisitForm(initial={"visit_period": guidance.visit_period}),
        },
    }


def _page(request, county: Organization, bound: dict[str, Any] | None = None, status: int = 200):
    bound = bound or {}
    steps = selectors.steps(county)
    for step in steps:
        step.extra["form"] = bound.get(f"upload:{step.kind}") or FileForm(auto_id=f"id_{step.key}_%s")
    enterprises, units, n_enterprises, n_units = selectors.roster_rows(county)
    job = selectors.last_logins_job(request.user, county)
    ctx = {
        "county": county,
        "steps": steps,
        "enterprises": enterprises,
        "units": units,
        "n_enterprises": n_enterprises,
        "n_units": n_units,
        "tree": selectors.tree_codes(county),
        "logins_form": bound.get("logins") or LoginsForm(),
        "job": job,
        "sheets": (job.result or {}).get("sheets", []) if job is not None else [],
        "settings": _settings(county, bound),
        "others": len(selectors.committees_of(request.user)) > 1,
    }
    return render(request, "onboarding/county.html", ctx, status=status)


@login_required
def county(request, pk: int) -> HttpResponse:
    return _page(request, _county(request, pk))


@login_required
@require_POST
def upload(request, pk: int, kind: str) -> HttpResponse:
    """A file of the step's kind into this county: kept and checked, then its import page."""
    county = _county(request, pk)
    if kind not in COUNTY_KINDS:
        raise Http404
    step = next(s for s in selectors.steps(county) if s.kind == kind)
    form = FileForm(request.POST, request.FILES, auto_id=f"id_{step.key}_%s")
    if form.is_valid():
        f = form.cleaned_data["file"]
        try:
            imp = roster_services.upload(
                actor=request.user,
                target=county,
                file_name=f.name,
                data=f.read(roster_services.max_upload_bytes() + 1),  # the service refuses what is larger
                kind=kind,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("rosters:detail", pk=imp.pk)
    return _page(request, county, {f"upload:{kind}": form}, status=400)


@login_required
@require_POST
def logins(request, pk: int) -> HttpResponse:
    """Start the job giving the county's logins; its page shows the progress."""
    county = _county(request, pk)
    form = LoginsForm(request.POST)
    form.is_valid()  # one optional checkbox: always valid
    try:
        job = services.start_logins(actor=request.user, county=county, everyone=bool(form.cleaned_data.get("everyone")))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("onboarding:county", args=[county.pk]) + "#step-logins")
    return redirect("jobs:detail", pk=job.pk)


# --- saving a group of settings ---------------------------------------------------------------


def _save_frequency(request, county: Organization) -> dict[str, Any] | None:
    rows = _frequency_forms(county, request.POST)
    if not all(r["form"].is_valid() for r in rows):
        return {"frequency": rows}
    try:
        with transaction.atomic():
            for r in rows:
                d = r["form"].cleaned_data
                above = r["above"]
                try:
                    if (d["period"], d["times"], d.get("day_of_month")) == (
                        above.period,
                        above.times,
                        above.day_of_month,
                    ):
                        branchlife_services.reset_rule(actor=request.user, organization=county, kind=r["kind"])
                    else:
                        branchlife_services.save_rule(
                            actor=request.user,
                            organization=county,
                            kind=r["kind"],
                            period=d["period"],
                            times=d["times"],
                            day_of_month=d.get("day_of_month"),
                        )
                except ValidationError as exc:
                    apply_errors(r["form"], exc)
                    raise
    except ValidationError:
        return {"frequency": rows}
    return None


def _save_development(request, county: Organization) -> dict[str, Any] | None:
    form = NoticeForm(request.POST)
    if form.is_valid():
        fields = {**dataclasses.asdict(development_services.config_for(county)), **form.cleaned_data}
        try:
            development_services.save_config(actor=request.user, organization=county, **fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return None
    return {"development": form}


def _save_greeting(request, county: Organization) -> dict[str, Any] | None:
    form = GreetingForm(request.POST)
    if form.is_valid():
        fields = {**dataclasses.asdict(birthday_selectors.config_for(county)), **form.cleaned_data}
        try:
            birthday_services.save_config(actor=request.user, organization=county, **fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return None
    return {"greeting": form}


def _save_visits(request, county: Organization) -> dict[str, Any] | None:
    form = VisitForm(request.POST)
    if form.is_valid():
        current = guidance_selectors.config_for(county)
        try:
            guidance_services.save_config(
                actor=request.user,
                organization=county,
                visit_period=form.cleaned_data["visit_period"],
                topics=current.topics,  # kept as they are
                excellent_cap=current.excellent_cap,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return None
    return {"visits": form}


SAVERS = {
    "frequency": _save_frequency,
    "development": _save_development,
    "greeting": _save_greeting,
    "visits": _save_visits,
}


@login_required
@require_POST
def save_settings(request, pk: int, group: str) -> HttpResponse:
    county = _county(request, pk)
    saver = SAVERS.get(group)
    if saver is None:
        raise Http404
    failed = saver(request, county)
    if failed is not None:
        return _page(request, county, failed, status=400)
    messages.success(request, _("The county's settings are saved."))
    return redirect(reverse("onboarding:county", args=[county.pk]) + f"#settings-{group}")
