"""The one roster pipeline: read → parse → match by ID number → validate → (write) → report.

`check` is the dry run: it validates every row with the same functions the services use and
stores each row's outcome, writing nothing else. `apply` runs the very same row logic with
`write=True` inside one transaction: the people services create or update each record (each
leaving its audit event), and if any row fails the whole transaction is rolled back, so the
database is as it was. The web page, the API and `manage.py import_roster` all call these two.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access.scopes import CHANGE, MEMBERSHIP, PERSON, VIEW, can_add_to, scope
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.choices import PARTY_MEMBER_STATUSES, PoliticalStatus
from dangjian.organizations import services as org_services
from dangjian.organizations.models import PARTY_UNIT_KINDS, Enterprise, Organization, ProductionUnit, UnitKind
from dangjian.organizations.selectors import enterprises_under
from dangjian.people import id_checks
from dangjian.people import services as people
from dangjian.people.crypto import blind_index, open_bytes
from dangjian.people.models import Membership, Person
from dangjian.people.validators import mask_id_number, mask_phone

from .columns import BY_KEY, EMPLOYEES, MEMBERS
from .models import ImportRow, ImportStatus, RosterImport, RowOutcome
from .parsing import PARSERS, CellError, shown
from .parsing import fold as _fold
from .reading import Roster, RosterFileError, read_roster

CHUNK = 500
ALIVE_EVERY = 5  # seconds between a check's signs of life
ALIVE_TTL = 24 * 60 * 60


def alive_key(import_id: int) -> str:
    return f"rosters:alive:{import_id}"


PERSON_KEYS = ("name", "gender", "ethnicity", "id_number", "birth_date", "phone", "education", "post", "hire_date")
MEMBERSHIP_KEYS = ("admitted_on", "converted_on", "joined_org_on")
SENSITIVE = {"id_number": mask_id_number, "phone": mask_phone}

ProgressFn = Callable[[int, int], None]


class ImportRejected(Exception):
    """Raised inside the import's transaction when a row fails, to roll every write back."""

    def __init__(self, rejected: int) -> None:
        super().__init__(rejected)
        self.rejected = rejected


# --- targets and permission ----------------------------------------------------------------


def kind_for(target: Enterprise | Organization) -> str:
    return EMPLOYEES if isinstance(target, Enterprise) else MEMBERS


def find_target(code: str) -> Enterprise | Organization | None:
    """An enterprise by its credit code, or a party organisation by its code."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return Enterprise.objects.filter(uscc=code).first() or Organization.objects.filter(code__iexact=code).first()


def may_import_into(user: Any, target: Enterprise | Organization) -> bool:
    """`user` None is the system itself (`manage.py import_roster` without --user)."""
    if user is None:
        return isinstance(target, Enterprise) or target.kind in PARTY_UNIT_KINDS
    if isinstance(target, Enterprise):
        return can_add_to(user, PERSON, target)
    return target.kind in PARTY_UNIT_KINDS and can_add_to(user, MEMBERSHIP, target)


def targets_for(user: Any) -> tuple[Any, Any]:
    """Where this user may import: (enterprises, party organisations)."""
    from dangjian.access.scopes import ENTERPRISE, ORG, container_q

    eq = container_q(user, PERSON, CHANGE, ENTERPRISE)
    oq = container_q(user, MEMBERSHIP, CHANGE, ORG)
    ents = Enterprise.objects.all() if eq is None else Enterprise.objects.filter(eq)
    orgs = Organization.objects.filter(kind__in=PARTY_UNIT_KINDS)
    orgs = orgs if oq is None else orgs.filter(oq)
    return ents.order_by("name"), orgs.order_by("path")


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- one row -----------------------------------------------------------------------------


@dataclass
class RowResult:
    row: int
    outcome: str = RowOutcome.UNCHANGED
    name: str = ""
    problems: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    person_id: int | None = None

    def reject(self, column: str, value: Any, message: str) -> None:
        self.outcome = RowOutcome.REJECTED
        self.problems.append({"column": column, "value": value, "message": message})


class Importer:
    """Runs rows through matching and validation; with `write=True` also through the services."""

    def __init__(
        self, *, actor: Any, target: Enterprise | Organization, roster: Roster, write: bool, create_teams: bool
    ) -> None:
        self.actor = actor
        self.target = target
        self.kind = kind_for(target)
        self.roster = roster
        self.write = write
        self.create_teams = create_teams
        # ID index → (row, hash of the row's values): two small ints per row, so a 100,000-row
        # file costs a few MB here and nothing else grows with the file.
        self.seen: dict[bytes, tuple[int, int]] = {}
        self.enterprise = target if isinstance(target, Enterprise) else None
        self.org = target if isinstance(target, Organization) else None
        self._units: dict[int, dict[tuple[str, str], list[ProductionUnit]]] = {}
        self._planned_teams: set[tuple[int, str, str]] = set()
        self.quota: id_checks.Quota | None = None  # the uploader's ID-number answers left (per chunk)
        if self.org is not None:
            covered = Enterprise.objects.select_related("party_org").filter(pk__in=enterprises_under(self.org.path))
            self.enterprises = list(covered)
            own = [e for e in self.enterprises if e.party_org_id and e.party_org.path.startswith(self.org.path)]
            self.default_employer = own[0] if len(own) == 1 else None
        else:
            self.enterprises = [target]
            self.default_employer = target

    # column naming in messages: "E 身份证号码"
    def col(self, key: str) -> str:
        if key in self.roster.columns:
            return f"{self.roster.letter(key)} {self.roster.label(key)}".strip()
        return str(BY_KEY[key].label) if key in BY_KEY else ""

    def run(self, rows: Iterable[tuple[int, list[Any]]], progress: ProgressFn | None = None) -> Iterable[RowResult]:
        chunk: list[tuple[int, dict[str, Any], RowResult]] = []
        done = 0
        for number, cells in rows:
            parsed = self._parse(number, cells)
            if parsed is None:
                continue
            chunk.append(parsed)
            if len(chunk) >= CHUNK:
                yield from self._run_chunk(chunk)
                done += len(chunk)
                chunk = []
                if progress:
                    progress(done, max(self.roster.total_rows, done))
        if chunk:
            yield from self._run_chunk(chunk)
            done += len(chunk)
        if progress:
            progress(done, done)

    def _parse(self, number: int, cells: list[Any]) -> tuple[int, dict[str, Any], RowResult] | None:
        raw = {key: (cells[i] if i < len(cells) else None) for key, i in self.roster.columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            return None  # a blank row, or a footnote outside the roster's columns
        result = RowResult(row=number)
        values: dict[str, Any] = {}
        for key, value in raw.items():
            column = BY_KEY[key]
            parser = PARSERS[column.parser]
            try:
                values[key] = parser(value)
            except CellError as exc:
                result.reject(self.col(key), self._shown(key, value), str(exc))
        result.name = (values.get("name") or "")[:100]
        return number, values, result

    def _shown(self, key: str, value: Any) -> str:
        text = shown(value)
        return SENSITIVE[key](text) if key in SENSITIVE and text else text

    def _run_chunk(self, chunk: list[tuple[int, dict[str, Any], RowResult]]) -> Iterable[RowResult]:
        indexes = [blind_index(v["id_number"]) for _n, v, _r in chunk if v.get("id_number")]
        existing = {
            p.id_number_index: p
            for p in Person.objects.filter(id_number_index__in=indexes).select_related(
                "employer", "team", "team__parent", "party_org"
            )
        }
        ids = [p.pk for p in existing.values()]
        in_scope = Person.objects.filter(pk__in=ids)
        if self.actor is not None:
            in_scope = scope(self.actor, in_scope, CHANGE)
        changeable = set(in_scope.values_list("pk", flat=True))
        # Whom the uploader may see of those (told by name, not counted): once a chunk, not a row.
        viewable = (
            set(scope(self.actor, Person.objects.filter(pk__in=ids), VIEW).values_list("pk", flat=True))
            if self.actor is not None and ids
            else set()
        )
        # Whether the uploader may still be told about ID numbers outside their scope this hour
        # (people.id_checks): read once a chunk, not once a row.
        self.quota = id_checks.quota(self.actor) if self.actor is not None else None
        open_memberships: dict[int, Membership] = {}
        if self.kind == MEMBERS and ids:
            for m in Membership.objects.filter(person_id__in=ids, ended_on__isnull=True).select_related("organization"):
                open_memberships[m.person_id] = m
        for _number, values, result in chunk:
            if result.outcome != RowOutcome.REJECTED:
                self._row(values, result, existing, changeable, viewable, open_memberships)
            elif self.kind == EMPLOYEES and values.get("team") and not self.create_teams:
                self._team(values, self.enterprise, result)  # report every problem of the row at once
            yield result

    def _row(
        self,
        values: dict[str, Any],
        result: RowResult,
        existing: dict[str, Person],
        changeable: set[int],
        viewable: set[int],
        open_memberships: dict[int, Membership],
    ) -> None:
        if not values.get("name"):
            result.reject(self.col("name"), "", _("The name is missing."))
        if not values.get("id_number"):
            result.reject(
                self.col("id_number"),
                "",
                _("The ID number is missing. Rows are matched to the people already registered by it."),
            )
        if result.outcome == RowOutcome.REJECTED:
            return
        index = blind_index(values["id_number"])
        key = bytes.fromhex(index)[:16]
        signature = hash(tuple(sorted((k, str(v)) for k, v in values.items() if v is not None)))
        if key in self.seen:
            first_row, first_sig = self.seen[key]
            if first_sig == signature:
                result.outcome = RowOutcome.DUPLICATE
                result.notes.append(_("The same as row %(row)d, which is imported once.") % {"row": first_row})
            else:
                result.reject(
                    self.col("id_number"),
                    mask_id_number(values["id_number"]),
                    _("Row %(row)d has the same ID number with different details. Keep one of the two rows.")
                    % {"row": first_row},
                )
            return
        self.seen[key] = (result.row, signature)
        person = existing.get(index)
        if person is not None and person.pk not in changeable:
            # Registered where the uploader may not change them. Outside what they may see, this
            # is the one answer to "is this ID number taken?" (people.services.answer_out_of_scope):
            # counted and audited, paused once the hour's answers are used up.
            if self.actor is not None and person.pk not in viewable:
                answer = people.answer_out_of_scope(
                    actor=self.actor, number=values["id_number"], found=person, record=not self.write
                )
            else:
                answer = people.IdNumberAnswer(people.ELSEWHERE)
            message = (
                answer.message if answer.kind == people.PAUSED else people.IdNumberAnswer(people.ELSEWHERE).message
            )
            if answer.kind == people.ELSEWHERE and self.quota is not None and person.pk not in viewable:
                self.quota = id_checks.quota(self.actor)
            result.reject(self.col("id_number"), mask_id_number(values["id_number"]), message)
            return
        if person is None and self.quota is not None and self.quota.left <= 0:
            # A new number once the answers are used up: the same pause, or the difference would tell.
            paused = people.IdNumberAnswer(people.PAUSED, until=self.quota.resets_at)
            result.reject(self.col("id_number"), mask_id_number(values["id_number"]), paused.message)
            return
        try:
            with transaction.atomic() if self.write else _nothing():
                self._person_and_membership(values, result, person, open_memberships)
        except ValidationError as exc:
            self._rejected_by(exc, values, result)

    def _rejected_by(self, exc: ValidationError, values: dict[str, Any], result: RowResult) -> None:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for key, messages in errors.items():
            for message in messages:
                column = self.col(key) if key in BY_KEY or key in self.roster.columns else ""
                result.reject(column, self._shown(key, values.get(key)) if key in values else "", message)

    # --- the records -------------------------------------------------------------------

    def _person_and_membership(
        self,
        values: dict[str, Any],
        result: RowResult,
        person: Person | None,
        open_memberships: dict[int, Membership],
    ) -> None:
        fields = {k: values[k] for k in PERSON_KEYS if values.get(k) is not None}
        employer = self._employer(values, person, result)
        if result.outcome == RowOutcome.REJECTED:
            return
        if employer is not None and (person is None or person.employer_id is None):
            fields["employer"] = employer
        team = self._team(values, employer or (person.employer if person else None), result)
        if result.outcome == RowOutcome.REJECTED:
            return
        if team is not None:
            fields["team"] = team
        self._political_status(values, result, person, fields)
        if person is None:
            if not values.get("ethnicity"):
                result.reject(self.col("ethnicity"), "", _("The ethnicity is missing; it is needed for a new person."))
                return
            result.outcome = RowOutcome.CREATED
            if self.write:
                person = people.create_person(actor=self.actor, **fields)
            else:
                person = Person(**{k: v for k, v in fields.items() if k != "team"})
                if "team" in fields and fields["team"].pk:
                    person.team = fields["team"]
                people.clean_person(person)
        else:
            changes = {k: v for k, v in fields.items() if not _same(getattr(person, k), v)}
            if changes:
                result.outcome = RowOutcome.UPDATED
                result.changed.extend(self._label(k) for k in changes)
                if self.write:
                    person = people.update_person(actor=self.actor, person=person, **changes)
                else:
                    trial = copy.copy(person)
                    for k, v in changes.items():
                        setattr(trial, k, v if not (k == "team" and v.pk is None) else None)
                    people.clean_person(trial)
        result.person_id = person.pk
        if self.kind == MEMBERS:
            self._membership(values, result, person, open_memberships.get(person.pk) if person.pk else None)

    def _membership(
        self, values: dict[str, Any], result: RowResult, person: Person, current: Membership | None
    ) -> None:
        dates = {k: values[k] for k in MEMBERSHIP_KEYS if values.get(k) is not None}
        if current is not None and not current.organization.path.startswith(self.org.path):
            result.reject(
                "",
                "",
                _("This person is a member of %(org)s. Transfer the membership to %(here)s before importing it here.")
                % {"org": current.organization, "here": self.org},
            )
            return
        if current is None:
            if "admitted_on" not in dates:
                result.reject(
                    self.col("admitted_on"), "", _("The date of admission to the Party is missing; it is required.")
                )
                return
            if result.outcome == RowOutcome.UNCHANGED:
                result.outcome = RowOutcome.CREATED
            result.changed.append(str(Membership._meta.verbose_name))
            if self.write:
                people.add_membership(actor=self.actor, person=person, organization=self.org, **dates)
            else:
                people.clean_membership(Membership(person=person, organization=self.org, **dates))
            return
        changes = {k: v for k, v in dates.items() if getattr(current, k) != v}
        if not changes:
            return
        if result.outcome == RowOutcome.UNCHANGED:
            result.outcome = RowOutcome.UPDATED
        result.changed.extend(self._label(k) for k in changes)
        if self.write:
            people.update_membership(actor=self.actor, membership=current, **changes)
        else:
            trial = copy.copy(current)
            for k, v in changes.items():
                setattr(trial, k, v)
            people.clean_membership(trial)

    def _label(self, key: str) -> str:
        return self.roster.label(key) or (str(BY_KEY[key].label) if key in BY_KEY else key)

    def _employer(self, values: dict[str, Any], person: Person | None, result: RowResult) -> Enterprise | None:
        if self.kind == EMPLOYEES:
            if person is not None and person.employer_id and person.employer_id != self.enterprise.pk:
                result.reject(
                    self.col("id_number"),
                    mask_id_number(values["id_number"]),
                    _(
                        "This person is registered as an employee of %(other)s. Record that they have left it "
                        "before importing them here."
                    )
                    % {"other": person.employer},
                )
            return self.enterprise
        text = values.get("employer")
        if not text:
            return person.employer if person and person.employer_id else self.default_employer
        folded = text.replace(" ", "").upper()
        found = [e for e in self.enterprises if folded in {e.uscc, e.name.replace(" ", "").upper()}]
        if len(found) != 1:
            result.reject(
                self.col("employer"),
                text,
                _(
                    "No enterprise named “%(name)s” is covered by %(org)s. Write the name as registered in "
                    "Dangjian, or its credit code."
                )
                % {"name": text, "org": self.org},
            )
            return None
        if person is not None and person.employer_id and person.employer_id != found[0].pk:
            result.notes.append(
                _("Registered as an employee of %(other)s; the employer is not changed by a member roster.")
                % {"other": person.employer}
            )
            return person.employer
        return found[0]

    def _team(self, values: dict[str, Any], employer: Enterprise | None, result: RowResult) -> ProductionUnit | None:
        team_name = values.get("team")
        workshop_name = values.get("workshop")
        if not team_name:
            return None
        if employer is None:
            result.reject(self.col("team"), team_name, _("A team needs an employer: fill in the employer column."))
            return None
        teams = self._units_named(employer, UnitKind.TEAM, team_name)
        if workshop_name:
            teams = [t for t in teams if t.parent_id and _fold(t.parent.name) == _fold(workshop_name)]
        if len(teams) == 1:
            return teams[0]
        if len(teams) > 1:
            result.reject(
                self.col("team"),
                team_name,
                _("%(enterprise)s has more than one team named “%(team)s”. Fill in the workshop column to say which.")
                % {"enterprise": employer, "team": team_name},
            )
            return None
        if not self.create_teams:
            result.reject(
                self.col("team"),
                team_name,
                _(
                    "%(enterprise)s has no team named “%(team)s”. Correct the name, add the team first, or tick "
                    "“create missing teams”."
                )
                % {"enterprise": employer, "team": team_name},
            )
            return None
        return self._new_team(employer, workshop_name, team_name, result)

    def _new_team(
        self, employer: Enterprise, workshop_name: str | None, team_name: str, result: RowResult
    ) -> ProductionUnit:
        workshop = None
        if workshop_name:
            workshop = next(iter(self._units_named(employer, UnitKind.WORKSHOP, workshop_name)), None)
        key = (employer.pk, _fold(workshop_name or ""), _fold(team_name))
        if key not in self._planned_teams:
            self._planned_teams.add(key)
            result.notes.append(
                _("The team “%(team)s” will be created.") % {"team": team_name}
                if not self.write
                else _("The team “%(team)s” was created.") % {"team": team_name}
            )
        if not self.write:
            return ProductionUnit(enterprise=employer, kind=UnitKind.TEAM, name=team_name)
        if workshop is None and workshop_name:
            workshop = org_services.create_unit(
                actor=self.actor, enterprise=employer, kind=UnitKind.WORKSHOP, name=workshop_name
            )
            self._units_named(employer, UnitKind.WORKSHOP, workshop_name).append(workshop)
        team = org_services.create_unit(
            actor=self.actor, enterprise=employer, kind=UnitKind.TEAM, name=team_name, parent=workshop
        )
        self._units_named(employer, UnitKind.TEAM, team_name).append(team)
        return team

    def _units_named(self, employer: Enterprise, kind: str, name: str) -> list[ProductionUnit]:
        """The employer's units of that kind and name (folded), loaded once per import."""
        if employer.pk not in self._units:
            index: dict[tuple[str, str], list[ProductionUnit]] = {}
            for unit in ProductionUnit.objects.filter(enterprise=employer).select_related("parent"):
                index.setdefault((unit.kind, _fold(unit.name)), []).append(unit)
            self._units[employer.pk] = index
        return self._units[employer.pk].setdefault((kind, _fold(name)), [])

    def _political_status(
        self, values: dict[str, Any], result: RowResult, person: Person | None, fields: dict[str, Any]
    ) -> None:
        status = values.get("political_status")
        if not status or status == PoliticalStatus.MASSES:
            return
        if status == PoliticalStatus.LEAGUE:
            if person is None or not person.is_league_member:
                fields["is_league_member"] = True
            return
        current = person.political_status if person is not None else PoliticalStatus.MASSES
        if status in PARTY_MEMBER_STATUSES and current not in PARTY_MEMBER_STATUSES and self.kind == EMPLOYEES:
            result.notes.append(
                _(
                    "Marked as a Party member in the file, but no membership is recorded: the branch records it "
                    "(member roster or the person's page)."
                )
            )
        elif status not in PARTY_MEMBER_STATUSES and status != current and self.kind == EMPLOYEES:
            result.notes.append(
                _("Applicants, activists and development targets are recorded through membership development.")
            )


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


def _same(current: Any, new: Any) -> bool:
    if isinstance(new, ProductionUnit):
        return new.pk is not None and getattr(current, "pk", None) == new.pk
    if isinstance(new, Enterprise):
        return getattr(current, "pk", None) == new.pk
    if isinstance(current, dt.date) and isinstance(new, dt.date):
        return current == new
    return (current or "") == (new or "")


# --- running a whole import ------------------------------------------------------------------


def roster_of(imp: RosterImport) -> Roster:
    roster = read_roster(open_bytes(imp.sealed_file), imp.file_name, imp.kind)
    missing = [BY_KEY[k] for k in ("name", "id_number") if k not in roster.columns]
    if imp.kind == MEMBERS and "admitted_on" not in roster.columns:
        missing.append(BY_KEY["admitted_on"])
    if missing:
        raise RosterFileError(
            _("The header row (row %(row)d) has no column for: %(columns)s. Add the column, or rename it.")
            % {
                "row": roster.header_row,
                "columns": _("; ").join(f"{c.label} ({c.synonyms[0]})" for c in missing),
            }
        )
    return roster


def _describe_columns(roster: Roster) -> list[dict[str, Any]]:
    return [
        {"letter": h.letter, "text": h.text, "key": h.key, "label": str(BY_KEY[h.key].label) if h.key else ""}
        for h in roster.header
        if h.text or h.key
    ]


def _save_rows(imp: RosterImport, results: Iterable[RowResult], counts: dict[str, int]) -> None:
    batch: list[ImportRow] = []
    for r in results:
        outcome = str(r.outcome)
        counts[outcome] = counts.get(outcome, 0) + 1
        counts["rows"] = counts.get("rows", 0) + 1
        batch.append(
            ImportRow(
                roster_import=imp,
                row_number=r.row,
                outcome=r.outcome,
                name=r.name,
                problems=r.problems,
                notes=r.notes,
                changed=r.changed,
                person_id=r.person_id,
            )
        )
        if len(batch) >= 1000:
            ImportRow.objects.bulk_create(batch)
            batch = []
    if batch:
        ImportRow.objects.bulk_create(batch)


def fail(imp: RosterImport, message: str) -> None:
    imp.status = ImportStatus.FAILED
    imp.message = message
    RosterImport.objects.filter(pk=imp.pk).update(status=imp.status, message=message)


def _alive(imp: RosterImport, progress: ProgressFn | None) -> ProgressFn:
    """The check's progress, leaving a sign of life on the way (at most every few seconds), which
    tells a check still running from one whose process was killed (selectors.interrupted)."""
    last = [time.time()]
    cache.set(alive_key(imp.pk), last[0], ALIVE_TTL)

    def report(done: int, total: int) -> None:
        now = time.time()
        if now - last[0] >= ALIVE_EVERY:
            cache.set(alive_key(imp.pk), now, ALIVE_TTL)
            last[0] = now
        if progress is not None:
            progress(done, total)

    return report


def check(imp: RosterImport, progress: ProgressFn | None = None) -> RosterImport:
    """The dry run: every row's outcome, nothing written but the report."""
    progress = _alive(imp, progress)
    imp.rows.all().delete()
    try:
        roster = roster_of(imp)
    except RosterFileError as exc:
        fail(imp, str(exc))
        return imp
    importer = Importer(
        actor=imp.requested_by, target=imp.target, roster=roster, write=False, create_teams=imp.create_teams
    )
    counts: dict[str, int] = {}
    _save_rows(imp, importer.run(roster.rows, progress), counts)
    imp.columns = _describe_columns(roster)
    imp.header_row = roster.header_row
    imp.counts = counts
    imp.status = ImportStatus.CHECKED
    imp.checked_at = timezone.now()
    imp.message = "" if counts.get("rows") else _("The roster has a header row but no data rows under it.")
    imp.save(update_fields=["columns", "header_row", "counts", "status", "checked_at", "message"])
    return imp


def apply(imp: RosterImport, progress: ProgressFn | None = None) -> RosterImport:
    """Write the whole file in one transaction, or nothing."""
    if not may_import_into(imp.requested_by, imp.target):
        fail(imp, _("You may no longer import into %(target)s.") % {"target": imp.target})
        return imp
    try:
        _apply_in_transaction(imp, progress)
    except ImportRejected as exc:
        # Everything was rolled back. The data changed since the check: check again, so the
        # report shows what stands in the way now.
        check(imp)
        fail(
            imp,
            _(
                "Nothing was imported: %(n)d rows could not be written (the records changed since the file was "
                "checked). The report below shows why; correct the file and upload it again."
            )
            % {"n": exc.rejected},
        )
    except RosterFileError as exc:
        fail(imp, str(exc))
    except Exception:
        fail(imp, _("Nothing was imported: the import stopped on an unexpected error. The database is unchanged."))
        raise
    return imp


@audit.write_transaction
def _apply_in_transaction(imp: RosterImport, progress: ProgressFn | None) -> None:
    # Under the chain lock: a second run of the same import (confirmed again after a worker
    # died, or started twice) waits here, then finds the first one's work committed.
    status = RosterImport.objects.select_for_update().values_list("status", flat=True).get(pk=imp.pk)
    if status != ImportStatus.CHECKED:
        imp.refresh_from_db()
        return
    roster = roster_of(imp)
    importer = Importer(
        actor=imp.requested_by, target=imp.target, roster=roster, write=True, create_teams=imp.create_teams
    )
    imp.rows.all().delete()
    counts: dict[str, int] = {}
    _save_rows(imp, importer.run(roster.rows, progress), counts)
    if counts.get(RowOutcome.REJECTED):
        raise ImportRejected(counts[RowOutcome.REJECTED])
    imp.counts = counts
    imp.status = ImportStatus.IMPORTED
    imp.imported_at = timezone.now()
    imp.message = ""
    imp.save(update_fields=["counts", "status", "imported_at", "message"])
    audit.record(
        actor=imp.requested_by,
        action=Action.IMPORT,
        obj=imp,
        changes={
            "file": imp.file_name,
            "sha256": imp.sha256,
            "roster": imp.kind,
            "into": str(imp.target),
            **{k: v for k, v in counts.items()},
        },
    )
