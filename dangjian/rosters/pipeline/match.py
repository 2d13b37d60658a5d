"""Match: a chunk's rows to the people registered, by ID number (its blind index), and what the
uploader may change or see of them — a few queries a chunk, never one a row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dangjian.access.scopes import CHANGE, VIEW, scope
from dangjian.people import selectors as people
from dangjian.people.crypto import blind_index
from dangjian.people.models import Membership, Person

from ..columns import MEMBERS
from .parse import Parsed

if TYPE_CHECKING:
    from dangjian.access.models import User


@dataclass(frozen=True)
class Match:
    existing: dict[str, Person]  # by the ID number's blind index
    changeable: set[int]  # people the uploader may change
    viewable: set[int]  # people the uploader may see (told by name, not counted)
    open_memberships: dict[int, Membership]  # member rosters: each person's open record


def match_chunk(actor: User | None, kind: str, chunk: list[Parsed]) -> Match:
    indexes = [blind_index(v["id_number"]) for _n, v, _r in chunk if v.get("id_number")]
    existing = {p.id_number_index or "": p for p in people.people_by_id_index(indexes)}
    ids = [p.pk for p in existing.values()]
    in_scope = people.people_with_pks(ids)
    if actor is not None:
        in_scope = scope(actor, in_scope, CHANGE)
    changeable = set(in_scope.values_list("pk", flat=True))
    # Whom the uploader may see of those: once a chunk, not a row.
    viewable = (
        set(scope(actor, people.people_with_pks(ids), VIEW).values_list("pk", flat=True))
        if actor is not None and ids
        else set()
    )
    open_memberships = people.open_memberships_of(ids) if kind == MEMBERS and ids else {}
    return Match(existing, changeable, viewable, open_memberships)
