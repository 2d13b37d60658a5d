"""The production figures' pages: where a reader starts (home), a committee's roll-up, an
enterprise's and a team's figures by month and quarter, and the honest answer to "did party work
help production?" (the effect analysis, with its Excel).

Who reads what is access's: `visible_enterprises` (an enterprise outside them does not exist
here: 404) and `readable_orgs` (the organisations whose enterprises the user reads as a body);
a pay figure of very few people is shown only to the enterprise's own HR
(permissions.may_see_pay_of_few). Members and employees read no figures (403)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dangjian.access import permissions
from dangjian.access.scopes import path_ids
from dangjian.ids import parse_id
from dangjian.jobs.services import record_export
from dangjian.organizations.models import Enterprise, Organization, OrgKind, ProductionUnit
from dangjian.ui.downloads import attachment as download

from . import charts, effects, reports, rollups, selectors, wording
from .analysis import NO_COMPARISON, OK
from .models import INCOME_MIN_HEADCOUNT, PASS_RATE, Aggregation, Direction, Indicator, Level

if TYPE_CHECKING:
    from dangjian.access.models import User

PAGE_MONTHS = 36  # the most months an enterprise's or a team's chart goes back
PICKER_LIMIT = 200


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _maybe_url(name: str, *args: Any) -> str | None:
    """The URL of another part's page, or None while that page does not exist (the entry pages
    are built alongside these)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _require_reader(user: User) -> None:
    if not permissions.may_see_indicators(user):
        raise permissions.indicators_refused()


def _highest_committee(user: User) -> Organization | None:
    return selectors.readable_orgs(user).filter(kind__in=rollups.COMMITTEE_KINDS).order_by("depth", "path").first()


def _number(indicator: Indicator, value: float | None) -> str:
    return "—" if value is None else wording.number(indicator, value)


def _comparable(indicator: Indicator, months: int, before_months: int) -> bool:
    """Whether two quarters' figures may be compared: a sum of two months is not less than a sum
    of three (a mean of fewer months still is a month's figure)."""
    return indicator.aggregation != Aggregation.SUM or (months >= 3 and before_months >= 3)


def _change(indicator: Indicator, change: float | None) -> tuple[str, str]:
    """The change as shown (signed, in the indicator's unit) and its colour's class."""
    if change is None:
        return "", ""
    decimals = indicator.shown_decimals
    text = f"{change:+,.{decimals}f}".replace("-", "−")
    if round(change, decimals) == 0:
        return text, "text-secondary"
    better = (change > 0) == (indicator.direction == Direction.HIGHER)
    return text, "text-success" if better else "text-danger"


def _pick(indicators: list[Indicator], raw: str | None) -> Indicator | None:
    pk = parse_id(raw) if raw else None
    chosen = next((i for i in indicators if i.pk == pk), None)
    return chosen or (indicators[0] if indicators else None)


def _spec(spec: dict[str, Any]) -> str:
    """A chart's spec for a data-chart-spec attribute: htmx drops the <script> of json_script
    from what it swaps in, and the analysis's result is swapped in."""
    return json.dumps(spec, ensure_ascii=False)


# --- where a reader starts ------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A committee's reader to its roll-up; the reader of one enterprise to its figures; else a
    choice of enterprises."""
    user = _user(request)
    _require_reader(user)
    org = _highest_committee(user)
    if org is not None:
        return redirect("indicators:rollup", org.pk)
    enterprises = list(selectors.visible_enterprises(user).order_by("name", "pk")[: PICKER_LIMIT + 1])
    if len(enterprises) == 1:
        return redirect("indicators:enterprise", enterprises[0].pk)
    return render(
        request,
        "indicators/home.html",
        {"enterprises": enterprises[:PICKER_LIMIT], "more": len(enterprises) > PICKER_LIMIT},
    )


# --- a committee's roll-up --------------------------------------------------------------------


@login_required
def rollup(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _require_reader(user)
    org = selectors.readable_orgs(user).filter(pk=pk, kind__in=rollups.COMMITTEE_KINDS).first()
    if org is None:
        raise Http404
    indicators = list(selectors.defaults().filter(archived=False))
    r = rollups.cached(user, org, indicators, selectors.this_month())
    chosen = _pick(indicators, request.GET.get("indicator"))
    # Reversed once, not once per row (a county may oversee hundreds of enterprises directly).
    base = reverse("indicators:rollup", args=[1]).rsplit("1/", 1)[0]
    enterprise_base = reverse("indicators:enterprise", args=[1]).rsplit("1/", 1)[0]

    def cells(row: rollups.Row) -> list[dict[str, Any]]:
        out = []
        for ind in indicators:
            cell = row.cells[ind.pk]
            comparable = _comparable(ind, cell.months, cell.before_months)
            change, css = _change(ind, cell.change if comparable else None)
            out.append(
                {
                    "figure": _number(ind, cell.figure),
                    "masked": cell.masked,
                    "months": cell.months,
                    "change": change,
                    "css": css,
                }
            )
        return out

    rows = [
        {
            "row": row,
            "url": f"{base}{row.org_id}/" if row.org_id is not None else f"{enterprise_base}{row.enterprise_id}/",
            "cells": cells(row),
        }
        for row in r.rows
    ]
    spec = None
    if chosen is not None:
        spec = charts.lines(
            "rollup-chart",
            _("%(indicator)s, %(org)s") % {"indicator": chosen.label, "org": org.display_name},
            chosen,
            r.months,
            rollups.line(user, org, r, chosen),
            share=r.share,
        )
    parent = (
        selectors.readable_orgs(user).filter(pk=org.parent_id, kind__in=rollups.COMMITTEE_KINDS).first()
        if org.parent_id
        else None
    )
    return render(
        request,
        "indicators/rollup.html",
        {
            "org": org,
            "parent": parent,
            "r": r,
            "indicators": indicators,
            "chosen": chosen,
            "rows": rows,
            "total": {"row": r.total, "cells": cells(r.total)},
            "quarter": charts.quarter_name(r.quarter),
            "before": charts.quarter_name(r.before),
            "spec": spec,
            "masked": any(c.masked for row in [*r.rows, r.total] for c in row.cells.values()),
            "analysis_url": reverse("indicators:analysis") + "?" + urlencode({"org": org.pk}),
            "few": INCOME_MIN_HEADCOUNT,
            "minutes": max(1, settings.DANGJIAN.get("DASHBOARD_SECONDS", 300) // 60),
        },
    )


# --- an enterprise --------------------------------------------------------------------------


def _enterprise_of(user: User, pk: int) -> Enterprise:
    ent = selectors.visible_enterprises(user).filter(pk=pk).select_related("supervising_org", "party_org").first()
    if ent is None:
        raise Http404
    return ent


def _quarter_rows(indicator: Indicator, points: list[selectors.Point]) -> list[dict[str, Any]]:
    """The quarter table: newest first, each with its change from the quarter before."""
    quarters = selectors.quarters(indicator, points)
    masked = {selectors.quarter_of(p.month) for p in points if p.masked}
    rows = []
    for i, (quarter, figure, months) in enumerate(quarters):
        previous = quarters[i - 1] if i else None
        change = None
        if (
            previous is not None
            and figure is not None
            and previous[1] is not None
            and previous[0] == _before(quarter)
            and _comparable(indicator, months, previous[2])
        ):
            change = figure - previous[1]
        text, css = _change(indicator, change)
        rows.append(
            {
                "quarter": charts.quarter_name(quarter),
                "figure": _number(indicator, figure),
                "months": months,
                "masked": quarter in masked,
                "change": text,
                "css": css,
            }
        )
    return list(reversed(rows))


def _before(quarter: tuple[int, int]) -> tuple[int, int]:
    return (quarter[0], quarter[1] - 1) if quarter[1] > 1 else (quarter[0] - 1, 4)


def _team_rows(
    ent: Enterprise,
    chosen: Indicator | None,
    units: list[ProductionUnit],
    coverage: dict[int, dt.date],
    latest: dt.date | None,
    *,
    may_see_few: bool,
) -> list[dict[str, Any]]:
    """The enterprise's teams, each with its figure of the latest month and its first day in a
    member's charge, linking to its own page on the same indicator."""
    figures = (
        selectors.team_figures(ent, chosen, latest, may_see_few=may_see_few)
        if chosen is not None and latest is not None and chosen.level == Level.TEAM
        else {}
    )
    base = reverse("indicators:team", args=[1]).rsplit("1/", 1)[0]
    query = f"?indicator={chosen.pk}" if chosen is not None else ""
    return [
        {
            "team": t,
            "url": f"{base}{t.pk}/{query}",
            "figure": figures.get(t.pk),
            "text": _number(chosen, figures[t.pk].value) if chosen is not None and t.pk in figures else "",
            "covered": coverage.get(t.pk),
        }
        for t in units
    ]


@login_required
def enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _require_reader(user)
    ent = _enterprise_of(user, pk)
    indicators = list(selectors.indicators_of(ent))
    chosen = _pick(indicators, request.GET.get("indicator"))
    may_few = permissions.may_see_pay_of_few(user, ent)
    this_month = selectors.this_month()
    points = selectors.series([ent.pk], chosen, may_see_few=may_few) if chosen is not None else []
    months = charts.window(points, last=this_month, at_most=PAGE_MONTHS)
    shown = [p for p in points if p.month >= months[0]]
    coverage = selectors.coverage_of(ent)
    units = list(selectors.teams_of(ent))
    first_covered = min(coverage.values()) if coverage else None
    spec = None
    if chosen is not None:
        marks = []
        if first_covered is not None:
            marks.append(
                (
                    first_covered.replace(day=1),
                    _("first team covered %(date)s") % {"date": first_covered.isoformat()},
                )
            )
        spec = charts.lines(
            "enterprise-chart",
            chosen.label,
            chosen,
            months,
            shown,
            share=rollups.share_of(sorted(coverage.values()), len(units), months),
            marks=marks,
        )
    latest = max((p.month for p in points if p.value is not None or p.masked), default=None)
    may_enter = permissions.may_enter_indicators(user, ent)
    return render(
        request,
        "indicators/enterprise.html",
        {
            "enterprise": ent,
            "indicators": indicators,
            "chosen": chosen,
            "spec": spec,
            "quarters": _quarter_rows(chosen, shown) if chosen is not None else [],
            "masked": any(p.masked for p in shown),
            "teams": _team_rows(ent, chosen, units, coverage, latest, may_see_few=may_few),
            "latest": latest,
            "first_covered": first_covered,
            "enter_url": _maybe_url("indicators:enter", ent.pk) if may_enter else None,
            "definitions_url": _maybe_url("indicators:definitions", ent.pk) if may_enter else None,
            "analysis_url": reverse("indicators:analysis")
            + "?"
            + urlencode({"enterprise": ent.pk} | ({"indicator": chosen.pk} if chosen is not None else {})),
            "county": _county_of(user, ent),
            "few": INCOME_MIN_HEADCOUNT,
        },
    )


# --- a team ---------------------------------------------------------------------------------


@login_required
def team(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _require_reader(user)
    unit = selectors.team_in_scope(user, pk)
    if unit is None:
        raise Http404
    ent = unit.enterprise
    indicators = [i for i in selectors.indicators_of(ent) if i.level == Level.TEAM]
    raw = request.GET.get("indicator")
    pk_chosen = parse_id(raw) if raw else None
    shown = [i for i in indicators if i.pk == pk_chosen] or indicators
    may_few = permissions.may_see_pay_of_few(user, ent)
    series = selectors.team_series(unit, shown, may_see_few=may_few)
    start = selectors.coverage_of(ent).get(unit.pk)
    this_month = selectors.this_month()
    months = charts.window([p for points in series.values() for p in points], last=this_month, at_most=PAGE_MONTHS)
    marks = [(start.replace(day=1), _("covered from %(date)s") % {"date": start.isoformat()})] if start else []
    blocks = []
    for ind in shown:
        points = [p for p in series[ind.pk] if p.month >= months[0]]
        blocks.append(
            {
                "indicator": ind,
                "spec": charts.lines(f"team-chart-{ind.pk}", ind.label, ind, months, points, marks=marks),
                "quarters": _quarter_rows(ind, points),
                "masked": any(p.masked for p in points),
                "empty": not points,
            }
        )
    return render(
        request,
        "indicators/team.html",
        {
            "team": unit,
            "enterprise": ent,
            "indicators": indicators,
            "one": len(shown) == 1 and len(indicators) > 1,
            "chosen": shown[0] if len(shown) == 1 else None,
            "blocks": blocks,
            "start": start,
            "few": INCOME_MIN_HEADCOUNT,
        },
    )


# --- the effect analysis --------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    label: str
    ids: list[int]
    org: Organization | None = None
    enterprise: Enterprise | None = None

    @property
    def query(self) -> dict[str, int]:
        if self.enterprise is not None:
            return {"enterprise": self.enterprise.pk}
        assert self.org is not None
        return {"org": self.org.pk}

    @property
    def audit_path(self) -> str:
        return self.org.path if self.org is not None else cast(Enterprise, self.enterprise).audit_org_path()


def _scope(user: User, params: Any) -> Scope | None:
    """The enterprise (?enterprise=) or the organisation (?org=) analysed; None: neither given,
    and the user reads no committee."""
    if params.get("enterprise"):
        pk = parse_id(params["enterprise"])
        ent = _enterprise_of(user, pk) if pk is not None else None
        if ent is None:
            raise Http404
        return Scope(ent.display_name, [ent.pk], enterprise=ent)
    if params.get("org"):
        pk = parse_id(params["org"])
        org = selectors.readable_orgs(user).filter(pk=pk).first() if pk is not None else None
        if org is None:
            raise Http404
    else:
        org = _highest_committee(user)
        if org is None:
            return None
    ids = list(selectors.visible_under(user, org).values_list("pk", flat=True))
    return Scope(org.display_name, ids, org=org)


def _analysis_indicator(scope: Scope, raw: str | None) -> Indicator:
    if not raw:
        chosen = selectors.defaults().filter(code=PASS_RATE).first()
        if chosen is None:
            raise Http404
        return chosen
    pk = parse_id(raw)
    chosen = selectors.indicator_of(scope.enterprise, pk) if pk is not None else None
    if chosen is None:
        raise Http404
    return chosen


def _county_of(user: User, ent: Enterprise) -> Organization | None:
    """The county above the enterprise, if the user reads its figures."""
    node = ent.supervising_org or ent.party_org
    if node is None:
        return None
    return selectors.readable_orgs(user).filter(pk__in=path_ids(node.path), kind=OrgKind.COUNTY_COMMITTEE).first()


def _answer(user: User, scope: Scope, indicator: Indicator) -> effects.Answer:
    title = _("What changed with coverage: %(indicator)s, %(scope)s") % {
        "indicator": indicator.label,
        "scope": scope.label,
    }
    return effects.answer(user, indicator, scope.ids, title)


def _result_context(user: User, scope: Scope, indicator: Indicator, answer: effects.Answer) -> dict[str, Any]:
    effect = answer.effect
    context: dict[str, Any] = {"answer": answer, "effect": effect, "indicator": indicator, "scope": scope}
    if effect is None:
        progress = answer.progress or {}
        total, done = progress.get("total") or 0, progress.get("done") or 0
        context.update(
            percent=min(100, int(100 * done / total)) if total else 0,
            message=progress.get("message", ""),
        )
        return context
    context.update(
        headline=wording.headline(indicator, effect),
        verdict=wording.verdict(indicator, effect),
        basis=wording.basis(effect) if effect.status == OK else "",
        cautions=wording.cautions(effect),
        methods=wording.methods_note(),
        figures=reports.figure_rows(indicator, effect) if effect.status == OK else [],
        spec=_spec(charts.event("analysis-event", indicator, effect)) if effect.event else None,
    )
    if effect.status == NO_COMPARISON and scope.enterprise is not None:
        county = _county_of(user, scope.enterprise)
        if county is not None:
            context["county"] = county
            context["county_url"] = (
                reverse("indicators:analysis") + "?" + urlencode({"org": county.pk, "indicator": indicator.pk})
            )
    return context


@login_required
def analysis(request: HttpRequest) -> HttpResponse:
    """The analysis of an organisation's or an enterprise's teams; while it is computed in the
    background, its progress, polled (an htmx request gets the result part alone)."""
    user = _user(request)
    _require_reader(user)
    scope = _scope(user, request.GET)
    if scope is None:
        return redirect("indicators:home")
    indicator = _analysis_indicator(scope, request.GET.get("indicator"))
    answer = _answer(user, scope, indicator)
    context = _result_context(user, scope, indicator, answer)
    query = scope.query | {"indicator": indicator.pk}
    context["query"] = urlencode(query)
    context["scope_query"] = urlencode(scope.query)
    if request.headers.get("HX-Request"):
        return render(request, "indicators/_analysis_result.html", context)
    choices = (
        list(selectors.indicators_of(scope.enterprise).filter(level=Level.TEAM))
        if scope.enterprise is not None
        else list(selectors.defaults().filter(archived=False))
    )
    if indicator not in choices:
        choices.append(indicator)
    context.update(
        choices=choices,
        back_url=(
            reverse("indicators:enterprise", args=[scope.enterprise.pk])
            if scope.enterprise is not None
            else reverse("indicators:rollup", args=[cast(Organization, scope.org).pk])
            if cast(Organization, scope.org).kind in rollups.COMMITTEE_KINDS
            else None
        ),
    )
    return render(request, "indicators/analysis.html", context)


@login_required
def analysis_xlsx(request: HttpRequest) -> HttpResponse:
    """The analysis as Excel (POST): its figures, the event study and the methods note; recorded
    in the audit log. Not while it is still being computed."""
    user = _user(request)
    _require_reader(user)
    scope = _scope(user, request.GET)
    if scope is None:
        raise Http404
    indicator = _analysis_indicator(scope, request.GET.get("indicator"))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    page = reverse("indicators:analysis") + "?" + urlencode(scope.query | {"indicator": indicator.pk})
    effect = _answer(user, scope, indicator).effect
    if effect is None:
        messages.info(request, _("The analysis is still being worked out: download it once the result is shown."))
        return redirect(page)
    data, name = reports.workbook(indicator, scope.label, effect, today=timezone.localdate())
    record_export(
        actor=user,
        object_type="indicators.analysis",
        object_id=scope.org.pk if scope.org is not None else cast(Enterprise, scope.enterprise).pk,
        name=name,
        changes={"indicator": indicator.code, "status": effect.status, "teams": effect.teams} | scope.query,
        org_path=scope.audit_path,
    )
    return download(data, name)
