"""Role holders: a county's sheet of who holds which role where (county_columns.ROLE_COLUMNS:
ID number, name, role, party organisation or enterprise, from), imported into its committee
through the same stages as a payroll — read, parse, match (the person by ID number; the role by
its label in either language, its value or the words people write; the organisation within the
committee's subtree, the enterprise among those it supervises), validate (the person within the
committee's reach, or someone new: a county cadre, registered through people.services), report —
and written through the owning apps' services (people.services.create_person,
access.services.create_users_without_password and assign_role, each audited), all of it in the
import's one transaction or nothing.

Nobody is given a password: a login made here has none until its owner activates it with a code
(accounts.services.give_logins gives codes to role holders who never signed in). A role already
held at the same place is unchanged; importing the same file twice changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from dangjian.access import selectors as access_selectors
from dangjian.access import services as access_services
from dangjian.access.models import ASSIGNABLE_ROLES, ORG_ROLES, Role
from dangjian.organizations import selectors as orgs
from dangjian.people import selectors as people
from dangjian.people import services as people_services
from dangjian.people.crypto import blind_index
from dangjian.people.models import Person
from dangjian.people.services import ELSEWHERE, IdNumberAnswer, answer_out_of_scope
from dangjian.sheets import Col, Workbook

from .. import instructions
from ..county_columns import ROLE_COLUMNS
from ..models import RosterImport, RowOutcome
from ..parsing import (
    CellError,
    fold,
    parse_date,
    parse_ethnicity,
    parse_id_number,
    parse_name,
    parse_phone,
    parse_text,
    shown,
)
from ..reading import Roster
from .parse import RowResult, column, read_cell, shown_value
from .report import outcomes

if TYPE_CHECKING:
    from dangjian.access.models import RoleAssignment, User
    from dangjian.organizations.models import Enterprise, Organization

# The roles in the order the template lists them.
ROLE_ORDER = (
    Role.SECRETARY,
    Role.COMMITTEE_MEMBER,
    Role.ORG_DEPARTMENT,
    Role.INSTRUCTOR,
    Role.MANAGER,
    Role.STATISTICIAN,
)
# What people write in the role column besides the roles' labels.
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    Role.SECRETARY: ("书记", "支部书记", "党支部书记", "党组织书记", "secretary", "party secretary"),
    Role.COMMITTEE_MEMBER: ("支委", "委员", "支部委员", "支委委员", "党委委员", "committee", "committee member"),
    Role.ORG_DEPARTMENT: ("组织部", "党委组织部", "组织部门", "organisation department", "organization department"),
    Role.INSTRUCTOR: ("党建指导员", "指导员", "党建工作指导员", "instructor"),
    Role.MANAGER: ("企业负责人", "负责人", "经理", "总经理", "manager"),
    Role.STATISTICIAN: ("统计员", "统计", "人事", "人事专员", "statistician"),
}
assert set(ROLE_ORDER) == ASSIGNABLE_ROLES and set(ROLE_WORDS) == ASSIGNABLE_ROLES


@lru_cache(maxsize=1)
def _role_names() -> dict[str, str]:
    """Folded label, value or word → role."""
    names: dict[str, str] = {}
    for role in ROLE_ORDER:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names[fold(str(role.label))] = role.value
        names[role.value] = role.value
        for word in ROLE_WORDS[role]:
            names[fold(word)] = role.value
    return names


def parse_role(value: Any) -> str | None:
    text = parse_text(value)
    if not text:
        return None
    role = _role_names().get(fold(text))
    if role is None:
        raise CellError(
            _("“%(value)s” is not a role given here. Write one of: %(roles)s.")
            % {"value": text, "roles": ", ".join(str(r.label) for r in ROLE_ORDER)}
        )
    return role


@dataclass(slots=True)
class Holding:
    """A row's role, ready to be written: for `person`, or a new person from `new`."""

    index: str
    role: str
    organization: Organization | None
    enterprise: Enterprise | None
    started_on: dt.date | None
    person: Person | None = None
    new: dict[str, Any] = field(default_factory=dict)


class Places:
    """The committee's subtree and the enterprises it supervises, by code and folded name."""

    def __init__(self, target: Organization) -> None:
        self.target = target
        self.orgs = list(orgs.subtree(target))
        self.org_ids = {o.pk for o in self.orgs}
        self.org_by_code = {o.code.strip().upper(): o for o in self.orgs if o.code}
        self.org_by_name: dict[str, list[Organization]] = {}
        for o in self.orgs:
            for name in {fold(o.name), fold(o.name_en)} - {""}:
                self.org_by_name.setdefault(name, []).append(o)
        self.enterprises = list(orgs.enterprises_supervised_under(target))
        self.enterprise_ids = {e.pk for e in self.enterprises}
        self.enterprise_by_uscc = {e.uscc.upper(): e for e in self.enterprises}
        self.enterprise_by_name: dict[str, list[Enterprise]] = {}
        for e in self.enterprises:
            for name in {fold(e.name), fold(e.name_en)} - {""}:
                self.enterprise_by_name.setdefault(name, []).append(e)

    def organization(self, text: str) -> Organization:
        found = self.org_by_code.get(text.strip().upper())
        if found is not None:
            return found
        named = self.org_by_name.get(fold(text), [])
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            codes = sorted(o.code for o in named if o.code)
            raise CellError(
                _("Several organisations under %(target)s are named “%(name)s”: write its code instead (%(codes)s).")
                % {"target": self.target.name, "name": text, "codes": ", ".join(codes) or _("none has a code yet")}
            )
        raise CellError(
            _("No party organisation under %(target)s has this name or code. Import the organisation tree first.")
            % {"target": self.target.name}
        )

    def enterprise(self, text: str) -> Enterprise:
        found = self.enterprise_by_uscc.get(text.strip().upper())
        if found is not None:
            return found
        named = self.enterprise_by_name.get(fold(text), [])
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise CellError(
                _("Several enterprises under %(target)s are named “%(name)s”: write its credit code instead.")
                % {"target": self.target.name, "name": text}
            )
        raise CellError(
            _("No enterprise %(target)s supervises has this name or credit code. Import the enterprises first.")
            % {"target": self.target.name}
        )

    def holds_under(self, assignments: Iterable[RoleAssignment]) -> bool:
        return any(a.organization_id in self.org_ids or a.enterprise_id in self.enterprise_ids for a in assignments)


def organization_of(imp: RosterImport) -> Organization:
    if imp.organization is None:  # services.upload takes a county's files into its committee only
        raise ValueError(f"role holders import {imp.pk} has no committee")
    return imp.organization


def _cells(roster: Roster, cells: list[Any]) -> dict[str, Any]:
    return {key: (cells[i] if i < len(cells) else None) for key, i in roster.columns.items()}


def _out_of_reach(actor: User | None, number: str, person: Person, record: bool) -> str:
    """What the importer is told of a registered person outside the committee's reach: as a form
    tells it (people.services.answer_out_of_scope: counted and recorded), the system in full."""
    if actor is None:
        answer = IdNumberAnswer(ELSEWHERE)
    else:
        answer = answer_out_of_scope(actor=actor, number=number, found=person, record=record)
    return answer.message or IdNumberAnswer(ELSEWHERE).message


def rows_of(
    imp: RosterImport, roster: Roster, rows: Iterable[tuple[int, list[Any]]], *, record: bool = True
) -> Iterator[tuple[RowResult, Holding | None]]:
    """Every row parsed, matched and validated, with its outcome against the roles held now."""
    places = Places(organization_of(imp))
    actor = imp.requested_by
    seen: dict[tuple[str, str, int | None, int | None], int] = {}
    new_people: dict[str, tuple[int, str]] = {}  # index → (first row, name) of someone not registered
    for number, cells in rows:
        raw = _cells(roster, cells)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        result = RowResult(row=number)
        holding = _row(roster, raw, result, places, actor, record)
        if holding is None:
            yield result, None
            continue
        key = (
            holding.index,
            holding.role,
            getattr(holding.organization, "pk", None),
            getattr(holding.enterprise, "pk", None),
        )
        if key in seen:
            result.reject(
                "", "", _("Row %(row)d gives the same person the same role at the same place.") % {"row": seen[key]}
            )
            yield result, None
            continue
        seen[key] = number
        if holding.person is None:
            first = new_people.setdefault(holding.index, (number, result.name))
            if first[1] != result.name:
                result.reject(
                    column(roster, "name"),
                    result.name,
                    _("Row %(row)d names the person with this ID number %(name)s: write the same name.")
                    % {"row": first[0], "name": first[1]},
                )
                yield result, None
                continue
        yield result, _outcome(result, holding)


def _row(
    roster: Roster, raw: dict[str, Any], result: RowResult, places: Places, actor: User | None, record: bool
) -> Holding | None:
    """One row's holding, or None with the row rejected (every problem of it at once)."""
    try:
        result.name = (parse_name(raw.get("name")) or "")[:100]
    except CellError as exc:
        result.reject(column(roster, "name"), shown(raw.get("name")), str(exc))
    number, read = read_cell(result, roster, raw, "id_number", parse_id_number)
    if read and number is None:
        result.reject(column(roster, "id_number"), "", _("The ID number is missing."))
    role, read = read_cell(result, roster, raw, "role", parse_role)
    if read and role is None:
        result.reject(
            column(roster, "role"),
            "",
            _("The role is missing. Write one of: %(roles)s.") % {"roles": ", ".join(str(r.label) for r in ROLE_ORDER)},
        )
    organization, enterprise = _anchor(roster, raw, result, places, role)
    try:
        started_on = parse_date(raw.get("started_on"))
    except CellError as exc:
        result.reject(column(roster, "started_on"), shown(raw.get("started_on")), str(exc))
        started_on = None
    if number is None or role is None or result.outcome == RowOutcome.REJECTED:
        return None
    index = blind_index(number)
    holding = Holding(index, role, organization, enterprise, started_on)
    person = people.people_by_id_index([index]).first()
    if person is None:
        return _new_person(roster, raw, result, holding, number, actor)
    result.person_id = person.pk
    if not _in_reach(person, places):
        result.reject(column(roster, "id_number"), "", _out_of_reach(actor, number, person, record))
        return None
    if result.name and result.name != person.name:
        result.reject(
            column(roster, "name"),
            result.name,
            _("The ID number is %(name)s's: correct the name or the number.") % {"name": person.name},
        )
        return None
    result.name = person.name
    holding.person = person
    return holding


def _anchor(
    roster: Roster, raw: dict[str, Any], result: RowResult, places: Places, role: str | None
) -> tuple[Organization | None, Enterprise | None]:
    """The organisation an organisation's role is held on, or the enterprise an enterprise's is."""
    if role is None:
        return None, None
    on_org = role in ORG_ROLES
    key = "organization" if on_org else "enterprise"
    text = parse_text(raw.get(key))
    if not text:
        where = column(roster, key)
        message = (
            _("%(role)s is a role held on a party organisation: fill in the column %(column)s.")
            if on_org
            else _("%(role)s is a role held on an enterprise: fill in the column %(column)s.")
        )
        result.reject(where, "", message % {"role": Role(role).label, "column": where})
        return None, None
    try:
        return (places.organization(text), None) if on_org else (None, places.enterprise(text))
    except CellError as exc:
        result.reject(column(roster, key), text, str(exc))
        return None, None


def _in_reach(person: Person, places: Places) -> bool:
    """The person works for an enterprise the committee supervises, is a member under it, or,
    with neither, already holds a role under it (a county cadre)."""
    if person.party_org_id in places.org_ids:
        return True
    if person.employer is not None and person.employer.supervising_org_id in places.org_ids:
        return True
    if person.party_org_id is None and person.employer_id is None:
        return places.holds_under(_assignments_of(person))
    return False


def _assignments_of(person: Person) -> list[RoleAssignment]:
    users = access_selectors.users_of_people([person.pk])
    if not users:
        return []
    return list(access_selectors.role_assignments().filter(user__in=users))


def _new_person(
    roster: Roster, raw: dict[str, Any], result: RowResult, holding: Holding, number: str, actor: User | None
) -> Holding | None:
    """Someone not registered yet (a county cadre): registered with no employer or organisation,
    from the row's name, ID number, ethnicity and phone."""
    try:
        ethnicity = parse_ethnicity(raw.get("ethnicity"))
    except CellError as exc:
        result.reject(column(roster, "ethnicity"), shown(raw.get("ethnicity")), str(exc))
        return None
    phone = parse_phone(raw.get("phone")) or ""
    if not result.name:
        result.reject(
            column(roster, "name"), "", _("Nobody has this ID number yet: write their name to register them.")
        )
    if not ethnicity:
        where = column(roster, "ethnicity")
        result.reject(
            where,
            "",
            _("Nobody has this ID number yet: fill in the column %(column)s to register them.") % {"column": where},
        )
    if result.outcome == RowOutcome.REJECTED:
        return None
    fields = {"name": result.name, "id_number": number, "ethnicity": ethnicity, "phone": phone}
    try:
        people_services.clean_person(Person(**fields), actor=actor, number_matched=True)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            where = column(roster, key) if key in roster.columns else ""
            result.reject(where, shown_value(key, raw.get(key)) if key in roster.columns else "", " ".join(messages))
        return None
    holding.new = fields
    return holding


def _outcome(result: RowResult, holding: Holding) -> Holding | None:
    """The row's outcome against the roles held now; the holding when something is to be written."""
    label = str(Role(holding.role).label)
    place = holding.organization or holding.enterprise
    if holding.person is None:
        result.outcome = RowOutcome.CREATED
        result.notes.append(
            _("%(name)s is registered as a new person (with no employer or organisation) and given a login.")
            % {"name": result.name}
        )
        return holding
    held = next(
        (
            a
            for a in _assignments_of(holding.person)
            if a.role == holding.role
            and a.organization_id == getattr(holding.organization, "pk", None)
            and a.enterprise_id == getattr(holding.enterprise, "pk", None)
        ),
        None,
    )
    if held is None:
        result.outcome = RowOutcome.CREATED
        if not access_selectors.users_of_people([holding.person.pk]):
            result.notes.append(_("%(name)s is given a login.") % {"name": result.name})
        return holding
    result.outcome = RowOutcome.UNCHANGED
    if holding.started_on is not None and holding.started_on != held.started_on:
        result.notes.append(
            _(
                "%(name)s holds %(role)s at %(place)s from %(held)s; an import does not change that date "
                "(%(given)s in the file): remove the role and give it again to change it."
            )
            % {
                "name": result.name,
                "role": label,
                "place": place,
                "held": held.started_on.isoformat(),
                "given": holding.started_on.isoformat(),
            }
        )
    return None


def checked(imp: RosterImport, roster: Roster, progress: Any = None) -> Iterator[RowResult]:
    """The dry run: every row's outcome; nothing written."""
    return outcomes(rows_of(imp, roster, roster.rows), roster.total_rows, progress)


def write(imp: RosterImport, roster: Roster, *, actor: User | None) -> tuple[list[RowResult], int]:
    """Inside the import's transaction: each new person, login and role written through the
    services. Returns the rows' outcomes and how many were rejected (then the caller rolls
    everything back)."""
    results: list[RowResult] = []
    rejected = 0
    made: dict[str, Person] = {}  # a new person named on several rows is registered once
    logins: dict[int, User] = {}
    for result, holding in list(rows_of(imp, roster, roster.rows, record=False)):
        if holding is not None:
            try:
                _write(holding, result, actor, made, logins)
            except ValidationError as exc:
                result.reject("", "", " ".join(exc.messages))
        rejected += result.outcome == RowOutcome.REJECTED
        results.append(result)
    return results, rejected


def _write(
    holding: Holding, result: RowResult, actor: User | None, made: dict[str, Person], logins: dict[int, User]
) -> None:
    person = holding.person or made.get(holding.index)
    if person is None:
        person = people_services.create_person(actor=actor, **holding.new)
        made[holding.index] = person
    result.person_id = person.pk
    user = logins.get(person.pk)
    if user is None:
        found = access_selectors.users_of_people([person.pk])
        if found:
            user = found[0]
        else:
            names = access_services.new_usernames(1)
            user = access_services.create_users_without_password(actor=actor, people=[(names[0], person)])[0]
        logins[person.pk] = user
    access_services.assign_role(
        actor=actor,
        user=user,
        role=holding.role,
        organization=holding.organization,
        enterprise=holding.enterprise,
        started_on=holding.started_on,
    )


# --- the template ---------------------------------------------------------------------------------


def template_bytes() -> bytes:
    """A blank sheet of role holders: the role by drop-down, and the instructions."""
    book = Workbook()
    sheet = book.sheet(_("Role holders"))
    lists = book.sheet("lists")  # the roles behind the drop-down, hidden
    lists.hide()
    labels = [str(r.label) for r in ROLE_ORDER]
    for r, label in enumerate(labels):
        lists.write_string(r, 0, label)
    for i, col in enumerate(ROLE_COLUMNS):
        sheet.set_column(i, i, col.width, book.text_format if col.text or col.key == "started_on" else None)
        sheet.write_string(0, i, str(col.label), book.header_format)
        if col.key == "role":
            # A warning, not a refusal: the other words for a role (书记, 指导员…) are accepted too.
            source = f"=lists!$A$1:$A${len(labels)}"
            sheet.data_validation(1, i, 5000, i, {"validate": "list", "source": source, "error_type": "warning"})
    sheet.freeze_panes(1, 0)
    instructions.add_sheet(
        book,
        (instructions.line(col.label, col.required, col.synonyms, col.help) for col in ROLE_COLUMNS),
        _(
            "Fill one row per person and role. A secretary, committee member or the organisation department "
            "is held on a party organisation; an instructor, manager or statistician on an enterprise. Someone "
            "not registered yet is registered from the row (their ethnicity is needed then). Each gets a login "
            "without a password: give them activation codes once the file is imported. Importing the same file "
            "twice changes nothing."
        ),
    )
    book.table(
        _("Roles"),
        [Col(_("Role"), 24), Col(_("Held on"), 22), Col(_("Also written as"), 40)],
        (
            [
                str(r.label),
                str(_("a party organisation") if r in ORG_ROLES else _("an enterprise")),
                " / ".join(w for w in ROLE_WORDS[r] if not w.isascii()),
            ]
            for r in ROLE_ORDER
        ),
        title=_("The roles given here, where each is held and the other words accepted for it."),
        freeze=False,
    )
    return book.close()


def template_name() -> str:
    return _("role holders template") + ".xlsx"
