"""/indicators: production indicators (DOMAIN.md §5) for integrations — the definitions an
enterprise collects, its monthly figures by team (read, entered, corrected and withdrawn in
batches), their series by month and quarter, and the honest answer to "did the teams do better
once a member took charge of them?" (indicators.analysis, in indicators.wording's plain words).

The same path as the pages: every write goes through indicators.services (one all-or-nothing
`record_values` for figures; definitions through define/update/archive_indicator), which audit
and word a refusal in the user's language (422). Who may do what is asked of access.permissions:
figures are read by the enterprises' managers and statisticians, their branch's officers and
instructor and the committees above (`visible_enterprises`), entered only by the enterprise's
managers and statisticians (`may_enter_indicators`). An enterprise, team or figure outside the
caller's reach answers as one that does not exist (404 by path or query, 422 in a body).

Pay: a team's average income where the team has fewer than INCOME_MIN_HEADCOUNT people (or no
headcount that month) would show one or two people's pay, so it is left out of every answer
unless the caller is the enterprise's own HR (`may_see_pay_of_few`).
"""

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import StrictFloat, StrictStr

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import CHANGE
from dangjian.access.shortcuts import get_in_scope, resolve_ref
from dangjian.ids import parse_id
from dangjian.indicators import analysis, effects, selectors, services, wording
from dangjian.indicators.models import (
    Aggregation,
    Direction,
    Indicator,
    Level,
    Revision,
    Value,
)
from dangjian.jobs import selectors as jobs
from dangjian.organizations.models import Enterprise, ProductionUnit

from .auth import actor
from .common import Page
from .errors import ERRORS
from .values import Blankable, Id, Month, Omittable, Patch

router = Router(tags=["indicators"])

# Literals, not the models' enum classes: "Direction", "Level" and the like are names other
# documents may take (api/tests/test_schema_names.py), and a literal says its values in place.
IndicatorDirection = Literal["higher", "lower"]
IndicatorLevel = Literal["team", "enterprise"]
IndicatorAggregation = Literal["sum", "mean", "weighted"]
AnalysisStatus = Literal["ok", "no_covered", "no_comparison", "too_little"]
assert set(get_args(IndicatorDirection)) == set(Direction.values)
assert set(get_args(IndicatorLevel)) == set(Level.values)
assert set(get_args(IndicatorAggregation)) == set(Aggregation.values)
assert set(get_args(AnalysisStatus)) == {analysis.OK, analysis.NO_COVERED, analysis.NO_COMPARISON, analysis.TOO_LITTLE}

MAX_ENTRIES = 5000
REF_DESCRIPTION = "An indicator's id, or its code (output, pass_rate, on_time, efficiency, income, headcount, …)."
# A figure as the decimal field keeps it: 14 digits, 4 after the point.
Bound = Annotated[Decimal, Field(max_digits=14, decimal_places=4)]


# --- schemas ---------------------------------------------------------------------------------


class IndicatorOut(Schema):
    id: int
    enterprise_id: int | None = Field(description="null: one of the defaults every enterprise has.")
    code: str
    label: str = Field(description="The name to show, in the caller's language where one is kept.")
    name: str
    name_en: str
    unit: str = Field(description="The unit as stored.")
    unit_label: str = Field(description="The unit to show, in the caller's language for the defaults.")
    direction: IndicatorDirection = Field(description="Whether a higher or a lower figure is better.")
    level: IndicatorLevel = Field(description="Kept per production team, or for the whole enterprise.")
    aggregation: IndicatorAggregation = Field(
        description="How a quarter is made of its months (and an enterprise's month of its teams')."
    )
    decimals: int
    plausible_min: float | None = Field(description="A figure below this needs a confirmation to be stored.")
    plausible_max: float | None = Field(description="A figure above this needs a confirmation to be stored.")
    income: bool = Field(description="An average of pay: a very small team's figure is shown to the enterprise only.")
    archived: bool = Field(description="No longer collected; its figures stay.")
    order: int

    @staticmethod
    def resolve_plausible_min(obj: Indicator) -> float | None:
        return _number(obj.plausible_min)

    @staticmethod
    def resolve_plausible_max(obj: Indicator) -> float | None:
        return _number(obj.plausible_max)


class IndicatorIn(Schema):
    enterprise_id: Id = Field(description="An enterprise whose figures you enter.")
    name: str = Field(min_length=1, max_length=60)
    name_en: Blankable[str] = Field("", max_length=60)
    unit: Blankable[str] = Field("", max_length=30)
    direction: IndicatorDirection = "higher"
    level: IndicatorLevel = "team"
    aggregation: IndicatorAggregation = "mean"
    decimals: int = Field(0, ge=0, le=4)
    plausible_min: Bound | None = None
    plausible_max: Bound | None = None
    income: bool = False


class IndicatorPatch(Patch):
    name: Omittable[str] = Field(None, min_length=1, max_length=60)
    name_en: Omittable[Blankable[str]] = Field(None, max_length=60)
    unit: Omittable[Blankable[str]] = Field(None, max_length=30)
    direction: Omittable[IndicatorDirection] = None
    level: Omittable[IndicatorLevel] = Field(None, description="Only while no figure is stored.")
    aggregation: Omittable[IndicatorAggregation] = None
    decimals: Omittable[int] = Field(None, ge=0, le=4)
    plausible_min: Bound | None = Field(None, description="null: no lower bound.")
    plausible_max: Bound | None = Field(None, description="null: no upper bound.")
    income: Omittable[bool] = None
    archived: Omittable[bool] = Field(None, description="true: no longer collected (its figures stay); false: again.")


class IndicatorFilters(Schema):
    enterprise: Id | None = Field(None, description="The enterprise's own indicators besides the defaults.")
    archived: bool | None = Field(None, description="false: only those still collected; true: only the archived.")


class FigureOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    team_id: int | None = Field(description="null: a figure of the whole enterprise.")
    team_name: str | None
    indicator_id: int
    indicator_code: str
    indicator_label: str
    unit: str
    month: str = Field(description="YYYY-MM.", examples=["2026-03"])
    value: float
    confirmed: bool = Field(description="Outside the indicator's plausible range, and confirmed by its writer.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_enterprise_name(obj: Value) -> str:
        return obj.enterprise.display_name

    @staticmethod
    def resolve_team_name(obj: Value) -> str | None:
        return obj.team.display_name if obj.team is not None else None

    @staticmethod
    def resolve_indicator_code(obj: Value) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_indicator_label(obj: Value) -> str:
        return obj.indicator.label

    @staticmethod
    def resolve_unit(obj: Value) -> str:
        return obj.indicator.unit_label

    @staticmethod
    def resolve_month(obj: Value) -> str:
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_value(obj: Value) -> float:
        assert obj.value is not None  # withdrawn figures are never listed
        return float(obj.value)


class CorrectionOut(Schema):
    old: float | None = Field(description="null: there was no figure (it had been withdrawn).")
    new: float | None = Field(description="null: the figure was withdrawn.")
    reason: str
    changed_by_name: str | None
    changed_at: dt.datetime

    @staticmethod
    def resolve_old(obj: Revision) -> float | None:
        return _number(obj.old)

    @staticmethod
    def resolve_new(obj: Revision) -> float | None:
        return _number(obj.new)

    @staticmethod
    def resolve_changed_by_name(obj: Revision) -> str | None:
        return str(obj.changed_by) if obj.changed_by is not None else None


class FigureDetailOut(FigureOut):
    entered_by_name: str | None = Field(description="Who entered the figure as it stands.")
    corrections: list[CorrectionOut] = Field(description="Every change of the figure, newest first.")

    @staticmethod
    def resolve_entered_by_name(obj: Value) -> str | None:
        return str(obj.entered_by) if obj.entered_by is not None else None

    @staticmethod
    def resolve_corrections(obj: Value) -> list[Revision]:
        return list(selectors.revisions_of(obj))


class FigureFilters(Schema):
    enterprise: Id | None = None
    team: Id | None = None
    indicator: str | None = Field(None, max_length=30, description=REF_DESCRIPTION)
    first: Month | None = Field(None, description="From this month (YYYY-MM).")
    last: Month | None = Field(None, description="Up to this month (YYYY-MM).")


class FigureEntryIn(Schema):
    team_id: Id | None = Field(description="A production team of the enterprise; null for an enterprise-level figure.")
    indicator: Id | Annotated[StrictStr, Field(min_length=1, max_length=30)] = Field(description=REF_DESCRIPTION)
    month: Month
    value: StrictFloat | Annotated[StrictStr, Field(max_length=40)] | None = Field(
        description='The figure: a number (text such as "1,234.5" or "98.2%" is read too); null (or empty text) '
        "withdraws it."
    )


class FiguresIn(Schema):
    enterprise_id: Id = Field(description="An enterprise whose figures you enter.")
    confirm: bool = Field(
        False, description="Store figures outside their indicator's plausible range (they are marked as confirmed)."
    )
    reason: Blankable[str] = Field("", max_length=200, description="Why figures are corrected or withdrawn.")
    entries: list[FigureEntryIn] = Field(min_length=1, max_length=MAX_ENTRIES)


class FiguresOutcomeOut(Schema):
    created: int
    corrected: int
    withdrawn: int
    unchanged: int
    confirmed: int = Field(description="Of those stored, how many lie outside the plausible range (confirmed).")


class IndicatorRefOut(Schema):
    id: int
    code: str
    label: str
    unit: str
    direction: IndicatorDirection
    aggregation: IndicatorAggregation
    decimals: int


class AnalysisOut(Schema):
    indicator: IndicatorRefOut
    enterprises: int = Field(description="How many enterprises the comparison covers.")
    status: AnalysisStatus = Field(
        description="ok: an estimate; no_covered: no team came into a member's charge while there were figures; "
        "no_comparison: every team was covered at once, so nobody is left to compare with (no estimate)."
    )
    estimate: float | None = Field(
        description="How much more (or, negative, less) covered teams' figures changed than not-yet-covered teams', "
        "in the indicator's unit (points for a percentage)."
    )
    low: float | None = Field(description="The 95% range's lower end.")
    high: float | None = Field(description="The 95% range's upper end.")
    p_value: float | None
    conclusive: bool = Field(description="The 95% range excludes no difference at all.")
    covered_teams: int
    comparison_teams: int
    teams: int
    months: int
    observations: int = Field(description="Team-months behind the estimate.")
    cohorts: int = Field(description="Months in which some teams became covered and could be compared.")
    covered_before_data: int = Field(description="Teams covered before the first month with figures: left out.")
    pretrend_p: float | None = Field(description="The test of the months before coverage; below 0.05 is a warning.")
    event: list[tuple[int, float, float, float]] = Field(
        description="The event study: (months from coverage, estimate, low, high); −1 is the reference."
    )
    warnings: list[str] = Field(
        description="few_teams, few_covered, few_comparison, pretrend, no_pretrend_check, covered_before_data."
    )
    headline: str = Field(description="The result in one plain sentence.")
    verdict: str = Field(description="How far to trust it (empty without an estimate).")
    basis: str = Field(description="How much lies behind it.")
    cautions: list[str] = Field(description="The warnings, in words.")
    methods: list[str] = Field(description="How the comparison is made and what it cannot tell.")


class AnalysisPendingOut(Schema):
    status: Literal["computing"]
    job: int = Field(description="The background job computing it: ask again for the result.")
    done: int
    total: int
    message: str


class PointOut(Schema):
    month: str = Field(description="YYYY-MM.", examples=["2026-03"])
    value: float | None = Field(description="null: withheld (a pay figure of too few people).")
    teams: int = Field(description="How many figures it is made of.")
    masked: bool


class QuarterOut(Schema):
    quarter: str = Field(examples=["2026 Q2"])
    year: int
    number: int = Field(description="1 to 4.")
    value: float | None = Field(description="null: withheld (a month of it is a pay figure of too few people).")
    months: int = Field(description="Months with figures behind it.")


class SeriesOut(Schema):
    indicator: IndicatorRefOut
    enterprises: int
    months: list[PointOut]
    quarters: list[QuarterOut]


# --- helpers ---------------------------------------------------------------------------------


def _number(value: Decimal | float | None) -> float | None:
    """A figure for JSON: None for none, or for what JSON cannot hold (NaN, infinity)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _reader(user: User) -> None:
    """403 for a caller who reads no enterprise's figures (members, employees)."""
    if not permissions.may_see_indicators(user):
        raise permissions.indicators_refused()


def _enterprise(user: User, pk: int) -> Enterprise:
    """An enterprise whose figures the caller reads (else 404, as one that does not exist)."""
    enterprise = selectors.visible_enterprises(user).filter(pk=pk).first()
    if enterprise is None:
        raise Http404
    return enterprise


def _definitions(user: User) -> QuerySet[Indicator]:
    """The defaults and the own indicators of the enterprises whose figures the caller reads."""
    return Indicator.objects.filter(
        Q(enterprise__isnull=True) | Q(enterprise__in=selectors.visible_enterprises(user))
    ).order_by("order", "pk")


def _definition(user: User, pk: int) -> Indicator:
    """A default, or an own indicator of an enterprise whose figures the caller reads (else 404)."""
    found = _definitions(user).filter(pk=pk).select_related("enterprise").first()
    if found is None:
        raise Http404
    return found


def _figures(user: User) -> QuerySet[Value]:
    """Every stored figure the caller reads, in a stable order for paging."""
    qs = selectors.values_of(selectors.visible_enterprises(user).values("pk"))
    return selectors.without_pay_of_few(user, qs).order_by(
        "enterprise_id", "team_id", "indicator__order", "indicator_id", "month", "pk"
    )


def _by_ref(qs: QuerySet[Indicator], ref: int | str) -> Indicator | None:
    """The indicator of `qs` named by id, or by code (a code of digits only, else its id)."""
    if isinstance(ref, int):
        return qs.filter(pk=ref).first()
    found = qs.filter(code=ref).first()
    if found is None and (pk := parse_id(ref)) is not None:
        found = qs.filter(pk=pk).first()
    return found


def _clean(ref: str) -> str:
    """A reference from a query string, without the NUL characters PostgreSQL cannot compare."""
    return ref.replace("\x00", "").strip()


def _ref_q(ref: str) -> Q:
    ref = _clean(ref)
    q = Q(indicator__code=ref)
    if (pk := parse_id(ref)) is not None:
        q |= Q(indicator_id=pk)
    return q


def _no_indicator(ref: Any, field: str) -> ValidationError:
    return ValidationError(
        {field: [_("There is no indicator “%(ref)s” that you have access to.") % {"ref": str(ref)[:30]}]}
    )


def _where(user: User, org: int | None, enterprise: int | None) -> tuple[list[int], Enterprise | None, str]:
    """The enterprises an analysis or a series covers — one enterprise the caller reads, or those
    of an organisation's subtree the caller reads (404 for an enterprise or organisation out of
    reach) — the enterprise if one, and the place's name."""
    if (org is None) == (enterprise is None):
        raise ValidationError(_("Name either an enterprise (enterprise=) or a party organisation (org=)."))
    if enterprise is not None:
        one = _enterprise(user, enterprise)
        return [one.pk], one, one.display_name
    # The organisations the pages read figures under (an enterprise role's party organisation
    # included), not those whose records the caller keeps.
    organization = selectors.readable_orgs(user).filter(pk=org or 0).first()
    if organization is None:
        raise Http404
    ids = list(selectors.visible_under(user, organization).values_list("pk", flat=True))
    return ids, None, organization.display_name


def _indicator_for(enterprise: Enterprise | None, ref: str) -> Indicator:
    """The indicator an analysis or a series reads: a default or, for one enterprise, its own."""
    ref = _clean(ref)
    found = _by_ref(selectors.indicators_of(enterprise, archived=True), ref)
    if found is None:
        raise _no_indicator(ref, "indicator")
    return found


def _indicator_ref(indicator: Indicator) -> dict[str, Any]:
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "label": indicator.label,
        "unit": indicator.unit_label,
        "direction": indicator.direction,
        "aggregation": indicator.aggregation,
        "decimals": indicator.decimals,
    }


def _changer(user: User, indicator: Indicator) -> None:
    """403 unless the caller enters the figures of the indicator's enterprise — or, for a
    default, of some enterprise (the service then says why a default stays as it is)."""
    if indicator.enterprise is not None:
        allowed = permissions.may_enter_indicators(user, indicator.enterprise)
    else:
        allowed = selectors.visible_enterprises(user, CHANGE).exists()
    if not allowed:
        raise permissions.entry_refused()


# --- definitions -----------------------------------------------------------------------------


@router.get("/indicators/definitions", response={200: list[IndicatorOut], **ERRORS})
def list_definitions(request: HttpRequest, filters: Query[IndicatorFilters]) -> list[Indicator]:
    """The indicators an enterprise collects: the defaults every enterprise has and, with
    `enterprise`, its own (404 for an enterprise whose figures you do not read), in their order."""
    user = actor(request)
    _reader(user)
    enterprise = _enterprise(user, filters.enterprise) if filters.enterprise is not None else None
    qs = selectors.indicators_of(enterprise, archived=True).order_by("order", "pk")
    if filters.archived is not None:
        qs = qs.filter(archived=filters.archived)
    return list(qs)


@router.get("/indicators/definitions/{id}", response={200: IndicatorOut, **ERRORS})
def get_definition(request: HttpRequest, id: Id) -> Indicator:
    user = actor(request)
    _reader(user)
    return _definition(user, id)


@router.post("/indicators/definitions", response={201: IndicatorOut, **ERRORS})
def define(request: HttpRequest, payload: IndicatorIn) -> Status:
    """An indicator of the enterprise's own, next to the defaults: by its managers and
    statisticians. Its code is made from its (English) name."""
    user = actor(request)
    _reader(user)
    enterprise = resolve_ref(user, selectors.visible_enterprises(user), payload.enterprise_id, "enterprise_id")
    if not permissions.may_enter_indicators(user, enterprise):
        raise permissions.entry_refused()
    spec = services.IndicatorSpec(
        name=payload.name,
        name_en=payload.name_en,
        unit=payload.unit,
        direction=payload.direction,
        level=payload.level,
        aggregation=payload.aggregation,
        decimals=payload.decimals,
        plausible_min=payload.plausible_min,
        plausible_max=payload.plausible_max,
        income=payload.income,
    )
    indicator = services.define_indicator(actor=user, enterprise=enterprise, spec=spec)
    return Status(201, indicator)


@router.patch("/indicators/definitions/{id}", response={200: IndicatorOut, **ERRORS})
def change_definition(request: HttpRequest, id: Id, payload: IndicatorPatch) -> Indicator:
    """Rename an enterprise's own indicator, change its unit or plausible range, or archive it
    (`archived`). The defaults are the same for every enterprise: 422 with the reason. Its level
    stays once figures are stored."""
    user = actor(request)
    _reader(user)
    indicator = _definition(user, id)
    _changer(user, indicator)
    data = payload.dict(exclude_unset=True)
    archived = data.pop("archived", None)
    with transaction.atomic():
        if data or indicator.enterprise_id is None:  # a default: the service says why not
            current = {name: getattr(indicator, name) for name in services.IndicatorSpec.__dataclass_fields__}
            services.update_indicator(actor=user, indicator=indicator, spec=services.IndicatorSpec(**current | data))
        if archived is not None and archived != indicator.archived:
            services.archive_indicator(actor=user, indicator=indicator, archived=archived)
    return _definition(user, id)


# --- figures ---------------------------------------------------------------------------------


@router.get("/indicators/values", response={200: list[FigureOut], **ERRORS})
@paginate(Page)
def list_values(request: HttpRequest, filters: Query[FigureFilters]) -> QuerySet[Value]:
    """The stored figures of the enterprises whose figures you read, by enterprise, team,
    indicator and month (withdrawn ones left out; a small team's pay left out unless you are the
    enterprise's HR). The filters narrow: one naming what you do not read gives nothing."""
    user = actor(request)
    _reader(user)
    qs = _figures(user)
    if filters.enterprise is not None:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.team is not None:
        qs = qs.filter(team_id=filters.team)
    if filters.indicator is not None:
        qs = qs.filter(_ref_q(filters.indicator))
    if filters.first is not None:
        qs = qs.filter(month__gte=filters.first)
    if filters.last is not None:
        qs = qs.filter(month__lte=filters.last)
    return qs


@router.get("/indicators/values/{id}", response={200: FigureDetailOut, **ERRORS})
def get_value(request: HttpRequest, id: Id) -> Value:
    """One figure with who entered it and its corrections: what it was, what it became, who
    changed it and why."""
    user = actor(request)
    _reader(user)
    return get_in_scope(user, _figures(user).select_related("entered_by"), id)


def _entries(enterprise: Enterprise, payload: FiguresIn) -> list[services.Entry]:
    """The body's entries as the service's, with what each names resolved among the enterprise's
    own teams and indicators: anything else reads as unknown, whoever's it is."""
    indicators = list(selectors.indicators_of(enterprise, archived=True))
    by_id = {i.pk: i for i in indicators}
    by_code = {i.code: i for i in indicators}
    teams = {t.pk: t for t in selectors.teams_of(enterprise)}
    entries, problems = [], []
    for number, item in enumerate(payload.entries, start=1):
        ref = item.indicator
        indicator = by_id.get(ref) if isinstance(ref, int) else by_code.get(ref)
        if indicator is None and isinstance(ref, str) and (pk := parse_id(ref)) is not None:
            indicator = by_id.get(pk)
        team: ProductionUnit | None = teams.get(item.team_id) if item.team_id is not None else None
        where = _("Entry %(number)s (%(team)s · %(indicator)s · %(month)s)") % {
            "number": number,
            "team": (
                team.display_name
                if team is not None
                else enterprise.display_name
                if item.team_id is None
                else _("team %(id)s") % {"id": item.team_id}
            ),
            "indicator": indicator.label if indicator is not None else str(ref)[:30],
            "month": f"{item.month:%Y-%m}",
        }
        found = True
        value: Decimal | None = None
        if indicator is None:
            found = False
            problems.append(
                _("%(where)s: %(enterprise)s has no indicator “%(ref)s”.")
                % {"where": where, "enterprise": enterprise.display_name, "ref": str(ref)[:30]}
            )
        if item.team_id is not None and team is None:
            found = False
            problems.append(
                _("%(where)s: %(enterprise)s has no production team with id %(id)s that you have access to.")
                % {"where": where, "enterprise": enterprise.display_name, "id": item.team_id}
            )
        try:
            value = services.parse_figure(item.value)
        except ValidationError as exc:
            found = False
            problems.extend(f"{where}: {message}" for message in exc.messages)
        if found and indicator is not None:
            entries.append(services.Entry(indicator, team, item.month, value, where=where))
    if problems:
        raise ValidationError(problems[:50])
    return entries


def _refusal(code: str, message: str, problems: Sequence[str]) -> Status:
    return Status(422, {"code": code, "message": message, "errors": {"entries": list(problems)}})


@router.put("/indicators/values", response={200: FiguresOutcomeOut, **ERRORS})
def put_values(request: HttpRequest, payload: FiguresIn) -> Status:
    """Store an enterprise's figures in one batch — all of them, or none: by its managers and
    statisticians. Each entry names a team (null: the enterprise), an indicator and a month; a
    figure that differs from the stored one corrects it (the old one is kept, with `reason`), null
    withdraws it, the same figure again changes nothing, so sending the same body twice is safe.

    422 `invalid`: `errors.entries` lists every problem (nothing stored). 422 `unconfirmed`:
    figures outside their indicator's plausible range, listed in `errors.entries`: check them and
    send the body again with `"confirm": true` (nothing stored until then)."""
    user = actor(request)
    _reader(user)
    enterprise = resolve_ref(user, selectors.visible_enterprises(user), payload.enterprise_id, "enterprise_id")
    if not permissions.may_enter_indicators(user, enterprise):
        raise permissions.entry_refused()
    try:
        entries = _entries(enterprise, payload)
        outcome = services.record_values(
            actor=user, enterprise=enterprise, entries=entries, confirm=payload.confirm, reason=payload.reason
        )
    except services.Unconfirmed as exc:
        message = _(
            "Some figures lie outside their indicator's plausible range. Check them, and send them again with "
            "“confirm”: true to store them as they are. Nothing was stored."
        )
        return _refusal("unconfirmed", message, exc.items)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        return _refusal("invalid", _("Nothing was stored: correct the entries listed and try again."), exc.messages)
    counts = {
        "created": outcome.created,
        "corrected": outcome.corrected,
        "withdrawn": outcome.withdrawn,
        "unchanged": outcome.unchanged,
        "confirmed": outcome.confirmed,
    }
    return Status(200, counts)


# --- series and the analysis -----------------------------------------------------------------


@router.get("/indicators/series", response={200: SeriesOut, **ERRORS})
def series(
    request: HttpRequest,
    indicator: Annotated[str, Query(min_length=1, max_length=30, description=REF_DESCRIPTION)],
    enterprise: Annotated[Id | None, Query(description="An enterprise whose figures you read.")] = None,
    org: Annotated[
        Id | None, Query(description="A party organisation: the enterprises under it whose figures you read.")
    ] = None,
) -> dict[str, Any]:
    """The indicator's months over the teams of one enterprise, or of the enterprises under an
    organisation (a sum's teams added, anything else their mean, weighted by headcount where
    the indicator says so), and its quarters. A pay figure of too few people is withheld (null)
    unless you are the HR of every enterprise in it."""
    user = actor(request)
    _reader(user)
    ids, one, _name = _where(user, org, enterprise)
    ind = _indicator_for(one, indicator)
    readers = selectors.pay_readers(user)
    may_see_few = readers is None or set(ids) <= set(readers)
    points = selectors.series(ids, ind, may_see_few=may_see_few)
    return {
        "indicator": _indicator_ref(ind),
        "enterprises": len(ids),
        "months": [
            {"month": f"{p.month:%Y-%m}", "value": _number(p.value), "teams": p.teams, "masked": p.masked}
            for p in points
        ],
        "quarters": [
            {
                "quarter": selectors.quarter_label(quarter),
                "year": quarter[0],
                "number": quarter[1],
                "value": _number(value),
                "months": months,
            }
            for quarter, value, months in selectors.quarters(ind, points)
        ],
    }


def _analysis_body(indicator: Indicator, effect: analysis.Effect, enterprises: int) -> dict[str, Any]:
    body: dict[str, Any] = effect.as_dict()
    for key in ("estimate", "low", "high", "p_value", "pretrend_p"):
        body[key] = _number(body[key])
    body["event"] = [
        (int(rel), *(float(x) for x in rest))
        for rel, *rest in effect.event
        if all(math.isfinite(float(x)) for x in rest)
    ]
    body.update(
        indicator=_indicator_ref(indicator),
        enterprises=enterprises,
        headline=wording.headline(indicator, effect),
        verdict=wording.verdict(indicator, effect),
        basis=wording.basis(effect) if effect.status == analysis.OK else "",
        cautions=wording.cautions(effect),
        methods=wording.methods_note(),
    )
    return body


@router.get("/indicators/analysis", response={200: AnalysisOut, 202: AnalysisPendingOut, **ERRORS})
def effect_analysis(
    request: HttpRequest,
    indicator: Annotated[str, Query(min_length=1, max_length=30, description=REF_DESCRIPTION)],
    enterprise: Annotated[Id | None, Query(description="An enterprise whose figures you read.")] = None,
    org: Annotated[
        Id | None, Query(description="A party organisation: the enterprises under it whose figures you read.")
    ] = None,
) -> Status:
    """Did teams' figures change differently once a member took charge of them (党建赋能班组)?
    Covered teams are compared with teams not yet covered over the same months (a staggered
    difference-in-differences, docs/indicators.md): 200 with the estimate, its 95% range, the
    checks and the result in plain words — never that coverage caused the change. A large panel
    (a county's teams) is computed in the background: 202 with the job's progress; ask again."""
    user = actor(request)
    _reader(user)
    ids, one, name = _where(user, org, enterprise)
    ind = _indicator_for(one, indicator)
    title = _("Covered and not-yet-covered teams compared, %(indicator)s: %(place)s") % {
        "indicator": ind.label,
        "place": name,
    }
    answer = effects.answer(user, ind, ids, title[:200])
    if answer.effect is not None:
        return Status(200, _analysis_body(ind, answer.effect, len(ids)))
    assert answer.job is not None
    job = jobs.live(answer.job)
    return Status(
        202, {"status": "computing", "job": job.pk, "done": job.done, "total": job.total, "message": job.message}
    )
