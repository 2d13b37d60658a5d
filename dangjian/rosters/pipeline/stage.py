"""Stage and merge: an import prepared outside the write lock, then written in one short step.

1. `Stage` collects, while the rows are checked once more outside any transaction (parsed,
   validated by the services' own clean functions, ID numbers and phones encrypted and
   blind-indexed), what each row will write, compactly (tuples, not model instances), and what
   the preparation read (each matched person's and membership's `updated_at`).
2. `stage_out`, still outside any transaction, reserves the ids of every operation's audit
   event, of the new people and of the new teams (`audit.reserve_event_ids`: no seal's floor
   passes them meanwhile), and writes the new people, their and the teams' creation events
   (hashed and keyed) and the rows' report into staging tables (TEMP tables: writing them locks
   nothing), a batch at a time.
3. `merge` runs inside the import's one write transaction: it claims the reservation, re-reads
   what the preparation read in a few queries and refuses (`Stale`) if anything changed or a new
   person's ID number was registered meanwhile, and otherwise copies the staging tables in with
   one INSERT … SELECT each, then works out the changes and memberships (`bulk_update`,
   `bulk_create`, their events under their reserved ids) and the derived political status
   (`refresh_derived_many`). The events are those the services would record one row at a time,
   in the same order (their ids follow the rows)."""

from __future__ import annotations

import datetime as dt
import json
import marshal
from collections.abc import Callable, Iterator
from typing import Any, cast

from django.db import transaction
from django.db.models import Field
from django.utils import timezone

from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.bulk import Staging, reserve_ids
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit
from dangjian.people import services as people
from dangjian.people.crypto import seal
from dangjian.people.models import Membership, Person

from ..models import ImportRow, RosterImport
from .match import Match
from .parse import RowResult

BATCH = 1000  # rows merged at a time (a few statements each)
LOOKUP = 2000  # ids or indexes in one `IN (…)`

# What a new person row holds, in this order (attnames, as `bulk_create` writes them).
NEW_PERSON = (
    "name",
    "name_latin",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "id_number_index",
    "phone",
    "education",
    "post",
    "employer_id",
    "team_id",
    "hire_date",
    "is_league_member",
    "preferred_language",
)
SEALED = {"id_number", "phone"}
TEAM = NEW_PERSON.index("team_id")
DATES = {"birth_date", "hire_date"}
LEAGUE = NEW_PERSON.index("is_league_member")
EMPLOYER_AT = NEW_PERSON.index("employer_id")
NAME_AT = NEW_PERSON.index("name")
PERSON_LABEL = Person._meta.label
DATE_AT = [NEW_PERSON.index(a) for a in DATES]
PERSON_WRITTEN = [f for f in Person._meta.concrete_fields if f.name not in {"id", "created_at", "updated_at"}]
MEMBERSHIP_WRITTEN = [f for f in Membership._meta.concrete_fields if f.name not in {"id", "created_at", "updated_at"}]

# Operations of a row, in the order the services would run them.
UNIT, PERSON_NEW, PERSON_CHANGE, MEMBERSHIP_NEW, MEMBERSHIP_CHANGE = range(5)
THIS_ROWS_PERSON = None  # a new membership of the person the same row creates


def pack(person: Person) -> bytes:
    """A new person's values (NEW_PERSON), sealed, and what its creation event will say
    (`audit.create_draft` of the person as it will be stored, less its id and a team the merge
    creates), in a few hundred bytes: 100,000 staged rows must fit the import's memory target,
    and the event is not worked out again while the write lock is held."""
    # As JSON holds it (what is hashed and stored): choices' enum members become their values.
    said = json.loads(json.dumps(audit.create_draft(person).changes))
    values = []
    for a in NEW_PERSON:
        value = getattr(person, a)
        if a in SEALED:
            value = str(seal(value))
        elif a in DATES and value is not None:
            value = value.toordinal()
        values.append(value)
    return marshal.dumps((tuple(values), said))


def unpack(blob: bytes) -> tuple[list[Any], dict[str, Any]]:
    packed, said = marshal.loads(blob)
    values = list(packed)
    for i in DATE_AT:
        if values[i] is not None:
            values[i] = dt.date.fromordinal(values[i])
    return values, said


class Stale(Exception):
    """A record the preparation read changed before the merge: prepare again."""


class Stage:
    def __init__(self) -> None:
        # Each row: (row, outcome, name, problems, notes, changed, person_id, ops)
        self.rows: list[tuple[Any, ...]] = []
        self._ops: list[tuple[Any, ...]] = []
        self.units: list[ProductionUnit] = []  # planned, workshops before their teams
        self.read_people: dict[int, dt.datetime] = {}  # every matched person: updated_at
        self.read_memberships: dict[int, dt.datetime] = {}
        self.none_open: list[int] = []  # people given a membership, who had no open one
        self.counts: dict[str, int] = {}
        self.employer_ids: set[int] = set()  # of the new persons

    # --- while preparing ------------------------------------------------------------------------
    def matched(self, match: Match) -> None:
        for p in match.existing.values():
            self.read_people[p.pk] = p.updated_at
        for m in match.open_memberships.values():
            self.read_memberships[m.pk] = m.updated_at

    def new_unit(self, unit: ProductionUnit) -> None:
        self.units.append(unit)
        self._ops.append((UNIT, len(self.units) - 1))

    def new_person(self, person: Person, team: ProductionUnit | None) -> None:
        if person.employer_id is not None:
            self.employer_ids.add(person.employer_id)
        self._ops.append((PERSON_NEW, pack(person), self._planned(team)))

    def update_person(self, person: Person, trial: Person, team: ProductionUnit | None) -> None:
        changes = {
            f.attname: f.value_from_object(trial)
            for f in PERSON_WRITTEN
            if f.value_from_object(trial) != f.value_from_object(person)
        }
        self._ops.append((PERSON_CHANGE, person.pk, changes, self._planned(team)))

    def new_membership(self, person: Person, org: Organization, dates: dict[str, Any]) -> None:
        if person.pk is not None:
            self.none_open.append(person.pk)
        self._ops.append((MEMBERSHIP_NEW, person.pk, org.pk, dates))

    def update_membership(self, current: Membership, trial: Membership) -> None:
        changes = {
            f.attname: f.value_from_object(trial)
            for f in MEMBERSHIP_WRITTEN
            if f.value_from_object(trial) != f.value_from_object(current)
        }
        self._ops.append((MEMBERSHIP_CHANGE, current.pk, changes))

    def end_row(self, r: RowResult) -> None:
        outcome = str(r.outcome)
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        self.counts["rows"] = self.counts.get("rows", 0) + 1
        ops = tuple(self._ops)
        self._ops = []
        self.rows.append(
            (r.row, outcome, r.name, r.problems or None, r.notes or None, r.changed or None, r.person_id, ops)
        )

    def _planned(self, team: ProductionUnit | None) -> int | None:
        if team is None or team.pk is not None:
            return None
        return next(i for i, u in enumerate(self.units) if u is team)


# --- the merge, inside the write transaction ------------------------------------------------------


def _chunks(items: list[Any], size: int = LOOKUP) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def still_fresh(stage: Stage, staged: Staged) -> bool:
    """Whether every record the preparation read is as it was (a few queries per 2,000), and
    every new person's ID number still free (one query against the staged people)."""
    if people.staged_numbers_taken(staged.people):
        return False
    pks = list(stage.read_people)
    for chunk in _chunks(pks):
        now = dict(Person.objects.filter(pk__in=chunk).values_list("pk", "updated_at"))
        if len(now) != len(chunk) or any(now[pk] != stage.read_people[pk] for pk in chunk):
            return False
    mpks = list(stage.read_memberships)
    for chunk in _chunks(mpks):
        now = dict(Membership.objects.filter(pk__in=chunk).values_list("pk", "updated_at"))
        if len(now) != len(chunk) or any(now[pk] != stage.read_memberships[pk] for pk in chunk):
            return False
    for chunk in _chunks(stage.none_open):
        if Membership.objects.filter(person_id__in=chunk, ended_on__isnull=True).exists():
            return False
    return True


class Staged:
    """What `stage_out` wrote ahead of the merge: the new people, every new person's and team's
    creation event, and the rows' report, in staging tables; the ids reserved for them; and the
    rows whose other operations (changes, memberships) the merge still works out, each with the
    ids of its events."""

    def __init__(self, reservation: audit.Reservation) -> None:
        self.reservation = reservation
        self.people = people.people_staging(NEW_PERSON)
        self.events = audit.event_staging()
        self.report = Staging(ImportRow._meta.db_table, REPORT_COLUMNS)
        self.rest: list[tuple[tuple[Any, ...], list[int], dict[int, list[Any]]]] = []
        self.derived: set[int] = set()
        self.employers: dict[int, Enterprise] = {}
        self.merged = False

    def drop(self) -> None:
        """The staging tables dropped, and the reservation given up if nothing was merged."""
        for table in (self.people, self.events, self.report):
            table.drop()
        if not self.merged:
            audit.release(self.reservation)


def stage_out(
    imp: RosterImport,
    stage: Stage,
    *,
    actor: Any,
    target: Enterprise | Organization,
    progress: Callable[[int], None] | None = None,
) -> Staged:
    """Outside any transaction: ids reserved (each operation's event, each new person and team),
    then the new people, their and the new teams' creation events (hashed and keyed) and the
    rows' report written into staging tables, a batch at a time, keeping little in memory."""
    ops = sum(len(row[7]) for row in stage.rows)
    new_people = sum(1 for row in stage.rows for op in row[7] if op[0] == PERSON_NEW)
    staged = Staged(audit.reserve_event_ids(ops))
    try:
        person_ids = iter(people.reserve_person_ids(new_people))
        with transaction.atomic():
            unit_ids = reserve_ids(ProductionUnit._meta.db_table, len(stage.units))
        staged.employers = employers = _employers(stage, target)
        for unit, pk in zip(stage.units, unit_ids, strict=True):
            unit.pk = pk
            unit.enterprise = employers.get(unit.enterprise_id, unit.enterprise)
            if unit.parent is not None:  # a workshop planned before its team: its id is known now
                unit.parent = unit.parent
        event_ids = iter(staged.reservation.ids)
        done = 0
        for batch in _chunks(stage.rows, BATCH):
            values: list[list[Any]] = []
            new_ids: list[int] = []
            drafts: list[audit.Draft] = []
            drafted_ids: list[int] = []
            report: list[tuple[Any, ...]] = []
            for row in batch:
                ids = [next(event_ids) for _op in row[7]]
                new_pk: int | None = None
                created: dict[int, list[Any]] = {}
                rest = []
                for op, event_id in zip(row[7], ids, strict=True):
                    if op[0] == UNIT:
                        drafts.append(audit.create_draft(stage.units[op[1]]))
                        drafted_ids.append(event_id)
                    elif op[0] == PERSON_NEW:
                        new_pk = next(person_ids)
                        row_values, said = unpack(op[1])
                        if op[2] is not None:
                            row_values[TEAM] = stage.units[op[2]].pk
                            said["team_id"] = [None, row_values[TEAM]]
                        values.append(row_values)
                        new_ids.append(new_pk)
                        drafts.append(_creation(new_pk, row_values, said, employers))
                        drafted_ids.append(event_id)
                        if row_values[LEAGUE]:
                            staged.derived.add(new_pk)
                        created[new_pk] = row_values
                    else:
                        rest.append(event_id)
                if rest:
                    # Its changes and memberships are worked out in the merge (its new person's
                    # values kept: a membership's event names them).
                    staged.rest.append((row, ids, created))
                report.append(_report_row(imp, row, row[6] if row[6] is not None else new_pk))
            people.stage_people(staged.people, NEW_PERSON, values, new_ids)
            audit.stage_events(staged.events, actor, drafts, drafted_ids)
            staged.report.add(report)
            done += len(batch)
            if progress is not None:
                progress(done)
        return staged
    except BaseException:
        staged.drop()
        raise


def merge(
    imp: RosterImport,
    stage: Stage,
    staged: Staged,
    *,
    actor: Any,
    target: Enterprise | Organization,
) -> None:
    """Write what `stage_out` staged, and work out the rest. Runs inside the caller's write
    transaction; raises Stale (and writes nothing) if a record read while preparing has changed
    since, or the reserved ids lapsed."""
    if not audit.claim(staged.reservation) or not still_fresh(stage, staged):
        raise Stale
    for unit in stage.units:
        ProductionUnit.objects.bulk_create([unit])
    people.write_staged_people(staged.people)
    audit.write_staged_events(staged.events)
    imp.rows.all().delete()
    staged.report.copy_into()
    org = target if isinstance(target, Organization) else None
    derived = set(staged.derived)
    for batch in _chunks(staged.rest, BATCH):
        derived |= _merge_rest(batch, stage, actor=actor, employers=staged.employers, org=org, now=timezone.now())
    # The derived status last, as the services settle it after their events.
    if derived:
        people.refresh_derived_many(derived)
    staged.merged = True


def _employers(stage: Stage, target: Enterprise | Organization) -> dict[int, Enterprise]:
    """The enterprises the rows name, loaded once with what their audit events read."""
    ids = set(stage.employer_ids)
    for row in stage.rows:
        for op in row[7]:
            if op[0] == PERSON_CHANGE and op[2].get("employer_id") is not None:
                ids.add(op[2]["employer_id"])
    ids |= {u.enterprise_id for u in stage.units}
    return {e.pk: e for e in Enterprise.objects.filter(pk__in=ids).select_related("supervising_org")}


def _merge_rest(
    batch: list[tuple[tuple[Any, ...], list[int], dict[int, list[Any]]]],
    stage: Stage,
    *,
    actor: Any,
    employers: dict[int, Enterprise],
    org: Organization | None,
    now: dt.datetime,
) -> set[int]:
    """The changes and memberships of a batch of rows, in row order, each event with the id
    reserved for its operation (one that changes nothing leaves its id unused). Returns the people
    whose derived status to settle."""
    # The records this batch changes, loaded once (with what their events read).
    person_pks = {op[1] for row, _i, _c in batch for op in row[7] if op[0] == PERSON_CHANGE}
    person_pks |= {op[1] for row, _i, _c in batch for op in row[7] if op[0] == MEMBERSHIP_NEW and op[1] is not None}
    loaded = {
        p.pk: p
        for p in Person.objects.filter(pk__in=person_pks).select_related("party_org", "employer__supervising_org")
    }
    membership_pks = [op[1] for row, _i, _c in batch for op in row[7] if op[0] == MEMBERSHIP_CHANGE]
    memberships = {
        m.pk: m for m in Membership.objects.filter(pk__in=membership_pks).select_related("organization", "person")
    }
    drafts: list[tuple[int, audit.Draft]] = []
    changed_people: dict[int, set[str]] = {}
    changed_memberships: dict[int, set[str]] = {}
    new_memberships: list[tuple[int, Membership]] = []  # drafted once the rows have their ids
    derived: set[int] = set()
    for row, ids, created in batch:
        person: Person | None = None
        for op, event_id in zip(row[7], ids, strict=True):
            kind = op[0]
            if kind == PERSON_NEW:
                (pk,) = created
                person = None
                if any(o[0] == MEMBERSHIP_NEW and o[1] is THIS_ROWS_PERSON for o in row[7]):
                    person = _stored(pk, created[pk], employers)  # the membership's event names them
            elif kind == PERSON_CHANGE:
                person = loaded[op[1]]
                before = audit.snapshot(person)
                for attname, value in op[2].items():
                    if attname == "employer_id" and value is not None:
                        person.employer = employers[value]
                    else:
                        setattr(person, attname, value)
                if op[3] is not None:
                    person.team = stage.units[op[3]]
                if op[2] or op[3] is not None:
                    person.updated_at = now
                    changed_people.setdefault(person.pk, set()).update(op[2])
                if op[3] is not None:
                    changed_people[person.pk].add("team_id")
                draft = audit.update_draft(person, before)
                if draft is not None:
                    drafts.append((event_id, draft))
                derived.add(person.pk)
            elif kind == MEMBERSHIP_NEW:
                owner = person if op[1] is THIS_ROWS_PERSON else loaded[op[1]]
                if owner is None:
                    raise RuntimeError("a staged membership without its person")
                new_memberships.append((event_id, Membership(person=owner, organization=org, **op[3])))
                derived.add(owner.pk)
            elif kind == MEMBERSHIP_CHANGE:
                m = memberships[op[1]]
                if m.person_id in loaded:
                    m.person = loaded[m.person_id]  # its name as changed by the same row
                before = audit.snapshot(m)
                for attname, value in op[2].items():
                    setattr(m, attname, value)
                if op[2]:
                    m.updated_at = now
                    changed_memberships.setdefault(m.pk, set()).update(op[2])
                draft = audit.update_draft(m, before)
                if draft is not None:
                    drafts.append((event_id, draft))
                derived.add(m.person_id)

    if changed_people:
        fields = sorted(set().union(*changed_people.values()) | {"updated_at"})
        Person.objects.bulk_update([loaded[pk] for pk in changed_people], fields)
    if new_memberships:
        Membership.objects.bulk_create([m for _i, m in new_memberships])
        drafts.extend((event_id, audit.create_draft(m)) for event_id, m in new_memberships)
    if changed_memberships:
        fields = sorted(set().union(*changed_memberships.values()) | {"updated_at"})
        Membership.objects.bulk_update([memberships[pk] for pk in changed_memberships], fields)
    audit.record_reserved(actor, sorted(drafts, key=lambda d: d[0]))
    return derived


def _stored(pk: int, values: list[Any], employers: dict[int, Enterprise]) -> Person:
    """A new person as the services hold it after `save`."""
    person = Person(pk=pk, **dict(zip(NEW_PERSON, values, strict=True)))
    if person.employer_id is not None:
        person.employer = employers[person.employer_id]
    return person


def _creation(pk: int, values: list[Any], said: dict[str, Any], employers: dict[int, Enterprise]) -> audit.Draft:
    """The creation event of a new person, as `audit.create_draft` of the stored person says it
    (prepared outside the transaction; the id is known only now)."""
    said["id"] = [None, pk]
    employer = employers.get(values[EMPLOYER_AT]) if values[EMPLOYER_AT] is not None else None
    return audit.Draft(
        Action.CREATE,
        object_type=PERSON_LABEL,
        object_id=pk,
        object_repr=values[NAME_AT],
        changes=dict(sorted(said.items())),  # in the order diff() gives
        org_path=employer.audit_org_path() if employer is not None else "",
    )


REPORT_COLUMNS = [
    str(cast("Field[Any, Any]", ImportRow._meta.get_field(c)).column)
    for c in ("roster_import", "row_number", "outcome", "name", "problems", "notes", "changed", "person_id")
]


def _report_row(imp: RosterImport, row: tuple[Any, ...], person_id: int | None) -> tuple[Any, ...]:
    """A row's outcome, as `report.save_rows` stores it."""

    def listed(items: list[Any] | None) -> str:
        return json.dumps(items) if items else "[]"  # as the JSONFields store them

    return (imp.pk, row[0], row[1], row[2], listed(row[3]), listed(row[4]), listed(row[5]), person_id)
