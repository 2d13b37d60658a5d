"""The political birthday greeting card (政治生日贺卡), one A5 landscape page per member, printed by
the platform's one renderer (dangjian.pdf).

A card is printed in its member's language: Chinese, or English for a member whose preferred
language is English. Its wording is a printed text in two fixed versions, like the Party oath
it carries (the text of art. 6 of the Party Constitution, which must be reproduced word for
word) and like the county's own greeting: it is data kept per language here, not a string of
the translation catalogues, so a card reads complete and exact whatever state the catalogues
are in. The pages around the cards speak through gettext as usual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import formats, translation

from dangjian.pdf import render_many

if TYPE_CHECKING:  # selectors and services import each other; this module is used by both
    from .selectors import CardSettings, Celebrant

ZH, EN = "zh-hans", "en"

# 入党誓词: Constitution of the Communist Party of China, art. 6, and its official English text.
OATH = {
    ZH: (
        "我志愿加入中国共产党，拥护党的纲领，遵守党的章程，履行党员义务，执行党的决定，严守党的纪律，"
        "保守党的秘密，对党忠诚，积极工作，为共产主义奋斗终身，随时准备为党和人民牺牲一切，永不叛党。"
    ),
    EN: (
        "It is my will to join the Communist Party of China, uphold the Party's program, observe the "
        "provisions of the Party Constitution, fulfill the obligations of a Party member, carry out the "
        "Party's decisions, strictly observe Party discipline, guard Party secrets, be loyal to the Party, "
        "work hard, fight for communism throughout my life, be ready at all times to sacrifice my all for "
        "the Party and the people, and never betray the Party."
    ),
}

WORDING = {
    ZH: {
        "title": "政治生日贺卡",
        "salutation": "{name} 同志：",
        "years": "入党{n}周年",
        "anniversary": "政治生日：{date}",
        "oath_title": "入党誓词",
        "issued": "{date}",
    },
    EN: {
        "title": "Political birthday greetings",
        "salutation": "Dear Comrade {name},",
        "years": "{n} year in the Party",
        "years_plural": "{n} years in the Party",
        "anniversary": "Political birthday: {date}",
        "oath_title": "The Party oath",
        "issued": "Issued on {date}",
    },
}


def card_language(preferred: str) -> str:
    return EN if (preferred or "").lower().startswith("en") else ZH


def _date(day: dt.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


@dataclass(frozen=True)
class Card:
    language: str
    name: str
    title: str
    salutation: str
    years: str
    anniversary: str
    message: str
    oath_title: str
    oath: str
    issuer: str
    issued: str


def card_of(c: Celebrant, settings: CardSettings, issued_on: dt.date) -> Card:
    language = card_language(c.person.preferred_language)
    words = WORDING[language]
    years_key = "years_plural" if language == EN and c.years != 1 else "years"
    name = c.person.name_latin if language == EN and c.person.name_latin else c.person.name
    return Card(
        language=language,
        name=c.person.name,
        title=words["title"],
        salutation=words["salutation"].format(name=name),
        years=words[years_key].format(n=c.years),
        anniversary=words["anniversary"].format(date=_date(c.anniversary, language)),
        message=settings.config.message(language),
        oath_title=words["oath_title"],
        oath=OATH[language],
        issuer=settings.issuer(language),
        issued=words["issued"].format(date=_date(issued_on, language)),
    )


def card_html(card: Card) -> str:
    """One card as a document of its own, rendered in the card's language."""
    with translation.override(card.language):
        return render_to_string("birthdays/card.html", {"card": card})


def render_cards(cards: Sequence[Card], progress: Callable[[int], None] | None = None) -> bytes:
    """All the cards in one PDF, a page each, in order."""
    return render_many((card_html(c) for c in cards), progress=progress)


def cards_for(celebrants: Iterable[Celebrant], settings: dict[int, CardSettings], issued_on: dt.date) -> list[Card]:
    return [card_of(c, settings[c.org.pk], issued_on) for c in celebrants]
