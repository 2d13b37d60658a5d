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
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.bulk import Staging, reserve_ids
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


@dataclass(frozen=True, slots=True)  # an import holds 100,000
class Entry:
    """One figure to store: for a team (None: the enterprise) and a month; value None withdraws it."""

    indicator: Indicator
    team: ProductionUnit | None
    month: dt.date
    value: Decimal | None
    where: str = ""  # how the writer names it in a refusal ("row 12", "二组 · 产量")

    def __post_init__(self) -> None:
        # Kept as the field keeps it (4 places), so a stored and a sent figure compare and audit
        # alike; a figure of more places is left as sent, for its refusal.
        value = self.value
        if value is None or not value.is_finite():
            return
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -4 and value.adjusted() < MAX_DIGITS:
            object.__setattr__(self, "value", value.quantize(PLACES))


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
    found = {}
    for v in rows:
        v.enterprise = enterprise  # the events of its correction are filed under it: no query a figure
        found[_key(v.indicator_id, v.team_id, v.month)] = v
    return found


def _refuse(enterprise: Enterprise, entries: Sequence[Entry], reason: str) -> str:
    """Raise ValidationError listing every entry's problem (nothing is written); else the reason,
    as it is kept."""
    refuse_nul(reason=reason)
    problems = [
        f"{entry.where}: {message}" if entry.where else message
        for entry, errors in check_entries(enterprise, entries)
        for message in errors
    ]
    if problems:
        raise ValidationError(problems[:50])
    return reason.strip()[:200]


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
    reason = _refuse(enterprise, entries, reason)
    unconfirmed = [m for m in (out_of_range(e) for e in entries) if m]
    if unconfirmed and not confirm:
        raise Unconfirmed(unconfirmed[:50])
    stored = _stored(enterprise, entries)
    outcome = Outcome()
    created: list[Value] = []
    changed: list[tuple[Value, Entry]] = []
    for entry in entries:
        team_id = entry.team.pk if entry.team is not None else None
        figure = None if entry.value is None else entry.value.quantize(PLACES)
        plausible = entry.value is None or entry.indicator.plausible(entry.value)
        current = stored.get(_key(entry.indicator.pk, team_id, entry.month))
        if current is None:
            if entry.value is None:
                outcome.unchanged += 1
                continue
            created.append(_new_value(entry, enterprise, actor))
            outcome.created += 1
            outcome.confirmed += not plausible
            continue
        if current.value == figure:
            outcome.unchanged += 1
            outcome.values.append(current)
            continue
        changed.append((current, entry))
        if entry.value is None:
            outcome.withdrawn += 1
        else:
            outcome.corrected += 1
            outcome.confirmed += not plausible
    Value.objects.bulk_create(created, batch_size=1000)
    drafts: list[audit.Draft] = [audit.create_draft(v) for v in created]
    outcome.values.extend(created)
    outcome.values.extend(_correct(changed, actor=actor, reason=reason, drafts=drafts))
    return outcome


def _new_value(entry: Entry, enterprise: Enterprise, actor: User | None) -> Value:
    return Value(
        indicator=entry.indicator,
        enterprise=enterprise,
        team=entry.team,
        month=entry.month,
        value=entry.value,
        confirmed=entry.value is not None and not entry.indicator.plausible(entry.value),
        entered_by=actor,
    )


def _correct(
    changed: Sequence[tuple[Value, Entry]], *, actor: User | None, reason: str, drafts: list[audit.Draft]
) -> list[Value]:
    """Correct (or withdraw) stored figures, each keeping a Revision, and record `drafts` and
    their update events (inside the caller's transaction). Returns the figures changed."""
    now = timezone.now()
    revised: list[tuple[Value, dict[str, Any], Decimal | None]] = []
    for current, entry in changed:
        before, old = audit.snapshot(current), current.value
        plausible = entry.value is None or entry.indicator.plausible(entry.value)
        current.value, current.confirmed, current.entered_by = entry.value, not plausible, actor
        current.updated_at = now
        revised.append((current, before, old))
    Value.objects.bulk_update(
        [v for v, _b, _o in revised], ["value", "confirmed", "entered_by", "updated_at"], batch_size=1000
    )
    Revision.objects.bulk_create(
        [Revision(value=v, old=old, new=v.value, reason=reason, changed_by=actor) for v, _b, old in revised],
        batch_size=1000,
    )
    drafts.extend(d for v, before, _o in revised if (d := audit.update_draft(v, before)) is not None)
    audit.record_many(actor=actor, drafts=drafts)
    return [v for v, _b, _o in revised]


# --- many figures at once (an import): planned and staged ahead of the write transaction -------
#
# The same figures, refusals, events and Revisions as record_values, for a file of 100,000: what
# can be done before the write transaction is (the refusals, the stored figures read, the new
# figures and their creation events built, hashed and staged with reserved ids: `plan_values`,
# `stage_values`); the transaction only makes sure nothing it read has changed and copies them in
# (`write_staged`), so others' writes wait seconds, not the whole import.

Key = tuple[int, int | None, dt.date]
CREATED, CORRECTED, WITHDRAWN, UNCHANGED = "created", "corrected", "withdrawn", "unchanged"
STAGE_BATCH = 2000
NEW_COLUMNS = ("id", "indicator", "enterprise", "team", "month", "value", "confirmed", "entered_by", "updated_at")
CHANGED_COLUMNS = ("id", "value", "confirmed", "entered_by", "updated_at")
REVISION_COLUMNS = ("id", "value", "old", "new", "reason", "changed_by", "changed_at")


class Stale(Exception):
    """A figure the plan read changed before the write (or the reserved ids lapsed): plan again.
    Nothing was written."""


def _entry_key(entry: Entry) -> Key:
    return (entry.indicator.pk, entry.team.pk if entry.team is not None else None, entry.month)


def _read(enterprise: Enterprise, entries: Sequence[Entry]) -> dict[Key, tuple[int, Decimal | None, dt.datetime]]:
    """The stored figures the entries name: (id, figure, last written), by key; one statement."""
    if not entries:
        return {}
    rows = Value.objects.filter(
        enterprise=enterprise,
        indicator_id__in={e.indicator.pk for e in entries},
        month__in={e.month for e in entries},
    ).values_list("indicator_id", "team_id", "month", "pk", "value", "updated_at")
    found = {(i, t, m): (pk, v, at) for i, t, m, pk, v, at in rows.iterator(chunk_size=5000)}
    return {k: found[k] for k in map(_entry_key, entries) if k in found}


@dataclass
class Plan:
    """What storing `entries` would do, read now and nothing written: each entry's outcome
    (CREATED, CORRECTED, WITHDRAWN, UNCHANGED) and the figure stored before it, and what was
    read, so that the write can tell whether anything changed since."""

    enterprise: Enterprise
    entries: Sequence[Entry]
    outcomes: list[str]
    read: dict[Key, tuple[int, Decimal | None, dt.datetime]]
    reason: str = ""

    def before(self, i: int) -> Decimal | None:
        found = self.read.get(_entry_key(self.entries[i]))
        return found[1] if found is not None else None

    def writes(self, i: int) -> bool:
        return self.outcomes[i] != UNCHANGED

    def outside(self) -> list[str]:
        """The confirmations the figures it writes need (out_of_range)."""
        return [m for i, e in enumerate(self.entries) if self.writes(i) and (m := out_of_range(e))]


def plan_values(*, enterprise: Enterprise, entries: Sequence[Entry], reason: str = "") -> Plan:
    """record_values' refusals (ValidationError: nothing planned) and each entry's outcome against
    the figures stored now, outside any transaction. A figure stored already, outside its range,
    is not asked to be confirmed again: it is not written."""
    reason = _refuse(enterprise, entries, reason)
    read = _read(enterprise, entries)
    outcomes = []
    for entry in entries:
        found = read.get(_entry_key(entry))
        if found is None:
            outcomes.append(UNCHANGED if entry.value is None else CREATED)
        elif found[1] == entry.value:
            outcomes.append(UNCHANGED)
        else:
            outcomes.append(WITHDRAWN if entry.value is None else CORRECTED)
    return Plan(enterprise, entries, outcomes, read, reason)


@dataclass
class Staged:
    """A plan's writes staged with reserved ids (`stage_values`): its new figures, its corrected
    ones and their Revisions, and their events; `write_staged` writes them, `drop` gives them up."""

    plan: Plan
    actor: User | None
    reservation: audit.Reservation
    values: Staging
    changes: Staging
    revisions: Staging
    events: Staging
    written: bool = False

    def drop(self) -> None:
        for table in (self.values, self.changes, self.revisions, self.events):
            table.drop()
        if not self.written:
            audit.release(self.reservation)


def _fields(model: type[models.Model], names: Sequence[str]) -> list[Field[Any, Any]]:
    return [cast("Field[Any, Any]", model._meta.get_field(n)) for n in names]


def _staging(model: type[models.Model], names: Sequence[str]) -> Staging:
    return Staging(model._meta.db_table, [str(f.column) for f in _fields(model, names)])


def _prepared(obj: models.Model, fields: Sequence[Field[Any, Any]]) -> tuple[Any, ...]:
    return tuple(f.get_db_prep_save(f.value_from_object(obj), connection) for f in fields)


def stage_values(*, actor: User | None, plan: Plan, confirm: bool = False) -> Staged:
    """Outside any transaction: what record_values would write for the plan, with reserved ids,
    into staging tables — the new figures, the corrected ones with their Revisions, and their
    events (hashed and keyed, creations first, as record_values records them). Nothing is
    recorded until `write_staged`. Raises Unconfirmed when a figure it writes is outside its
    plausible range and not `confirm`ed."""
    unconfirmed = plan.outside()
    if unconfirmed and not confirm:
        raise Unconfirmed(unconfirmed[:50])
    created = [i for i, outcome in enumerate(plan.outcomes) if outcome == CREATED]
    fixes = [i for i, outcome in enumerate(plan.outcomes) if outcome in (CORRECTED, WITHDRAWN)]
    with transaction.atomic():
        value_ids = reserve_ids(Value._meta.db_table, len(created))
        revision_ids = reserve_ids(Revision._meta.db_table, len(fixes))
    staged = Staged(
        plan,
        actor,
        audit.reserve_event_ids(len(created) + len(fixes)),
        _staging(Value, NEW_COLUMNS),
        _staging(Value, CHANGED_COLUMNS),
        _staging(Revision, REVISION_COLUMNS),
        audit.event_staging(),
    )
    try:
        event_ids = iter(staged.reservation.ids)
        now = timezone.now()
        new_fields = _fields(Value, NEW_COLUMNS)
        for start in range(0, len(created), STAGE_BATCH):
            values = []
            for i, pk in zip(created[start : start + STAGE_BATCH], value_ids[start : start + STAGE_BATCH], strict=True):
                value = _new_value(plan.entries[i], plan.enterprise, actor)
                value.pk, value.updated_at = pk, now
                values.append(value)
            staged.values.add([_prepared(v, new_fields) for v in values])
            drafts = [audit.create_draft(v) for v in values]
            audit.stage_events(staged.events, actor, drafts, [next(event_ids) for _d in drafts])
        changed_fields, revision_fields = _fields(Value, CHANGED_COLUMNS), _fields(Revision, REVISION_COLUMNS)
        for start in range(0, len(fixes), STAGE_BATCH):
            batch = fixes[start : start + STAGE_BATCH]
            current = Value.objects.in_bulk([plan.read[_entry_key(plan.entries[i])][0] for i in batch])
            changes, revisions, drafts = [], [], []
            for i, rid in zip(batch, revision_ids[start : start + STAGE_BATCH], strict=True):
                entry = plan.entries[i]
                value = current[plan.read[_entry_key(entry)][0]]
                value.enterprise = plan.enterprise  # its event is filed under it: no query a figure
                before, old = audit.snapshot(value), value.value
                value.value, value.entered_by, value.updated_at = entry.value, actor, now
                value.confirmed = entry.value is not None and not entry.indicator.plausible(entry.value)
                changes.append(_prepared(value, changed_fields))
                revision = Revision(
                    pk=rid, value=value, old=old, new=entry.value, reason=plan.reason, changed_by=actor, changed_at=now
                )
                revisions.append(_prepared(revision, revision_fields))
                # A correction changes the figure, so it always has an event (and its reserved id).
                drafts.append(audit.update_draft(value, before) or audit.Draft(Action.UPDATE, value, changes={}))
            staged.changes.add(changes)
            staged.revisions.add(revisions)
            audit.stage_events(staged.events, actor, drafts, [next(event_ids) for _d in drafts])
    except BaseException:
        staged.drop()
        raise
    return staged


def write_staged(staged: Staged) -> Outcome:
    """Inside the write transaction: what stage_values staged, copied in (new figures, corrected
    ones, Revisions, events) in a few statements. Raises Stale, writing nothing, when a figure the
    plan read has changed since or the reservation lapsed."""
    plan = staged.plan
    if not audit.claim(staged.reservation) or _read(plan.enterprise, plan.entries) != plan.read:
        raise Stale
    staged.values.copy_into()
    staged.changes.update_into()
    staged.revisions.copy_into()
    audit.write_staged_events(staged.events)
    staged.written = True
    outcome = Outcome()
    for entry, kind in zip(plan.entries, plan.outcomes, strict=True):
        if kind == CREATED:
            outcome.created += 1
        elif kind == UNCHANGED:
            outcome.unchanged += 1
        elif kind == WITHDRAWN:
            outcome.withdrawn += 1
        else:
            outcome.corrected += 1
        if kind in (CREATED, CORRECTED) and entry.value is not None:
            outcome.confirmed += not entry.indicator.plausible(entry.value)
    return outcome
