"""Value types the API's schemas share, so that the OpenAPI document says what the API accepts
and the API accepts what the document says (scripts/fuzz-api holds it to that).

- `Id`: a record's id, 1 to 2**63 - 1, what the database can hold (dangjian/ids.py). Out of range
  in a body or a query it is a 422 on that field; in a path, a 404 (errors.py).
- `Blankable[T]`: a value a record may be without that its table keeps as "" (a text, a choice).
  null is accepted for it and kept as "", as a page keeps a field one empties.
- `Omittable[T]`: a field that may be left out of a PATCH body; null only if T takes it (see `Patch`).
- `LocalTime`: a wall-clock time in Beijing time (Asia/Shanghai), "HH:MM" or "HH:MM:SS". A time
  with a zone ("10:00Z", "10:00+05:00") is refused: moving it to Beijing time can change its day,
  which a time of day cannot carry.
- `Month`: a calendar month, "YYYY-MM" of the years 1900–2100 (a figure is kept per month); read
  as its first day.
- `Patch`: the base of PATCH bodies. A field left out is left as it is; a field typed without
  None holds a required value and may not be sent as null (422).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from dangjian.ids import MAX_ID, MIN_ID

Id = Annotated[int, Field(ge=MIN_ID, le=MAX_ID)]


def _blank(value: Any) -> Any:
    return "" if value is None else value


T = TypeVar("T")

# `Blankable[str]`, `Blankable[Education | Literal[""]]`: T or null, null read as "". The
# document and the validation take T | None; a handler reads T, which is what mypy is shown.
if TYPE_CHECKING:
    Blankable: TypeAlias = Annotated[T, AfterValidator(_blank)]
else:
    Blankable = Annotated[T | None, AfterValidator(_blank)]


# `name: Omittable[str] = Field(None, ...)`: validated and documented as T (null is a 422 unless T
# takes it; Patch drops the placeholder default from the document). Left out, the attribute holds
# the placeholder None, so mypy is shown T | None; handlers read such a body with exclude_unset=True.
if TYPE_CHECKING:
    Omittable: TypeAlias = T | None
else:
    # Annotated needs one piece of metadata; pydantic ignores a plain string.
    Omittable = Annotated[T, "may be left out"]


TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
_TIME = re.compile(TIME_PATTERN)


def _wall_time(value: Any) -> Any:
    # Whole seconds, so that every time answered (isoformat: HH:MM:SS) matches the pattern.
    if isinstance(value, dt.time) and value.tzinfo is None:
        return value.replace(microsecond=0)
    if isinstance(value, str) and _TIME.match(value):
        return value
    # errors.py words it in the user's language.
    raise PydanticCustomError("local_time", "Enter a time of day as HH:MM or HH:MM:SS, Beijing time, without a zone.")


LocalTime = Annotated[
    dt.time,
    BeforeValidator(_wall_time),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": TIME_PATTERN,
            "examples": ["19:30", "08:00:00"],
            "description": "Beijing time (Asia/Shanghai), HH:MM or HH:MM:SS, without a time zone.",
        }
    ),
]


# The years the pages read too (ui.forms.FIRST_YEAR … LAST_YEAR): a month past 2100 is refused,
# not carried into date arithmetic that ends at year 9999.
MONTH_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


def _month(value: Any) -> Any:
    if isinstance(value, str) and _MONTH.match(value):
        return dt.date(int(value[:4]), int(value[5:]), 1)
    # errors.py words it in the user's language.
    raise PydanticCustomError("month", "Enter a month as YYYY-MM.")


Month = Annotated[
    dt.date,
    BeforeValidator(_month),
    WithJsonSchema({"type": "string", "pattern": MONTH_PATTERN, "examples": ["2026-03"], "description": "YYYY-MM."}),
]


def _no_placeholder_defaults(schema: dict[str, Any], model: Any) -> None:
    """A PATCH field that may not be null has None as its default only to tell "left out" from
    "sent"; the document must not offer that None as a value."""
    for prop in schema.get("properties", {}).values():
        nullable = prop.get("type") == "null" or any(option.get("type") == "null" for option in prop.get("anyOf", ()))
        if "default" in prop and prop["default"] is None and not nullable:
            del prop["default"]


class Patch(Schema):
    model_config = ConfigDict(json_schema_extra=_no_placeholder_defaults)
