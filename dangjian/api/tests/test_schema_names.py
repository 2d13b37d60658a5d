"""Every enum the API documents has a name of its own. Two TextChoices classes of the same name
(a meeting's Status, a follow-up's Status) become one OpenAPI component, and the document then
describes one of them with the other's values: clients reject correct answers. The fuzzer found
this once; here it is found without a server."""

from __future__ import annotations

import enum
import typing
from collections import defaultdict

from ninja import Schema

from dangjian.api.api import api  # noqa: F401  (imports every router, so every schema is defined)


def _schemas(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_schemas(sub))
    return found


def _enums(annotation: typing.Any) -> list[type[enum.Enum]]:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [annotation]
    return [e for arg in typing.get_args(annotation) for e in _enums(arg)]


def test_no_two_documented_enums_share_a_name():
    by_name: dict[str, set[type]] = defaultdict(set)
    for schema in _schemas(Schema):
        if not schema.__module__.startswith("dangjian."):
            continue
        for field in schema.model_fields.values():
            for e in _enums(field.annotation):
                by_name[e.__name__].add(e)
    clashes = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in by_name.items()
        if len(classes) > 1
    }
    assert not clashes, f"give these enums distinct names (or document them as literals): {clashes}"
    assert by_name, "the walk found no enum at all"
