"""Pages of the figures' entry, for an enterprise's HR (managers and statisticians): the monthly
form per team, the month's completeness, the indicators collected (the defaults and the
enterprise's own), one figure with its corrections, and the figures as Excel.

Views are thin: who may do what is access's (permissions.may_see_indicators,
may_enter_indicators, may_see_pay_of_few); every figure is written by services.record_values;
an enterprise the user may not read is 404, one they read but may not enter is 403."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dangjian.access import permissions
from dangjian.access.scopes import VIEW
from dangjian.access.shortcuts import get_in_scope
from dangjian.exports.services import sync_limit
from dangjian.ids import parse_id
from dangjian.jobs.services import start_job
from dangjian.jobs.views import go_to_job
from dangjian.organizations.models import Enterprise, ProductionUnit
from dangjian.ui.downloads import attachment
from dangjian.ui.forms import apply_errors, read_month, run_or_say, save_form_page
from dangjian.ui.paging import paginate

from . import completeness, selectors, services, values_export
from .forms import FiguresForm, IndicatorForm, figure_text, plausible_text
from .models import Indicator, Value

if TYPE_CHECKING:
    import datetime as dt

    from dangjian.access.models import User


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _enterprise(request: HttpRequest, pk: int) -> Enterprise:
    """An enterprise whose figures the user reads (404 for any other)."""
    user = _user(request)
    if not permissions.may_see_indicators(user):
        raise permissions.indicators_refused()
    enterprise = selectors.visible_enterprises(user, VIEW).filter(pk=pk).first()
    if enterprise is None:
        raise Http404
    return enterprise


def _entering(request: HttpRequest, pk: int) -> Enterprise:
    """An enterprise whose figures the user enters (its HR); read but not entered is 403."""
    enterprise = _enterprise(request, pk)
    if not permissions.may_enter_indicators(_user(request), enterprise):
        raise permissions.entry_refused()
    return enterprise


def _own_indicator(request: HttpRequest, pk: int) -> Indicator:
    """An enterprise's own indicator, to change: 404 unless its enterprise's figures are the
    user's to read (the defaults are nobody's to change), 403 unless theirs to enter."""
    user = _user(request)
    if not permissions.may_see_indicators(user):
        raise permissions.indicators_refused()
    indicator = (
        Indicator.objects.filter(pk=pk, enterprise__in=selectors.visible_enterprises(user, VIEW))
        .select_related("enterprise")
        .first()
    )
    if indicator is None or indicator.enterprise is None:
        raise Http404
    if not permissions.may_enter_indicators(user, indicator.enterprise):
        raise permissions.entry_refused()
    return indicator


def _last_month() -> dt.date:
    return selectors.add_months(selectors.this_month(), -1)


def _month_of(request: HttpRequest) -> tuple[dt.date, str]:
    return read_month(request.GET.get("month"), default=_last_month(), latest=selectors.this_month())


def enter_url(enterprise_id: int, month: dt.date, team_id: int | None = None) -> str:
    url = f"{reverse('indicators:enter', args=[enterprise_id])}?month={month:%Y-%m}"
    return f"{url}&team={team_id}" if team_id is not None else url


def month_url(enterprise_id: int, month: dt.date) -> str:
    return f"{reverse('indicators:month', args=[enterprise_id])}?month={month:%Y-%m}"


# --- the monthly form -------------------------------------------------------------------------------


def _team_groups(teams: list[ProductionUnit]) -> list[tuple[str, list[ProductionUnit]]]:
    """The team list's groups: each workshop's teams (in ordered_teams' order)."""
    groups: list[tuple[str, list[ProductionUnit]]] = []
    for team in teams:
        label = team.parent.display_name if team.parent is not None else _("No workshop")
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(team)
    return groups


def _outcome_text(outcome: services.Outcome) -> str:
    if not outcome.written:
        return _("Nothing changed: the figures are as they were stored.")
    text = _("Saved. New figures: %(created)d; corrected: %(corrected)d; withdrawn: %(withdrawn)d.") % {
        "created": outcome.created,
        "corrected": outcome.corrected,
        "withdrawn": outcome.withdrawn,
    }
    if outcome.confirmed:
        text += " " + _("%(n)d stored outside the plausible range, as confirmed.") % {"n": outcome.confirmed}
    return text


def _save(request: HttpRequest, enterprise: Enterprise, form: FiguresForm, month: dt.date) -> services.Outcome | None:
    """Check the changed inputs (each refusal on its input), then store them through the one
    write path; None when nothing was stored."""
    pairs = form.entries(month)
    entries = [entry for _row, entry in pairs]
    refused = False
    for (row, _entry), (_checked, errors) in zip(pairs, services.check_entries(enterprise, entries), strict=True):
        if errors:
            form.add_error(row.name, errors)
            refused = True
    if refused:
        return None
    try:
        return services.record_values(
            actor=_user(request),
            enterprise=enterprise,
            entries=entries,
            confirm=form.cleaned_data["confirm"],
            reason=form.cleaned_data["reason"],
        )
    except services.Unconfirmed as exc:
        form.unconfirmed = exc.items
        for row, entry in pairs:
            row.warning = services.out_of_range(entry) or ""
    except ValidationError as exc:
        apply_errors(form, exc)
    return None


@login_required
def enter(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _entering(request, pk)
    month, month_error = _month_of(request)
    teams = list(completeness.ordered_teams(enterprise))
    team: ProductionUnit | None = teams[0] if teams else None
    team_error = ""
    raw_team = request.GET.get("team")
    if raw_team:
        chosen = parse_id(raw_team)
        team = next((t for t in teams if t.pk == chosen), None)
        if team is None:
            team_error = _("That is not one of this enterprise's production teams: choose one from the list.")
    team_indicators, enterprise_indicators = completeness.split(list(selectors.indicators_of(enterprise)))
    form = FiguresForm(
        request.POST if request.method == "POST" else None,
        team=team,
        team_indicators=team_indicators,
        enterprise_indicators=enterprise_indicators,
        stored=completeness.stored_for(enterprise, month, team),
    )
    next_team = None
    if team is not None:
        at = teams.index(team)
        next_team = teams[at + 1] if at + 1 < len(teams) else None
    if request.method == "POST":
        if month_error or team_error:
            form.add_error(None, _("Nothing was stored: choose the month and the team again."))
        elif form.is_valid():
            outcome = _save(request, enterprise, form, month)
            if outcome is not None:
                messages.success(request, _outcome_text(outcome))
                if request.POST.get("then") == "next":
                    if next_team is None:
                        messages.info(request, _("That was the last team of the list."))
                        return redirect(month_url(enterprise.pk, month))
                    return redirect(enter_url(enterprise.pk, month, next_team.pk))
                return redirect(enter_url(enterprise.pk, month, team.pk if team is not None else None))
    context: dict[str, Any] = {
        "enterprise": enterprise,
        "month": month,
        "latest": selectors.this_month(),
        "month_error": month_error,
        "team_error": team_error,
        "team": team,
        "groups": _team_groups(teams),
        "next_team": next_team,
        "form": form,
        "action": enter_url(enterprise.pk, month, team.pk if team is not None else None),
    }
    # A figure awaiting its confirmation is a question (200); a refusal is 400.
    status = 400 if form.errors or month_error or team_error else 200
    return render(request, "indicators/enter.html", context, status=status)


# --- the month's completeness -------------------------------------------------------------------------


@login_required
def month(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    user = _user(request)
    chosen, month_error = _month_of(request)
    team_indicators, enterprise_indicators = completeness.split(list(selectors.indicators_of(enterprise)))
    required = [i.pk for i in team_indicators]
    missing_only = request.GET.get("missing") == "1"
    rows = paginate(request, completeness.month_rows(enterprise, chosen, required, missing_only=missing_only))
    summary = completeness.month_summary(enterprise, chosen, required, [i.pk for i in enterprise_indicators])
    query = f"month={chosen:%Y-%m}" + ("&missing=1" if missing_only else "")
    return render(
        request,
        "indicators/month.html",
        {
            "enterprise": enterprise,
            "month": chosen,
            "latest": selectors.this_month(),
            "previous": selectors.add_months(chosen, -1),
            "following": selectors.add_months(chosen, 1) if chosen < selectors.this_month() else None,
            "month_error": month_error,
            "required": len(required),
            "rows": rows,
            "summary": summary,
            "missing_only": missing_only,
            "querystring": query,
            "may_enter": permissions.may_enter_indicators(user, enterprise),
        },
        status=400 if month_error else 200,
    )


# --- definitions ------------------------------------------------------------------------------------------


def _definitions_url(enterprise_id: int) -> str:
    return reverse("indicators:definitions", args=[enterprise_id])


@login_required
def definitions(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    indicators = list(selectors.indicators_of(enterprise, archived=True).order_by("archived", "order", "pk"))
    return render(
        request,
        "indicators/definitions.html",
        {
            "enterprise": enterprise,
            "indicators": [(i, plausible_text(i)) for i in indicators],
            "may_enter": permissions.may_enter_indicators(_user(request), enterprise),
        },
    )


@login_required
def define(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _entering(request, pk)
    form = IndicatorForm(request.POST or None)
    return save_form_page(
        request,
        form,
        lambda d: services.define_indicator(actor=_user(request), enterprise=enterprise, spec=form.spec()),
        done=_("The indicator is added: its figures are entered from now on."),
        title=_("Add an indicator"),
        subtitle=enterprise.display_name,
        cancel_url=_definitions_url(enterprise.pk),
        note=_("The six defaults are collected by every enterprise; add the figures your enterprise also keeps."),
    )


@login_required
def edit_definition(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _own_indicator(request, pk)
    assert indicator.enterprise is not None
    form = IndicatorForm(request.POST or None, initial=IndicatorForm.initial_of(indicator))
    return save_form_page(
        request,
        form,
        lambda d: services.update_indicator(actor=_user(request), indicator=indicator, spec=form.spec()),
        done=_("The indicator is saved."),
        title=_("Change %(indicator)s") % {"indicator": indicator.label},
        subtitle=indicator.enterprise.display_name,
        cancel_url=_definitions_url(indicator.enterprise.pk),
    )


@login_required
def archive_definition(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _own_indicator(request, pk)
    assert indicator.enterprise is not None
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    archived = request.POST.get("archived") != "0"
    run_or_say(
        request,
        lambda: services.archive_indicator(actor=_user(request), indicator=indicator, archived=archived),
        _("%(indicator)s is no longer collected; its figures stay.") % {"indicator": indicator.label}
        if archived
        else _("%(indicator)s is collected again.") % {"indicator": indicator.label},
    )
    return redirect(_definitions_url(indicator.enterprise.pk))


# --- one figure ---------------------------------------------------------------------------------------------


@login_required
def value(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    v: Value = get_in_scope(
        user, Value.objects.select_related("indicator", "enterprise", "team__parent", "entered_by__person"), pk, VIEW
    )
    may_enter = permissions.may_enter_indicators(user, v.enterprise)
    masked = completeness.pay_hidden(v, may_see_few=permissions.may_see_pay_of_few(user, v.enterprise))
    revisions = (
        []
        if masked
        else [
            (r, figure_text(r.old) or "—", figure_text(r.new) or "—")
            for r in selectors.revisions_of(v).select_related("changed_by__person")
        ]
    )
    return render(
        request,
        "indicators/value.html",
        {
            "v": v,
            "masked": masked,
            "figure": figure_text(v.value),
            "plausible": plausible_text(v.indicator),
            "revisions": revisions,
            "may_enter": may_enter,
            "enter_url": enter_url(v.enterprise_id, v.month, v.team_id),
        },
    )


# --- the figures as Excel -----------------------------------------------------------------------------------


@login_required
def values_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """A POST (it writes an audit event); ?first= and ?last= bound the months."""
    enterprise = _enterprise(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = _user(request)
    params = request.POST if "first" in request.POST or "last" in request.POST else request.GET
    latest = selectors.this_month()
    bounds = []
    for key in ("first", "last"):
        month, error = read_month(params.get(key), default=latest, latest=latest)
        if error:
            messages.error(request, _("Nothing was exported. %(problem)s") % {"problem": error})
            return redirect(month_url(enterprise.pk, _last_month()))
        bounds.append(month if params.get(key) else None)
    period = values_export.Period(*bounds)
    if period.first is not None and period.last is not None and period.first > period.last:
        messages.error(request, _("Nothing was exported: the first month comes after the last one."))
        return redirect(month_url(enterprise.pk, _last_month()))
    if values_export.size(enterprise, period) > sync_limit():
        job = start_job(
            actor=user,
            kind="export",
            title=_("Excel export: %(name)s") % {"name": f"{values_export.STEM} · {enterprise.display_name}"},
            task=values_export.values_task,
            user_id=user.pk,
            enterprise_id=enterprise.pk,
            language=translation.get_language() or "",
            **period.as_params(),
        )
        return go_to_job(request, job)
    data, name, rows, withheld = values_export.workbook(user, enterprise, period)
    values_export.exported(actor=user, enterprise=enterprise, period=period, name=name, rows=rows, withheld=withheld)
    return attachment(data, name)
