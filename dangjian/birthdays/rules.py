"""Political birthdays (政治生日, DOMAIN.md §2 end and §3): pure date rules, no database.

A member's political birthday is the day they were admitted as a probationary member (the
admitting branch meeting), or the day they converted to full membership where the county chose
that ([config] `DevelopmentConfig.birthday_basis`). Its anniversary in a year keeps the month and
day; a 29 February falls on 28 February in the years without one. Members are celebrated in
cohorts, per month or per quarter ([config] `BirthdayConfig.period`), and a cohort only holds
members with at least one full year: a member admitted this year has no anniversary yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from dangjian.calendar import MONTH, Period, anniversary
from dangjian.people.rules import political_birthday

ADMISSION = "admission"
CONVERSION = "conversion"


def basis_date(admitted_on: dt.date | None, converted_on: dt.date | None, basis: str = ADMISSION) -> dt.date | None:
    """The date the political birthday returns on (None: a probationary member where the county
    counts from conversion). The people app shows the same date on the person's page."""
    return political_birthday(admitted_on, converted_on, basis)


def years_in_party(basis: dt.date, year: int) -> int:
    """Full years since the political birthday at its anniversary in `year` ("入党N周年");
    0 or less means no anniversary that year."""
    return year - basis.year


def celebrates_in(basis: dt.date, period: Period) -> bool:
    """Whether a member with this political birthday belongs to the period's cohort: the
    anniversary falls in the period and is at least the first one."""
    return years_in_party(basis, period.year) >= 1 and anniversary(basis, period.year) in period


def celebrates_on(basis: dt.date, day: dt.date) -> bool:
    """Whether `day` is the member's anniversary (29 February: the 28th in a common year)."""
    return years_in_party(basis, day.year) >= 1 and anniversary(basis, day.year) == day


# The county's defaults ([config]): the greeting printed on every card and sent on the day, one
# text per language, since a card is printed in its member's language.
DEFAULT_MESSAGE_ZH = (
    "在您政治生日之际，谨向您致以节日的问候！入党的那一天，是您政治生命的起点。"
    "愿您不忘初心、牢记使命，在岗位上当先锋、作表率，为企业发展和家乡建设贡献力量。"
)
DEFAULT_MESSAGE_EN = (
    "On your political birthday, please accept our warmest greetings. The day you joined the Party "
    "was the start of your political life. May you stay true to your original aspiration and keep "
    "our mission firmly in mind, set an example at your post, and keep contributing to your "
    "enterprise and to our home."
)


# What fits on the A5 card beside the oath (measured with the card's fonts): characters, and
# line breaks, each of which costs a line.
MESSAGE_LIMITS = {"message_zh": 160, "message_en": 450}
MESSAGE_MAX_BREAKS = 3


def message_too_long(field: str, text: str) -> bool:
    return len(text) > MESSAGE_LIMITS[field] or text.count("\n") > MESSAGE_MAX_BREAKS


@dataclass(frozen=True)
class Config:
    """The settings in force for an organisation: its own, or the nearest committee's above it."""

    period: str = MONTH
    message_zh: str = DEFAULT_MESSAGE_ZH
    message_en: str = DEFAULT_MESSAGE_EN
    issuer_name: str = ""  # empty: the member's county committee
    issuer_name_en: str = ""

    @classmethod
    def of(cls, stored: object) -> Config:
        """The settings an organisation's stored row (or anything with these attributes) holds."""
        return cls(**{f.name: getattr(stored, f.name) for f in fields(cls)})

    def message(self, language: str) -> str:
        """The greeting in `language` (a Django language code); Chinese unless English."""
        if (language or "").lower().startswith("en"):
            return self.message_en or DEFAULT_MESSAGE_EN
        return self.message_zh or DEFAULT_MESSAGE_ZH
