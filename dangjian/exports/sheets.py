"""What each export is: its file name, the selection it takes and the columns of its sheet.

The two person exports use the rosters' own columns (rosters.columns), headed with their labels
in the reader's language, so a downloaded roster imports back through the roster importer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dangjian.access.scopes import ENTERPRISE, ORG, PERSON, UNIT
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit
from dangjian.rosters.columns import BY_KEY, EMPLOYEES, MEMBERS, columns_for
from dangjian.sheets import Col, Workbook

from . import selectors

PARTY_ORG_LABEL = _("Party organisation")


@dataclass(frozen=True)
class Sheet:
    key: str  # URL name and audit object type (exports.<key>)
    stem: Promise  # the file's name, before its date
    page: str  # the list page it downloads, to go back to
    resource: str  # what it lists, for the scope its audit event is filed under
    select: Callable[[Any, QueryDict], QuerySet]
    columns: Callable[[], list[Col]]
    row: Callable[[Any], list[Any]]
    sensitive: bool = False  # rows carry `may_reveal` and ID numbers / phones


def _label(model: type[Model], name: str) -> str:
    return capfirst(str(getattr(model._meta.get_field(name), "verbose_name", name)))


def _name(obj: Any) -> str:
    return obj.name if obj is not None else ""


# --- people ---------------------------------------------------------------------------------

PERSON_VALUES: dict[str, Callable[[Any], Any]] = {
    "name": lambda p: p.name,
    "gender": lambda p: p.get_gender_display(),
    "ethnicity": lambda p: p.get_ethnicity_display(),
    "id_number": lambda p: p.id_number if p.may_reveal else p.id_number_masked,
    "birth_date": lambda p: p.birth_date,
    "phone": lambda p: p.phone if p.may_reveal else p.phone_masked,
    "education": lambda p: p.get_education_display(),
    "post": lambda p: p.post,
    "workshop": lambda p: _name(p.team.parent) if p.team_id else "",
    "team": lambda p: _name(p.team),
    "hire_date": lambda p: p.hire_date,
    "political_status": lambda p: p.get_political_status_display(),
    "employer": lambda p: _name(p.employer),
    # The open membership record's dates (selectors.members joins them in).
    "admitted_on": lambda p: p.open_admitted_on if p.membership_visible else None,
    "converted_on": lambda p: p.open_converted_on if p.membership_visible else None,
    "joined_org_on": lambda p: p.open_joined_org_on if p.membership_visible else None,
    "party_org": lambda p: _name(p.party_org),
}


def _roster_keys(roster: str) -> tuple[str, ...]:
    keys = [c.key for c in columns_for(roster)]
    if "employer" not in keys:
        keys.append("employer")
    return (*keys, "party_org")


def _person_columns(keys: tuple[str, ...]) -> Callable[[], list[Col]]:
    def columns() -> list[Col]:
        cols = []
        for key in keys:
            if key == "party_org":
                cols.append(Col(str(PARTY_ORG_LABEL), width=24))
            else:
                c = BY_KEY[key]
                cols.append(Col(str(c.label), width=c.width, text=c.text))
        return cols

    return columns


def _person_row(keys: tuple[str, ...]) -> Callable[[Any], list[Any]]:
    values = [PERSON_VALUES[key] for key in keys]
    return lambda p: [value(p) for value in values]


_EMPLOYEE_KEYS = _roster_keys(EMPLOYEES)
_MEMBER_KEYS = _roster_keys(MEMBERS)

# --- the tree -------------------------------------------------------------------------------


def _fields(model: type[Model], *fields: tuple[str, int], text: tuple[str, ...] = ()) -> list[Col]:
    """Columns headed with the model fields' own labels, from (field name, width); the fields
    named in `text` are formatted as text."""
    return [Col(_label(model, name), width, name in text) for name, width in fields]


def _org_columns() -> list[Col]:
    return [
        *_fields(
            Organization,
            ("name", 28),
            ("name_en", 28),
            ("kind", 16),
            ("parent", 28),
            ("code", 12),
            ("founded_on", 12),
            text=("code",),
        ),
        Col(str(_("Members")), width=10),
    ]


def _org_row(o: Any) -> list[Any]:  # an Organization annotated with n_members
    return [o.name, o.name_en, o.get_kind_display(), _name(o.parent), o.code, o.founded_on, o.n_members]


def _enterprise_columns() -> list[Col]:
    return [
        *_fields(
            Enterprise,
            ("name", 28),
            ("uscc", 22),
            ("ownership", 14),
            ("industry", 16),
            ("address", 30),
            ("supervising_org", 24),
            ("party_org", 24),
            text=("uscc",),
        ),
        Col(str(_("Employees")), width=10),
    ]


def _enterprise_row(e: Any) -> list[Any]:  # an Enterprise annotated with n_employees
    return [
        e.name,
        e.uscc,
        e.get_ownership_display(),
        e.industry,
        e.address,
        _name(e.supervising_org),
        _name(e.party_org),
        e.n_employees,
    ]


def _unit_columns() -> list[Col]:
    return [
        *_fields(ProductionUnit, ("enterprise", 28), ("kind", 16), ("name", 20), ("parent", 20)),
        Col(str(_("People")), width=10),
    ]


def _unit_row(u: Any) -> list[Any]:  # a ProductionUnit annotated with n_people
    return [u.enterprise.name, u.get_kind_display(), u.name, _name(u.parent), u.n_people]


SHEETS: dict[str, Sheet] = {
    s.key: s
    for s in (
        Sheet(
            "people",
            _("people"),
            "people:list",
            PERSON,
            selectors.people,
            _person_columns(_EMPLOYEE_KEYS),
            _person_row(_EMPLOYEE_KEYS),
            sensitive=True,
        ),
        Sheet(
            "members",
            _("party members"),
            "people:list",
            PERSON,
            selectors.members,
            _person_columns(_MEMBER_KEYS),
            _person_row(_MEMBER_KEYS),
            sensitive=True,
        ),
        Sheet(
            "organizations",
            _("organisations"),
            "organizations:tree",
            ORG,
            selectors.organizations,
            _org_columns,
            _org_row,
        ),
        Sheet(
            "enterprises",
            _("enterprises"),
            "organizations:enterprise_list",
            ENTERPRISE,
            selectors.enterprises,
            _enterprise_columns,
            _enterprise_row,
        ),
        Sheet("units", _("teams"), "organizations:enterprise_list", UNIT, selectors.units, _unit_columns, _unit_row),
    )
}


@dataclass(frozen=True)
class Built:
    data: bytes
    rows: int
    revealed: int  # rows whose ID number or phone went out in clear


def build(sheet: Sheet, queryset: QuerySet, progress: Callable[[int], None] | None = None) -> Built:
    """Write the selection to a workbook, row by row (the rows are never all in memory)."""
    revealed = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal revealed
        for obj in queryset.iterator(chunk_size=2000):
            if sheet.sensitive and obj.may_reveal and (obj.id_number or obj.phone):
                revealed += 1
            yield sheet.row(obj)

    book = Workbook()
    count = book.table(str(sheet.stem), sheet.columns(), rows(), progress=progress)
    return Built(book.close(), count, revealed)
