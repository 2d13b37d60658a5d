"""Valid, unique identifiers for the demo: resident ID numbers, phone numbers and unified social
credit codes, drawn from a seeded random generator."""

from __future__ import annotations

import datetime as dt
import random

from dangjian.organizations.validators import USCC_ALPHABET, uscc_check_character
from dangjian.people.validators import id_check_digit

# China Mobile, Unicom and Telecom prefixes seen in Xinjiang.
PHONE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
)
# Organisation-code characters after the "MA" of codes issued since 2015 (no I, O, Z, S, V).
_ORG_CODE_CHARS = USCC_ALPHABET


class CodeFactory:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.id_numbers: set[str] = set()
        self.phones: set[str] = set()
        self.usccs: set[str] = set()

    def id_number(self, division: str, birth: dt.date, gender: str) -> str:
        """GB 11643: division (6) + birth date (8) + sequence (3, odd last digit for men) + check."""
        while True:
            area = self.rng.randint(0, 99)
            last = self.rng.choice("13579" if gender == "M" else "02468")
            first17 = f"{division}{birth:%Y%m%d}{area:02d}{last}"
            number = first17 + id_check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def uscc(self, division: str, *, legacy: bool = False) -> str:
        """GB 32100: "91" (registered by market regulation, enterprise) + division + 9-character
        organisation code + check character. Codes issued since 2015 start with "MA"; older
        enterprises kept their 9-digit organisation code."""
        while True:
            if legacy:
                body = "".join(self.rng.choice("0123456789") for _ in range(9))
            else:
                body = "MA7" + "".join(self.rng.choice(_ORG_CODE_CHARS) for _ in range(6))
            first17 = f"91{division}{body}"
            code = first17 + uscc_check_character(first17)
            if code not in self.usccs:
                self.usccs.add(code)
                return code
