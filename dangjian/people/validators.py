"""Resident identity number (公民身份号码), GB 11643-1999."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    """Full-width digits, stray spaces and a lower-case x are what people type; fold them."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(text.split()).upper()


@dataclass(frozen=True)
class IdNumberFacts:
    birth_date: dt.date
    gender: str  # "M" or "F"
    division: str


def parse_id_number(value: str) -> IdNumberFacts:
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(n)d."), code="id_length", params={"n": len(number)}
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("An ID number is 17 digits followed by a digit or X."), code="id_characters")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("Characters 7 to 14 of the ID number (%(part)s) are not a real date of birth."),
            code="id_birth_date",
            params={"part": number[6:14]},
        ) from None
    if number[17] != id_check_digit(number[:17]):
        # Not "the last character should be …": the last character checks the other 17, so a
        # typing mistake anywhere shows there, and naming the "right" one invites changing it.
        raise ValidationError(
            _(
                "This ID number does not add up: one of its 18 characters is mistyped. Compare it with "
                "the ID card character by character."
            ),
            code="id_check",
        )
    return IdNumberFacts(birth_date=birth, gender="M" if int(number[16]) % 2 else "F", division=number[:6])


def validate_id_number(value: str) -> None:
    parse_id_number(value)


def mask_id_number(value: str) -> str:
    """Keep the first 4 characters (the prefecture) and the check character only.

    The usual `6528**********123X` shows the last 4; next to a visible date of birth that leaves
    only the two county digits unknown, which the check character narrows to about nine guesses.
    Hiding the sequence digits as well leaves about a thousand."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 5) + value[-1:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)
