"""Payroll: a sheet of dues bases (dues.columns: ID number, name, month, base pay, category) into
a party organisation, through the same stages as the rosters — read, parse, match (the member by
ID number, within the organisation's subtree), validate (the dues' own rules:
dues.services.validated_base — admitted by then, a member there that month, the month not
closed) and report — and written through the dues' one write path (dues.services.set_base), all
of it in the import's one transaction or nothing.

A payroll is a branch's: a few hundred rows at most, so the write is not staged ahead as the
people rosters' are."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangjian.dues import selectors as dues
from dangjian.dues import services as dues_services
from dangjian.dues.columns import BASE_PAY, CATEGORY, CATEGORY_CODES, CATEGORY_NAMES, ID_NUMBER, MONTH, NAME
from dangjian.people import selectors as people
from dangjian.people.crypto import blind_index

from ..models import RosterImport, RowOutcome
from ..parsing import CellError, parse_id_number, parse_text, shown
from ..reading import Roster
from .figures import parse_month
from .parse import RowResult, column
from .report import outcomes

if TYPE_CHECKING:
    import datetime as dt

    from dangjian.access.models import User
    from dangjian.organizations.models import Organization
    from dangjian.people.models import Person


@dataclass(slots=True)
class Base:
    """A row's base, ready for set_base."""

    person: Person
    month: dt.date
    category: str
    pay: Decimal | None


def organization_of(imp: RosterImport) -> Organization:
    if imp.organization is None:  # services.upload takes payrolls into party organisations only
        raise ValueError(f"payroll {imp.pk} has no party organisation")
    return imp.organization


def _category(text: str | None) -> str | None:
    if not text:
        return "employed"
    folded = text.strip().lower()
    return CATEGORY_NAMES.get(folded) or (folded if folded in CATEGORY_CODES else None)


def _pay(cell: Any) -> Decimal | None:
    if cell is None or cell == "":
        return None
    try:
        value = Decimal(str(cell).replace(",", "").replace("¥", "").replace("元", "").strip())
    except InvalidOperation:
        raise CellError(_("The base pay is not an amount of money: write it as 4500.00.")) from None
    if not value.is_finite():
        raise CellError(_("The base pay is not an amount of money: write it as 4500.00."))
    return value.quantize(Decimal("0.01"))


def rows_of(
    imp: RosterImport, roster: Roster, rows: Iterable[tuple[int, list[Any]]]
) -> Iterator[tuple[RowResult, Base | None]]:
    """Every row parsed, matched and validated, with its outcome against the bases stored now."""
    org = organization_of(imp)
    seen: dict[tuple[int, Any], int] = {}
    for number, cells in rows:
        raw = {key: (cells[i] if i < len(cells) else None) for key, i in roster.columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        result = RowResult(row=number)
        result.name = (parse_text(raw.get(NAME)) or "")[:100]
        try:
            number_text = parse_id_number(raw.get(ID_NUMBER))
        except CellError as exc:
            result.reject(column(roster, ID_NUMBER), shown(raw.get(ID_NUMBER)), str(exc))
            yield result, None
            continue
        person = people.people_by_id_index([blind_index(number_text)]).first() if number_text else None
        if person is None or not person.party_org or not person.party_org.path.startswith(org.path):
            result.reject(
                column(roster, ID_NUMBER),
                "",
                _("No member of %(org)s has this ID number.") % {"org": org.name},
            )
            yield result, None
            continue
        result.person_id = person.pk
        if result.name and result.name != person.name:
            result.reject(
                column(roster, NAME),
                result.name,
                _("The ID number is %(name)s's: correct the name or the number.") % {"name": person.name},
            )
        result.name = person.name
        try:
            month = parse_month(raw.get(MONTH))
        except CellError as exc:
            result.reject(column(roster, MONTH), shown(raw.get(MONTH)), str(exc))
            month = None
        if month is None and result.outcome != RowOutcome.REJECTED:
            result.reject(column(roster, MONTH), "", _("The month is missing. Write it as 2026-05."))
        category = _category(parse_text(raw.get(CATEGORY)))
        if category is None:
            result.reject(column(roster, CATEGORY), shown(raw.get(CATEGORY)), _("Not a category of members."))
        try:
            pay = _pay(raw.get(BASE_PAY))
        except CellError as exc:
            result.reject(column(roster, BASE_PAY), "", str(exc))  # never the pay: problems are stored in clear
            pay = None
        if result.outcome == RowOutcome.REJECTED or month is None or category is None:
            yield result, None
            continue
        key = (person.pk, month)
        if key in seen:
            result.reject("", "", _("Row %(row)d gives a base for the same member and month.") % {"row": seen[key]})
            yield result, None
            continue
        seen[key] = number
        try:
            dues_services.validated_base(person=person, month=month, category=category, base_pay=pay)
        except ValidationError as exc:
            result.reject(column(roster, BASE_PAY), "", " ".join(exc.messages))  # never the pay
            yield result, None
            continue
        stored = dues.member_bases(person).filter(month=month).first()
        if stored is None:
            result.outcome = RowOutcome.CREATED
        elif stored.category == category and stored.pay == pay:
            result.outcome = RowOutcome.UNCHANGED
            yield result, None
            continue
        else:
            result.outcome = RowOutcome.UPDATED
            result.changed.append(_("the base of %(month)s") % {"month": f"{month:%Y-%m}"})
        yield result, Base(person, month, category, pay)


def checked(imp: RosterImport, roster: Roster, progress: Any = None) -> Iterator[RowResult]:
    """The dry run: every row's outcome; nothing written."""
    return outcomes(rows_of(imp, roster, roster.rows), roster.total_rows, progress)


def write(imp: RosterImport, roster: Roster, *, actor: User | None) -> tuple[list[RowResult], int]:
    """Inside the import's transaction: every base written through dues.services.set_base. Returns
    the rows' outcomes and how many were rejected (then the caller rolls everything back)."""
    results: list[RowResult] = []
    rejected = 0
    for result, base in list(rows_of(imp, roster, roster.rows)):
        if base is not None:
            try:
                dues_services.set_base(
                    actor=actor,
                    person=base.person,
                    month=base.month,
                    category=base.category,
                    base_pay=base.pay,
                    source="import",
                )
            except ValidationError as exc:
                result.reject("", "", " ".join(exc.messages))
        rejected += result.outcome == RowOutcome.REJECTED
        results.append(result)
    return results, rejected
