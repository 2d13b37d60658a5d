"""Enterprises: a county's enterprises file (county_columns.ENTERPRISE_COLUMNS, one enterprise a
row) into its committee, through the same stages as the rosters — read, parse, match (the
enterprise by its credit code), validate (the organisations' own rules:
organizations.services.validated_enterprise) and report — and written through the
organisations' services (create_enterprise, update_enterprise, create_unit, each audited), all of
it in the import's one transaction or nothing.

A row names its supervising committee (blank: the committee imported into) and the party
organisation that covers it, each by name or code, under the committee imported into: the party
tree is imported first, so this is how coverage is recorded. An enterprise already registered
under another committee is not the file's to change.

An optional second sheet lists workshops and teams (county_columns.UNIT_COLUMNS, one team a
row) of the file's enterprises or those already registered; their rows are reported after the
enterprises', numbered from UNIT_ROWS on (the sheet and its own row number in a note)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from dangjian.organizations import selectors as orgs
from dangjian.organizations import services as org_services
from dangjian.organizations.models import PARTY_UNIT_KINDS, Enterprise, OrgKind, Ownership, UnitKind
from dangjian.organizations.validators import normalize_uscc, validate_uscc
from dangjian.people.crypto import open_bytes
from dangjian.sheets import Workbook

from .. import instructions
from ..county_columns import ENTERPRISE_COLUMNS, UNIT_COLUMNS, UNITS
from ..models import RosterImport, RowOutcome
from ..parsing import CellError, fold, parse_date, parse_text, plain_text
from ..reading import Roster, RosterFileError, read_other_sheet
from .parse import RowResult, column, label, read_cell
from .report import outcomes

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.organizations.models import Organization, ProductionUnit

# The second sheet's rows are numbered from here on in the report, so they never meet the
# enterprises' (no sheet has this many rows: Excel stops at 1,048,576).
UNIT_ROWS = 2_000_000

TEXT_FIELDS = ("industry", "address", "name_en")
COMMITTEE_KINDS = {OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE, OrgKind.PARK_COMMITTEE}
# What the model's validation calls a field → the file's column.
FIELD_COLUMNS = {"supervising_org": "supervising", "party_org": "party_org"}
# How ownership is written in Chinese HR and statistics files (企业性质 / 经济类型).
OWNERSHIP_WORDS = {
    "民营": Ownership.PRIVATE,
    "私营": Ownership.PRIVATE,
    "民企": Ownership.PRIVATE,
    "个体": Ownership.PRIVATE,
    "国有": Ownership.STATE,
    "国营": Ownership.STATE,
    "国企": Ownership.STATE,
    "国有控股": Ownership.STATE,
    "集体": Ownership.COLLECTIVE,
    "外资": Ownership.FOREIGN,
    "外商投资": Ownership.FOREIGN,
    "外商独资": Ownership.FOREIGN,
    "中外合资": Ownership.FOREIGN,
    "中外合作": Ownership.FOREIGN,
    "港澳台": Ownership.HMT,
    "港澳台投资": Ownership.HMT,
    "港澳台商投资": Ownership.HMT,
    "混合所有制": Ownership.MIXED,
    "混合": Ownership.MIXED,
}


def committee_of(imp: RosterImport) -> Organization:
    if imp.organization is None:  # services.upload takes county files into committees only
        raise ValueError(f"enterprises file {imp.pk} has no committee")
    return imp.organization


@lru_cache(maxsize=1)
def _ownerships() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, text in Ownership.choices:
                names[fold(str(text))] = value
    for value, _text in Ownership.choices:
        names[value] = value
    names.update(OWNERSHIP_WORDS)
    return names


def parse_ownership(value: Any) -> str | None:
    """The ownership written as its label (either language), its value or a common Chinese word
    ("民营", "国有企业", "外商投资企业")."""
    text = parse_text(value)
    if not text:
        return None
    folded = fold(text)
    names = _ownerships()
    for candidate in (folded, folded.removesuffix("企业"), folded.removesuffix("经济"), folded.removesuffix("性质")):
        if candidate in names:
            return names[candidate]
    raise CellError(
        _("“%(value)s” is not an ownership. Write one of: %(choices)s.")
        % {"value": text, "choices": ", ".join(str(label) for _v, label in Ownership.choices)}
    )


def parse_uscc(value: Any) -> str | None:
    """A unified social credit code, checked as the organisations check it."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value >= 1e15:
        raise CellError(
            _(
                "This credit code was stored as a number, and Excel keeps only 15 digits of a number, so its last "
                "characters are lost. Format the column as text and type the code again."
            )
        )
    code = normalize_uscc((parse_text(value) or "").lstrip("'"))
    if not code:
        return None
    try:
        validate_uscc(code)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None
    return code


class Tree:
    """The organisations under the committee imported into, found by code or name."""

    def __init__(self, committee: Organization) -> None:
        self.committee = committee
        self.by_code: dict[str, Organization] = {}
        self.by_name: dict[str, list[Organization]] = {}
        for org in orgs.subtree(committee):
            if org.code:
                self.by_code[org.code.lower()] = org
            for name in {fold(org.name), fold(org.name_en)} - {""}:
                self.by_name.setdefault(name, []).append(org)

    def find(self, text: str, kinds: Iterable[str]) -> Organization:
        """The organisation of one of `kinds` called `text` (or with that code), or CellError."""
        kinds = set(kinds)
        found = self.by_code.get(text.lower())
        if found is None:
            named = self.by_name.get(fold(text), [])
            fitting = [o for o in named if o.kind in kinds]
            if len(fitting) > 1:
                raise CellError(
                    _("Several organisations under %(committee)s are called “%(value)s”: write its code instead.")
                    % {"committee": self.committee.name, "value": text}
                )
            found = fitting[0] if fitting else named[0] if named else None
        if found is None:
            raise CellError(
                _("No organisation under %(committee)s is called “%(value)s” or has that code.")
                % {"committee": self.committee.name, "value": text}
            )
        if found.kind not in kinds:
            raise CellError(
                _("%(org)s is a %(kind)s; write one of these instead: %(kinds)s.")
                % {
                    "org": found.name,
                    "kind": found.get_kind_display(),
                    "kinds": ", ".join(str(OrgKind(k).label) for k in OrgKind.values if k in kinds),
                }
            )
        return found


@dataclass(slots=True)
class Plan:
    """What an enterprise row writes: the enterprise created (existing None), or these fields of
    the existing one updated."""

    existing: Enterprise | None
    fields: dict[str, Any]


@dataclass(slots=True)
class InFile:
    """An enterprise the file lists: its row, and the registered one it matches (if any)."""

    row: int
    uscc: str
    name: str
    existing: Enterprise | None
    rejected: bool


@dataclass
class Run:
    """One pass over the file: what its rows are resolved against, and (when writing) what was
    written so far."""

    imp: RosterImport
    committee: Organization
    tree: Tree
    registered: dict[str, Enterprise] = field(default_factory=dict)  # by credit code
    in_file: dict[str, InFile] = field(default_factory=dict)  # by credit code
    names: dict[str, list[str]] = field(default_factory=dict)  # folded name → credit codes in the file
    written: dict[str, Enterprise] = field(default_factory=dict)  # by credit code
    units: dict[int, list[ProductionUnit]] = field(default_factory=dict)  # by enterprise id
    by_name: dict[str, list[Enterprise]] | None = None  # registered under the committee, by folded name

    @classmethod
    def of(cls, imp: RosterImport) -> Run:
        committee = committee_of(imp)
        return cls(imp=imp, committee=committee, tree=Tree(committee))

    def named(self, text: str) -> list[Enterprise]:
        """The enterprises supervised under the committee called `text` (or so in English), as
        people write names (full-width, spaces and case aside)."""
        if self.by_name is None:
            self.by_name = {}
            for ent in orgs.enterprises_supervised_under(self.committee).select_related("supervising_org"):
                for key in {fold(ent.name), fold(ent.name_en or "")} - {""}:
                    self.by_name.setdefault(key, []).append(ent)
        return self.by_name.get(fold(text), [])

    def inside(self, enterprise: Enterprise) -> bool:
        return enterprise.supervising_org.path.startswith(self.committee.path)


def _raw(roster: Roster, cells: list[Any]) -> dict[str, Any] | None:
    raw = {key: (cells[i] if i < len(cells) else None) for key, i in roster.columns.items()}
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
        return None
    return raw


def _enterprise_rows(
    run: Run, roster: Roster, rows: list[tuple[int, list[Any]]]
) -> Iterator[tuple[RowResult, Plan | None]]:
    """Every enterprise row parsed, matched and validated, with its outcome against what is
    registered now."""
    parsed: list[tuple[int, dict[str, Any]]] = [(n, raw) for n, cells in rows if (raw := _raw(roster, cells))]
    codes: list[str] = []
    for _n, raw in parsed:
        try:
            code = parse_uscc(raw.get("uscc"))
        except CellError:
            continue
        if code:
            codes.append(code)
    run.registered = {
        e.uscc: e for e in orgs.enterprises_where(Q(uscc__in=codes)).select_related("supervising_org", "party_org")
    }
    for number, raw in parsed:
        result, plan = _enterprise_row(run, roster, number, raw)
        yield result, plan


def _enterprise_row(run: Run, roster: Roster, number: int, raw: dict[str, Any]) -> tuple[RowResult, Plan | None]:
    result = RowResult(row=number)
    # Names, industry and address as written (full-width brackets kept), compared folded.
    name = plain_text(raw.get("name"))
    result.name = (name or "")[:100]
    if not name:
        result.reject(column(roster, "name"), "", _("The enterprise's name is missing."))
    code, read = read_cell(result, roster, raw, "uscc", parse_uscc)
    if read and code is None:
        result.reject(column(roster, "uscc"), "", _("The unified social credit code is missing."))
    if code is not None and code in run.in_file:
        first = run.in_file[code]
        result.reject(
            column(roster, "uscc"),
            code,
            _("Row %(row)d has the same credit code: an enterprise is listed once.") % {"row": first.row},
        )
        return result, None
    existing = run.registered.get(code) if code else None
    if existing is not None and not run.inside(existing):
        result.reject(
            column(roster, "uscc"),
            code,
            _(
                "An enterprise supervised outside %(committee)s is registered with this credit code: it is not "
                "yours to change. Check the code, or ask the committee that supervises it."
            )
            % {"committee": run.committee.name},
        )
        return result, None
    fields: dict[str, Any] = {}
    if name:
        fields["name"] = name
    for key in TEXT_FIELDS:
        value = plain_text(raw.get(key))
        if value:
            fields[key] = value
    ownership, read = read_cell(result, roster, raw, "ownership", parse_ownership)
    if ownership:
        fields["ownership"] = ownership
    elif read and existing is None:
        result.reject(
            column(roster, "ownership"),
            "",
            _("The ownership is missing. Write one of: %(choices)s.")
            % {"choices": ", ".join(str(label) for _v, label in Ownership.choices)},
        )
    settled, _read = read_cell(result, roster, raw, "settled_on", parse_date)
    if settled:
        fields["settled_on"] = settled
    supervising = parse_text(raw.get("supervising"))
    if supervising:
        try:
            fields["supervising_org"] = run.tree.find(supervising, COMMITTEE_KINDS)
        except CellError as exc:
            result.reject(column(roster, "supervising"), supervising, str(exc))
    elif existing is None:
        fields["supervising_org"] = run.committee  # blank: the committee imported into
    party_org = parse_text(raw.get("party_org"))
    if party_org:
        try:
            fields["party_org"] = run.tree.find(party_org, PARTY_UNIT_KINDS)
        except CellError as exc:
            result.reject(column(roster, "party_org"), party_org, str(exc))
    if code:
        fields["uscc"] = code
        run.in_file[code] = InFile(number, code, name or "", existing, result.outcome == RowOutcome.REJECTED)
        if name:
            run.names.setdefault(fold(name), []).append(code)
    if result.outcome == RowOutcome.REJECTED:
        return result, None
    if existing is not None:
        fields = {k: v for k, v in fields.items() if _differs(existing, k, v)}
        if not fields:
            result.outcome = RowOutcome.UNCHANGED
            return result, None
    try:
        org_services.validated_enterprise(enterprise=existing, **fields)
    except ValidationError as exc:
        _rejected_by(exc, roster, result)
        if code:  # (always: a row without one was rejected above)
            run.in_file[code].rejected = True
        return result, None
    if existing is None:
        result.outcome = RowOutcome.CREATED
    else:
        result.outcome = RowOutcome.UPDATED
        result.changed.extend(label(roster, FIELD_COLUMNS.get(k, k)) for k in fields)
    return result, Plan(existing, fields)


def _differs(existing: Enterprise, key: str, value: Any) -> bool:
    if key in ("supervising_org", "party_org"):
        return getattr(existing, f"{key}_id") != value.pk
    if key in ("name", *TEXT_FIELDS):  # not full-width against half-width, nor spaces or case
        return fold(value) != fold(getattr(existing, key) or "")
    return bool(getattr(existing, key) != value)


def _rejected_by(exc: ValidationError, roster: Roster, result: RowResult) -> None:
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            where = FIELD_COLUMNS.get(key, key)
            result.reject(column(roster, where) if where != "__all__" else "", "", " ".join(messages))
    else:
        result.reject("", "", " ".join(exc.messages))


# --- the second sheet: workshops and teams ------------------------------------------------------


@dataclass(slots=True)
class UnitPlan:
    """What a team row writes: its enterprise (by credit code), its workshop and team, each
    created unless the enterprise has it."""

    uscc: str
    workshop: str | None
    team: str


def units_roster(imp: RosterImport) -> Roster | None:
    """The file's sheet of workshops and teams, if it has one."""
    roster = read_other_sheet(open_bytes(cast(bytes, imp.sealed_file)), imp.file_name, UNITS)
    if roster is None:
        return None
    missing = [c for c in UNIT_COLUMNS if c.required and c.key not in roster.columns]
    if missing:
        raise RosterFileError(
            _(
                "The header row (row %(row)d) of the sheet “%(sheet)s” has no column for: %(columns)s. Add the "
                "column, or rename it."
            )
            % {
                "row": roster.header_row,
                "sheet": roster.sheet,
                "columns": _("; ").join(f"{c.label} ({c.synonyms[0]})" for c in missing),
            }
        )
    return roster


def _unit_column(roster: Roster, key: str) -> str:
    return f"{roster.sheet}: {column(roster, key)}"


def _unit_result(roster: Roster, number: int) -> RowResult:
    result = RowResult(row=UNIT_ROWS + number)
    result.notes.append(_("Sheet “%(sheet)s”, row %(row)d") % {"sheet": roster.sheet, "row": number})
    return result


def _unit_rows(run: Run, roster: Roster) -> Iterator[tuple[RowResult, UnitPlan | None]]:
    seen: dict[tuple[str, str, str], int] = {}
    planned: set[tuple[str, str, str]] = set()  # (credit code, folded workshop or "", folded team or "")
    for number, cells in roster.rows:
        raw = _raw(roster, cells)
        if raw is None:
            continue
        result = _unit_result(roster, number)
        team = plain_text(raw.get("team"))
        workshop = plain_text(raw.get("workshop"))
        result.name = (team or workshop or "")[:100]
        if not team:
            result.reject(_unit_column(roster, "team"), "", _("The team's name is missing."))
        enterprise_text = plain_text(raw.get("enterprise"))
        code: str | None = None
        if not enterprise_text:
            result.reject(_unit_column(roster, "enterprise"), "", _("Name the enterprise, or write its credit code."))
        else:
            try:
                code = _unit_enterprise(run, enterprise_text)
            except CellError as exc:
                result.reject(_unit_column(roster, "enterprise"), enterprise_text, str(exc))
        if code is None or not team or result.outcome == RowOutcome.REJECTED:
            yield result, None
            continue
        key = (code, fold(workshop or ""), fold(team))
        if key in seen:
            result.outcome = RowOutcome.DUPLICATE
            result.notes.append(_("Row %(row)d of this sheet names the same team.") % {"row": seen[key]})
            yield result, None
            continue
        seen[key] = number
        enterprise = run.written.get(code) or (run.in_file[code].existing if code in run.in_file else None)
        enterprise = enterprise or run.registered.get(code)
        stored_workshop, stored_team = _stored_units(run, enterprise, workshop, team)
        new_workshop = bool(workshop) and stored_workshop is None and (code, fold(workshop or ""), "") not in planned
        new_team = stored_team is None and key not in planned
        if not _units_valid(roster, result, enterprise, workshop, team, stored_workshop, new_workshop, new_team):
            yield result, None
            continue
        if new_workshop:
            planned.add((code, fold(workshop or ""), ""))
            result.notes.append(_("New workshop: %(name)s") % {"name": workshop})
        if new_team:
            planned.add(key)
        result.outcome = RowOutcome.CREATED if new_team or new_workshop else RowOutcome.UNCHANGED
        yield result, UnitPlan(code, workshop, team) if result.outcome == RowOutcome.CREATED else None


def _units_valid(
    roster: Roster,
    result: RowResult,
    enterprise: Enterprise | None,
    workshop: str | None,
    team: str,
    stored_workshop: ProductionUnit | None,
    new_workshop: bool,
    new_team: bool,
) -> bool:
    """The workshop and team a row creates, validated as create_unit validates them (a name too
    long is refused here, not at the import)."""
    unit_workshop = stored_workshop
    try:
        if new_workshop and workshop:
            unit_workshop = org_services.validated_unit(enterprise=enterprise, kind=UnitKind.WORKSHOP, name=workshop)
        if new_team:
            org_services.validated_unit(enterprise=enterprise, kind=UnitKind.TEAM, name=team, parent=unit_workshop)
    except ValidationError as exc:
        where = "workshop" if new_workshop and unit_workshop is None else "team"
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                at = "workshop" if key == "parent" else where if key in ("name", "name_en") else ""
                value = (workshop if at == "workshop" else team if at == "team" else "") or ""
                result.reject(_unit_column(roster, at) if at else "", value[:40], " ".join(messages))
        else:
            result.reject("", "", " ".join(exc.messages))
        return False
    return True


def _unit_enterprise(run: Run, text: str) -> str:
    """The credit code of the enterprise a team row names: by credit code or name, in the file
    or already registered under the committee."""
    try:
        code = parse_uscc(text)
    except CellError:
        code = None
    if code is not None:
        listed = run.in_file.get(code)
        if listed is None:
            if code not in run.registered:
                found = orgs.enterprises_where(Q(uscc=code)).select_related("supervising_org").first()
                if found is None:
                    raise CellError(
                        _("No enterprise in the file or registered under %(committee)s has this credit code.")
                        % {"committee": run.committee.name}
                    )
                run.registered[code] = found
            if not run.inside(run.registered[code]):
                raise CellError(
                    _("This enterprise is supervised outside %(committee)s: its teams are not yours to change.")
                    % {"committee": run.committee.name}
                )
            return code
    else:
        codes = run.names.get(fold(text), [])
        if len(codes) > 1:
            raise CellError(
                _("The file lists several enterprises called “%(name)s”: write the credit code instead.")
                % {"name": text}
            )
        if not codes:
            found_all = run.named(text)[:2]
            if len(found_all) > 1:
                raise CellError(
                    _("Several enterprises under %(committee)s are called “%(name)s”: write the credit code instead.")
                    % {"committee": run.committee.name, "name": text}
                )
            if not found_all:
                raise CellError(
                    _("No enterprise in the file or registered under %(committee)s is called “%(name)s”.")
                    % {"committee": run.committee.name, "name": text}
                )
            run.registered[found_all[0].uscc] = found_all[0]
            return found_all[0].uscc
        code = codes[0]
        listed = run.in_file[code]
    if listed.rejected:
        raise CellError(_("Row %(row)d of the enterprises is rejected: correct it first.") % {"row": listed.row})
    return code


def _stored_units(
    run: Run, enterprise: Enterprise | None, workshop: str | None, team: str
) -> tuple[ProductionUnit | None, ProductionUnit | None]:
    """The enterprise's workshop and team of these names, where it has them."""
    if enterprise is None:
        return None, None
    if enterprise.pk not in run.units:
        run.units[enterprise.pk] = list(orgs.units_of(enterprise))
    units = run.units[enterprise.pk]
    stored_workshop = None
    if workshop:
        stored_workshop = next(
            (u for u in units if u.kind == UnitKind.WORKSHOP and fold(u.name) == fold(workshop)), None
        )
        if stored_workshop is None:
            return None, None
    teams = [u for u in units if u.kind == UnitKind.TEAM and fold(u.name) == fold(team)]
    if stored_workshop is not None:
        teams = [t for t in teams if t.parent_id == stored_workshop.pk]
    elif len(teams) > 1:  # no workshop given: the one team of that name, wherever it is
        teams = [t for t in teams if t.parent_id is None]
    return stored_workshop, teams[0] if len(teams) == 1 else None


def _units_or_problem(imp: RosterImport) -> tuple[Roster | None, RowResult | None]:
    """The second sheet, or the reason it cannot be read as a rejected row of the report."""
    try:
        return units_roster(imp), None
    except RosterFileError as exc:
        result = RowResult(row=UNIT_ROWS)
        result.reject("", "", str(exc))
        return None, result


# --- the two passes -------------------------------------------------------------------------------


def checked(imp: RosterImport, roster: Roster, progress: Any = None) -> Iterator[RowResult]:
    """The dry run: every row's outcome, both sheets; nothing written."""
    run = Run.of(imp)
    rows = list(roster.rows)
    yield from outcomes(_enterprise_rows(run, roster, rows), roster.total_rows, progress)
    units, problem = _units_or_problem(imp)
    if problem is not None:
        yield problem
    if units is not None:
        yield from outcomes(_unit_rows(run, units), 0, None)


def write(imp: RosterImport, roster: Roster, *, actor: User | None) -> tuple[list[RowResult], int]:
    """Inside the import's transaction: every enterprise created or updated through the
    organisations' services, then every workshop and team. Returns the rows' outcomes and how
    many were rejected (then the caller rolls everything back)."""
    run = Run.of(imp)
    results: list[RowResult] = []
    rejected = 0
    for result, plan in list(_enterprise_rows(run, roster, list(roster.rows))):
        if plan is not None:
            try:
                if plan.existing is None:
                    enterprise = org_services.create_enterprise(actor=actor, **plan.fields)
                else:
                    enterprise = org_services.update_enterprise(actor=actor, enterprise=plan.existing, **plan.fields)
                run.written[enterprise.uscc] = enterprise
            except ValidationError as exc:
                _rejected_by(exc, roster, result)
        rejected += result.outcome == RowOutcome.REJECTED
        results.append(result)
    units, problem = _units_or_problem(imp)
    if problem is not None:
        results.append(problem)
        rejected += 1
    if units is not None:
        for result, unit in list(_unit_rows(run, units)):
            if unit is not None:
                try:
                    _write_unit(run, unit, actor)
                except ValidationError as exc:
                    result.reject("", "", " ".join(exc.messages))
            rejected += result.outcome == RowOutcome.REJECTED
            results.append(result)
    return results, rejected


def _write_unit(run: Run, unit: UnitPlan, actor: User | None) -> None:
    enterprise = run.written.get(unit.uscc) or run.registered.get(unit.uscc)
    if enterprise is None and unit.uscc in run.in_file:
        enterprise = run.in_file[unit.uscc].existing
    if enterprise is None:  # pragma: no cover - every enterprise of the file was written above
        raise ValidationError(_("The team's enterprise was not written."))
    workshop, team = _stored_units(run, enterprise, unit.workshop, unit.team)
    units = run.units[enterprise.pk]
    if unit.workshop and workshop is None:
        workshop = org_services.create_unit(
            actor=actor, enterprise=enterprise, kind=UnitKind.WORKSHOP, name=unit.workshop
        )
        units.append(workshop)
    if team is None:
        units.append(
            org_services.create_unit(
                actor=actor, enterprise=enterprise, kind=UnitKind.TEAM, name=unit.team, parent=workshop
            )
        )


# --- the blank file ---------------------------------------------------------------------------------


def template_bytes() -> bytes:
    """A blank enterprises file: the enterprises (a drop-down of ownerships), the workshops and
    teams, and an instructions sheet saying what each column takes."""
    book = Workbook()
    sheet = book.sheet(_("Enterprises"))
    units = book.sheet(_("Workshops and teams"))
    lists = book.sheet("lists")  # the choices behind the drop-down, hidden
    lists.hide()
    ownerships = [str(label) for _v, label in Ownership.choices]
    for r, text in enumerate(ownerships):
        lists.write_string(r, 0, text)
    for i, col in enumerate(ENTERPRISE_COLUMNS):
        text_format = book.text_format if col.text else None
        sheet.set_column(i, i, col.width, text_format)
        sheet.write_string(0, i, str(col.label), book.header_format)
        if col.key == "ownership":
            source = f"=lists!$A$1:$A${len(ownerships)}"
            sheet.data_validation(1, i, 5000, i, {"validate": "list", "source": source, "error_type": "warning"})
    sheet.freeze_panes(1, 0)
    for i, col in enumerate(UNIT_COLUMNS):
        units.set_column(i, i, col.width)
        units.write_string(0, i, str(col.label), book.header_format)
    units.freeze_panes(1, 0)
    instructions.add_sheet(
        book,
        (
            instructions.line(f"{sheet_name}: {col.label}", col.required, col.synonyms, col.help)
            for sheet_name, columns in (
                (_("Enterprises"), ENTERPRISE_COLUMNS),
                (_("Workshops and teams"), UNIT_COLUMNS),
            )
            for col in columns
        ),
        _(
            "Fill one row per enterprise: enterprises are matched by their credit code, so importing the same "
            "file twice changes nothing. Import the party organisation tree first, so the party organisation "
            "column can name it. The sheet of workshops and teams is optional: one team a row, its enterprise "
            "by name or credit code."
        ),
        name_width=22,
    )
    return book.close()


def template_name() -> str:
    return _("enterprises template") + ".xlsx"
