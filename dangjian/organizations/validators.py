"""Unified social credit code (统一社会信用代码), GB 32100-2015."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The 31 characters of the code; I, O, Z, S and V are never used.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def validate_uscc(value: str) -> None:
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="uscc_length",
            params={"n": len(code)},
        )
    bad = [ch for ch in code if ch not in USCC_ALPHABET]
    if bad:
        raise ValidationError(
            _("“%(ch)s” cannot appear in a unified social credit code (I, O, Z, S and V are never used)."),
            code="uscc_character",
            params={"ch": bad[0]},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are the division code and must be digits."),
            code="uscc_division",
        )
    if code[17] != uscc_check_character(code[:17]):
        # As for ID numbers: a mistake anywhere shows in the check character; do not name a "right" one.
        raise ValidationError(
            _(
                "This unified social credit code does not add up: one of its 18 characters is mistyped. "
                "Compare it with the business licence character by character."
            ),
            code="uscc_check",
        )
