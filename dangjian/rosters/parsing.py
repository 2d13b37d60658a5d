"""Turning a roster cell into a field value, or into a message saying what is wrong with it.

Each parser takes the raw cell (str, int, float, date, datetime or None) and returns the value,
`None` for a blank cell, or raises `CellError` with a message in the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from dangjian.choices import PoliticalStatus
from dangjian.people.choices import Education, Ethnicity, Gender
from dangjian.people.validators import normalize_id_number
from dangjian.people.validators import parse_id_number as check_id_number

EXCEL_EPOCH = dt.date(1899, 12, 30)


class CellError(ValueError):
    pass


def _clean_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).replace("\x00", "")
    return " ".join(text.split())


def parse_text(value: Any) -> str | None:
    if value is None:
        return None
    text = _clean_text(value)
    return text or None


def plain_text(value: Any) -> str:
    """A name, address … as written (full-width brackets kept: “某公司（集团）党委”, where
    parse_text's NFKC would make them half-width), spaces tidied; "" for a blank cell. Compare
    such text with `fold`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(shown(value).replace("\x00", "").split())


def parse_name(value: Any) -> str | None:
    text = parse_text(value)
    if text and re.fullmatch(r"[\u3400-\u9fff·• ]+", text):
        # "王　芳": HR pads two-character names with a space to line them up.
        text = text.replace(" ", "")
    return text


_DATE_TEXT = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 19000101 <= value <= 21001231 and float(value).is_integer():  # 20190701 typed as a number
            return parse_date(str(int(value)))
        if 1 <= value < 80000:  # an Excel serial day number
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(_("“%(value)s” is not a date.") % {"value": value})
    text = _clean_text(value)
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", text) and 10000 <= float(text) < 80000:  # a serial day saved as text (CSV)
        return parse_date(float(text))
    text = text.split(" ")[0] if re.match(r"^\d{4}\D\d{1,2}\D\d{1,2}\s+\d", text) else text  # "2019-07-01 00:00:00"
    for pattern in _DATE_TEXT:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise CellError(_("“%(value)s” is not a real date.") % {"value": text}) from None
    if _MONTH_TEXT.match(text):
        raise CellError(
            _("“%(value)s” gives only the year and month. Give the day as well, e.g. 2019-07-01.") % {"value": text}
        )
    raise CellError(
        _(
            "“%(value)s” cannot be read as a date. Write it as 2019-07-01, 2019/7/1, 2019.07.01, 2019年7月1日 or 20190701."
        )
        % {"value": text}
    )


def parse_id_number(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        if value >= 1e15:
            raise CellError(
                _(
                    "This ID number was stored as a number, and Excel keeps only 15 digits of a number, so its "
                    "last digits are lost. Format the column as text and type the number again."
                )
            )
        value = int(value)
    text = normalize_id_number(str(value)).lstrip("'")
    if not text:
        return None
    try:
        check_id_number(text)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None
    return text


def parse_phone(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", str(value))).lstrip("'")
    if text.startswith("+86"):
        text = text[3:]
    return text or None


def fold(text: str) -> str:
    """Names compared as people write them: full-width, spaces and case do not count."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


@lru_cache(maxsize=1)
def _choice_maps() -> dict[str, dict[str, str]]:
    maps: dict[str, dict[str, str]] = {"gender": {}, "ethnicity": {}, "education": {}, "political_status": {}}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for choices, key in ((Gender, "gender"), (Ethnicity, "ethnicity"), (Education, "education")):
                for value, label in choices.choices:
                    maps[key][fold(str(label))] = value
            for value, label in PoliticalStatus.choices:
                maps["political_status"][fold(str(label))] = value
    for value, _label in Ethnicity.choices:
        maps["ethnicity"][value] = value
        maps["ethnicity"][str(int(value))] = value
    for label, value in list(maps["ethnicity"].items()):
        if label.endswith("族") and len(label) >= 2:
            maps["ethnicity"][label[:-1]] = value  # 维吾尔族 or 维吾尔
    maps["ethnicity"].update({"uygur": "05", "uighur": "05", "kazak": "17", "mongolian": "02"})
    maps["gender"].update(
        {"男": "M", "女": "F", "男性": "M", "女性": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
    )
    maps["education"].update(
        {
            "小学": "primary",
            "初中": "junior",
            "高中": "senior",
            "中专": "vocational",
            "中职": "vocational",
            "职高": "vocational",
            "技校": "vocational",
            "中技": "vocational",
            "大专": "college",
            "专科": "college",
            "大学专科": "college",
            "高职": "college",
            "本科": "bachelor",
            "大学本科": "bachelor",
            "大学": "bachelor",
            "研究生": "master",
            "硕士": "master",
            "硕士研究生": "master",
            "博士": "doctor",
            "博士研究生": "doctor",
        }
    )
    maps["political_status"].update(
        {
            "群众": "masses",
            "共青团员": "league",
            "团员": "league",
            "中国共产主义青年团团员": "league",
            "中共党员": "full",
            "党员": "full",
            "中国共产党党员": "full",
            "正式党员": "full",
            "中共预备党员": "probationary",
            "预备党员": "probationary",
            "入党积极分子": "activist",
            "积极分子": "activist",
            "入党申请人": "applicant",
            "发展对象": "target",
        }
    )
    return maps


def _choice(kind: str, value: Any, hint: str) -> str | None:
    text = _clean_text(value) if value is not None else ""
    if not text:
        return None
    found = _choice_maps()[kind].get(fold(text))
    if found is None:
        raise CellError(_("“%(value)s” is not understood. %(hint)s") % {"value": text, "hint": hint})
    return found


def parse_gender(value: Any) -> str | None:
    return _choice("gender", value, _("Write 男 or 女 (or M or F)."))


def parse_ethnicity(value: Any) -> str | None:
    return _choice("ethnicity", value, _("Write one of the 56 ethnic groups, e.g. 汉族 or 维吾尔族."))


def parse_education(value: Any) -> str | None:
    return _choice("education", value, _("Write 小学, 初中, 高中, 中专, 大专, 本科, 硕士 or 博士."))


def parse_political_status(value: Any) -> str | None:
    return _choice("political_status", value, _("Write 中共党员, 中共预备党员, 共青团员 or 群众."))


PARSERS = {
    "text": parse_text,
    "name": parse_name,
    "date": parse_date,
    "id_number": parse_id_number,
    "phone": parse_phone,
    "gender": parse_gender,
    "ethnicity": parse_ethnicity,
    "education": parse_education,
    "political_status": parse_political_status,
}


def shown(value: Any) -> str:
    """A cell as the report shows it back."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
