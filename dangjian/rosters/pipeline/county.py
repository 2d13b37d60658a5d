"""A county's own set-up files (rosters.county_columns) through the pipeline: each kind's rows
read, parsed, resolved against the file as a whole and what is registered, validated by the
organisations' and access's own rules, reported; and written through their services, all of it
in the import's one transaction or nothing (as a payroll is: a county's file has hundreds or a few
thousand rows, not a workforce).

Each kind is a module with the same two functions:
- `checked(imp, roster, progress)`: every row's outcome (RowResult), nothing written;
- `write(imp, roster, actor)`: inside the import's transaction, every row written through the
  services; returns the rows' outcomes and how many were rejected (the caller rolls back then);
- `template_bytes()` and `template_name()`: the blank file, with drop-downs and instructions.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..columns import ENTERPRISES, ORG_TREE, ROLE_HOLDERS

if TYPE_CHECKING:
    from dangjian.access.models import User

    from ..models import RosterImport
    from ..reading import Roster
    from .parse import RowResult


def _module(kind: str) -> ModuleType:
    from . import enterprises, roles, tree

    return {ENTERPRISES: enterprises, ORG_TREE: tree, ROLE_HOLDERS: roles}[kind]


def checked(imp: RosterImport, roster: Roster, progress: Any = None) -> Iterator[RowResult]:
    return _module(imp.kind).checked(imp, roster, progress)


def write(imp: RosterImport, roster: Roster, *, actor: User | None) -> tuple[list[RowResult], int]:
    return _module(imp.kind).write(imp, roster, actor=actor)


def template_bytes(kind: str) -> bytes:
    return _module(kind).template_bytes()


def template_name(kind: str) -> str:
    return _module(kind).template_name()
