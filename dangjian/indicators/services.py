"""Writes of production indicators: an enterprise's own definitions, and figures — from the
monthly form, the API and the Excel import alike, through `record_values`.

`record_values` is set-based: it checks every entry first (a refusal names the entry and what to
change, and nothing is written), then reads the stored figures it touches in one statement, and
creates, corrects or withdraws them in a few, with one audit event per figure changed and a
`Revision` for every correction. A figure outside its indicator's plausible range is refused
unless the writer confirms it (`confirm`), and is then stored marked as confirmed.

Who may call which is decided by access.permissions (may_enter_indicators); these functions
enforce the figures' own rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import services as audit
from dangjian.organizations.models import Enterprise, ProductionUnit, UnitKind
from dangjian.text import refuse_nul

from .models import Aggregation, Direction, Indicator, Level, Revision, Value

if TYPE_CHECKING:
    from dangjian.access.models import User

MAX_DIGITS = 10  # before the point (the field keeps 14 digits, 4 after it)
PLACES = Decimal("0.0001")  # what the field keeps
HARD_PERCENT = (Decimal(0), Decimal(100))
CODE_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"


# --- definitions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    name_en: str = ""
    unit: str = ""
    direction: str = Direction.HIGHER
    level: str = Level.TEAM
    aggregation: str = Aggregation.MEAN
    decimals: int = 0
    plausible_min: Decimal | None = None
    plausible_max: Decimal | None = None
    income: bool = False


def _check_spec(spec: IndicatorSpec) -> None:
    errors: dict[str, str] = {}
    refuse_nul(name=spec.name, name_en=spec.name_en, unit=spec.unit)
    if not spec.name.strip():
        errors["name"] = _("Give the indicator a name, as the enterprise calls it.")
    if spec.direction not in Direction.values:
        errors["direction"] = _("Say whether a higher or a lower figure is better.")
    if spec.level not in Level.values:
        errors["level"] = _("Say whether the figure is kept per production team or for the whole enterprise.")
    if spec.aggregation not in Aggregation.values:
        errors["aggregation"] = _(
            "Say how a quarter is made of its months: a sum, a mean or a headcount-weighted mean."
        )
    if not 0 <= spec.decimals <= 4:
        errors["decimals"] = _("An indicator keeps between 0 and 4 decimals.")
    low, high = spec.plausible_min, spec.plausible_max
    if low is not None and high is not None and low > high:
        errors["plausible_max"] = _("The plausible range ends below its start: swap the two figures.")
    if errors:
        raise ValidationError(errors)


def _new_code(enterprise: Enterprise, name: str) -> str:
    base = "".join(c for c in name.lower().replace(" ", "_") if c in CODE_CHARS)[:20] or "indicator"
    taken = set(Indicator.objects.filter(enterprise__in=[enterprise]).values_list("code", flat=True))
    taken |= set(Indicator.objects.filter(enterprise__isnull=True).values_list("code", flat=True))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    return code


@audit.write_transaction
def define_indicator(*, actor: User | None, enterprise: Enterprise, spec: IndicatorSpec) -> Indicator:
    """An indicator of the enterprise's own, next to the defaults."""
    _check_spec(spec)
    if Indicator.objects.filter(enterprise=enterprise, name=spec.name.strip(), archived=False).exists():
        raise ValidationError({"name": _("The enterprise already has an indicator of that name.")})
    indicator = Indicator.objects.create(
        enterprise=enterprise,
        code=_new_code(enterprise, spec.name_en or spec.name),
        name=spec.name.strip(),
        name_en=spec.name_en.strip(),
        unit=spec.unit.strip(),
        direction=spec.direction,
        level=spec.level,
        aggregation=spec.aggregation,
        decimals=spec.decimals,
        plausible_min=spec.plausible_min,
        plausible_max=spec.plausible_max,
        income=spec.income,
        order=1000,
    )
    audit.record_create(actor, indicator)
    return indicator


@audit.write_transaction
def update_indicator(*, actor: User | None, indicator: Indicator, spec: IndicatorSpec) -> Indicator:
    """Rename an enterprise's own indicator or change its range; its level, once figures are
    stored, stays (the figures were kept at that level)."""
    if indicator.enterprise_id is None:
        raise ValidationError(
            _("The default indicators are the same for every enterprise: add one of your own instead.")
        )
    _check_spec(spec)
    if spec.level != indicator.level and indicator.values.exists():
        raise ValidationError({"level": _("Figures are already stored at this level: add a new indicator instead.")})
    before = audit.snapshot(indicator)
    for name in IndicatorSpec.__dataclass_fields__:
        value = getattr(spec, name)
        setattr(indicator, name, value.strip() if isinstance(value, str) else value)
    indicator.save()
    audit.record_update(actor, indicator, before)
    return indicator


@audit.write_transaction
def archive_indicator(*, actor: User | None, indicator: Indicator, archived: bool = True) -> Indicator:
    """Stop (or resume) collecting an enterprise's own indicator; its figures stay."""
    if indicator.enterprise_id is None:
        raise ValidationError(_("The default indicators are the same for every enterprise."))
    before = audit.snapshot(indicator)
    indicator.archived = archived
    indicator.save(update_fields=["archived"])
    audit.record_update(actor, indicator, before)
    return indicator


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One figure to store: for a team (None: the enterprise) and a month; value None withdraws it."""

    indicator: Indicator
    team: ProductionUnit | None
    month: dt.date
    value: Decimal | None
    where: str = ""  # how the writer names it in a refusal ("row 12", "二组 · 产量")


@dataclass
class Outcome:
    created: int = 0
    corrected: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    confirmed: int = 0  # stored outside the plausible range, confirmed
    values: list[Value] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.corrected + self.withdrawn


class Unconfirmed(ValidationError):
    """Figures outside their plausible range, sent without a confirmation: each message names the
    figure and the range. Nothing was stored."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages, code="unconfirmed")
        self.items = messages


def parse_figure(text: object) -> Decimal | None:
    """A typed figure as a Decimal ("1,234.5", "98.2%", "９８" all read); '' is None. Raises
    ValidationError for anything that is not a number."""
    if text is None:
        return None
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        number = Decimal(str(text))
    else:
        cleaned = str(text).strip().replace(",", "").replace("，", "").replace("%", "").replace("％", "")
        cleaned = cleaned.translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")})
        cleaned = cleaned.replace("．", ".").replace("－", "-")
        if not cleaned:
            return None
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(_("“%(text)s” is not a number.") % {"text": str(text)[:40]}) from None
    if not number.is_finite():
        raise ValidationError(_("“%(text)s” is not a number.") % {"text": str(text)[:40]})
    return number


def _entry_errors(entry: Entry, enterprise: Enterprise, this_month: dt.date) -> list[str]:
    ind, errors = entry.indicator, []
    label = ind.label
    if ind.enterprise_id not in (None, enterprise.pk):
        errors.append(_("%(indicator)s is another enterprise's indicator.") % {"indicator": label})
    if ind.archived:
        errors.append(_("%(indicator)s is no longer collected.") % {"indicator": label})
    if entry.month.day != 1:
        errors.append(_("A figure is kept for a month: give the month, not a day."))
    if entry.month > this_month:
        errors.append(
            _("%(month)s has not come yet: a month's figures are entered once it has begun.")
            % {"month": f"{entry.month:%Y-%m}"}
        )
    if ind.level == Level.TEAM:
        team = entry.team
        if team is None:
            errors.append(_("%(indicator)s is kept per production team: name the team.") % {"indicator": label})
        elif team.enterprise_id != enterprise.pk or team.kind != UnitKind.TEAM:
            errors.append(_("%(team)s is not a production team of this enterprise.") % {"team": team.display_name})
    elif entry.team is not None:
        errors.append(_("%(indicator)s is kept for the whole enterprise, not per team.") % {"indicator": label})
    value = entry.value
    if value is not None:
        sign, digits, exponent = value.as_tuple()
        places = -int(exponent) if isinstance(exponent, int) and exponent < 0 else 0
        # Digits before the point, from the exponent too: 1E+30 is one digit written, 31 kept.
        if value.adjusted() + 1 > MAX_DIGITS:
            errors.append(_("%(value)s is too large a figure.") % {"value": value})
        if places > 4:
            errors.append(_("A figure keeps at most 4 decimals: round %(value)s.") % {"value": value})
        if value < 0 and (ind.plausible_min is None or ind.plausible_min >= 0):
            errors.append(_("%(indicator)s cannot be negative.") % {"indicator": label})
        if ind.is_percent and not HARD_PERCENT[0] <= value <= HARD_PERCENT[1]:
            errors.append(_("%(indicator)s is a percentage: between 0 and 100.") % {"indicator": label})
    return errors


def out_of_range(entry: Entry) -> str | None:
    """The confirmation a figure outside its indicator's plausible range needs, or None."""
    ind, value = entry.indicator, entry.value
    if value is None or ind.plausible(value):
        return None
    low = "—" if ind.plausible_min is None else f"{ind.plausible_min.normalize():f}"
    high = "—" if ind.plausible_max is None else f"{ind.plausible_max.normalize():f}"
    return _("%(where)s: %(value)s is outside the plausible range of %(indicator)s (%(low)s to %(high)s).") % {
        "where": entry.where or f"{entry.month:%Y-%m}",
        "value": f"{value.normalize():f}",
        "indicator": ind.label,
        "low": low,
        "high": high,
    }


def check_entries(enterprise: Enterprise, entries: Sequence[Entry]) -> list[tuple[Entry, list[str]]]:
    """Every entry's refusals (empty: acceptable), without writing: the dry run of an import and
    the first half of `record_values`."""
    this_month = timezone.localdate().replace(day=1)
    seen: set[tuple[int, int | None, dt.date]] = set()
    checked = []
    for entry in entries:
        errors = _entry_errors(entry, enterprise, this_month)
        key = (entry.indicator.pk, entry.team.pk if entry.team is not None else None, entry.month)
        if key in seen:
            errors.append(_("The same figure is given twice: keep one."))
        seen.add(key)
        checked.append((entry, errors))
    return checked


def _key(indicator_id: int, team_id: int | None, month: dt.date) -> tuple[int, int | None, dt.date]:
    return (indicator_id, team_id, month)


def _stored(enterprise: Enterprise, entries: Sequence[Entry]) -> dict[tuple[int, int | None, dt.date], Value]:
    months = {e.month for e in entries}
    indicators = {e.indicator.pk for e in entries}
    rows = Value.objects.filter(enterprise=enterprise, indicator_id__in=indicators, month__in=months)
    return {_key(v.indicator_id, v.team_id, v.month): v for v in rows}


@audit.write_transaction
def record_values(
    *,
    actor: User | None,
    enterprise: Enterprise,
    entries: Sequence[Entry],
    confirm: bool = False,
    reason: str = "",
) -> Outcome:
    """Store the figures, all or none. A refusal (ValidationError) lists every entry's problem; an
    `Unconfirmed` lists the figures that need `confirm`. A changed figure keeps a Revision with
    `reason`."""
    refuse_nul(reason=reason)
    reason = reason.strip()[:200]
    problems = [
        f"{entry.where}: {message}" if entry.where else message
        for entry, errors in check_entries(enterprise, entries)
        for message in errors
    ]
    if problems:
        raise ValidationError(problems[:50])
    unconfirmed = [m for m in (out_of_range(e) for e in entries) if m]
    if unconfirmed and not confirm:
        raise Unconfirmed(unconfirmed[:50])
    stored = _stored(enterprise, entries)
    outcome = Outcome()
    created: list[Value] = []
    changed: list[tuple[Value, dict[str, Any], Decimal | None]] = []
    for entry in entries:
        team_id = entry.team.pk if entry.team is not None else None
        figure = None if entry.value is None else entry.value.quantize(PLACES)
        plausible = entry.value is None or entry.indicator.plausible(entry.value)
        current = stored.get(_key(entry.indicator.pk, team_id, entry.month))
        if current is None:
            if entry.value is None:
                outcome.unchanged += 1
                continue
            created.append(
                Value(
                    indicator=entry.indicator,
                    enterprise=enterprise,
                    team=entry.team,
                    month=entry.month,
                    value=figure,
                    confirmed=not plausible,
                    entered_by=actor,
                )
            )
            outcome.created += 1
            outcome.confirmed += not plausible
            continue
        if current.value == figure:
            outcome.unchanged += 1
            outcome.values.append(current)
            continue
        before = audit.snapshot(current)
        old = current.value
        current.value, current.confirmed, current.entered_by = figure, not plausible, actor
        current.updated_at = timezone.now()
        changed.append((current, before, old))
        if figure is None:
            outcome.withdrawn += 1
        else:
            outcome.corrected += 1
            outcome.confirmed += not plausible
    Value.objects.bulk_create(created, batch_size=1000)
    Value.objects.bulk_update(
        [v for v, _b, _o in changed], ["value", "confirmed", "entered_by", "updated_at"], batch_size=1000
    )
    Revision.objects.bulk_create(
        [Revision(value=v, old=old, new=v.value, reason=reason, changed_by=actor) for v, _b, old in changed],
        batch_size=1000,
    )
    drafts: Iterable[audit.Draft] = [audit.create_draft(v) for v in created] + [
        d for v, before, _o in changed if (d := audit.update_draft(v, before)) is not None
    ]
    audit.record_many(actor=actor, drafts=drafts)
    outcome.values.extend(created)
    outcome.values.extend(v for v, _b, _o in changed)
    return outcome
