"""Pure rules about persons: derived political status and party age (DOMAIN.md §1–2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dangjian.choices import PoliticalStatus


@dataclass(frozen=True)
class MembershipFacts:
    admitted_on: dt.date
    converted_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str = ""


def derive_political_status(
    memberships: Iterable[MembershipFacts],
    open_candidacy_stage: str | None,
    is_league_member: bool,
    today: dt.date,
) -> PoliticalStatus:
    """Status follows the records: an open membership makes a member (full once converted);
    otherwise the stage of an open development attempt; otherwise League or the masses."""
    for m in memberships:
        if m.ended_on is None or m.ended_on > today:
            if m.converted_on and m.converted_on <= today:
                return PoliticalStatus.FULL
            return PoliticalStatus.PROBATIONARY
    if open_candidacy_stage in {"applicant", "activist", "target"}:
        return PoliticalStatus(open_candidacy_stage)
    return PoliticalStatus.LEAGUE if is_league_member else PoliticalStatus.MASSES


def party_age_years(converted_on: dt.date | None, today: dt.date) -> int | None:
    """党龄 counts from conversion to full membership, in whole years."""
    if converted_on is None or converted_on > today:
        return None
    years = today.year - converted_on.year
    if (today.month, today.day) < (converted_on.month, converted_on.day):
        years -= 1
    return years


def age_on(birth_date: dt.date, day: dt.date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def political_birthday(
    admitted_on: dt.date | None, converted_on: dt.date | None, basis: str = "admission"
) -> dt.date | None:
    """政治生日: the day a member celebrates each year — the admitting meeting by default, the
    conversion where the county chose that ([config] birthday_basis)."""
    if basis == "conversion":
        return converted_on
    return admitted_on


def next_anniversary(day: dt.date, today: dt.date) -> dt.date:
    """The next return of `day` on or after `today` (29 February falls on 28 February)."""
    for year in (today.year, today.year + 1):
        try:
            candidate = day.replace(year=year)
        except ValueError:
            candidate = dt.date(year, 2, 28)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")
