"""Validate: what a row must be before it touches a record — a name and an ID number, not a
second different row with the same number, and a person the uploader may change (or, outside
their scope, the one counted and audited answer to "is this number taken?")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from dangjian.people import id_checks
from dangjian.people import services as people
from dangjian.people.crypto import blind_index
from dangjian.people.models import Person
from dangjian.people.validators import mask_id_number

from ..models import RowOutcome
from ..reading import Roster
from .match import Match
from .parse import RowResult, column

if TYPE_CHECKING:
    from dangjian.access.models import User

NEW = object()  # admitted: a person not registered yet


class Gate:
    """Admits rows one by one, remembering the ID numbers already seen in the file."""

    def __init__(self, *, actor: User | None, roster: Roster, write: bool) -> None:
        self.actor = actor
        self.roster = roster
        self.write = write
        # ID index → (row, hash of the row's values): two small ints per row, so a 100,000-row
        # file costs a few MB here and nothing else grows with the file.
        self.seen: dict[bytes, tuple[int, int]] = {}
        self.quota: id_checks.Quota | None = None  # the uploader's ID-number answers left (per chunk)

    def start_chunk(self) -> None:
        # Whether the uploader may still be told about ID numbers outside their scope this hour
        # (people.id_checks): read once a chunk, not once a row.
        self.quota = id_checks.quota(self.actor) if self.actor is not None else None

    def admit(self, values: dict[str, Any], result: RowResult, match: Match) -> Person | object | None:
        """The registered person the row updates, NEW for a new one, or None when the row is
        rejected or a duplicate (told in `result`)."""
        if not values.get("name"):
            result.reject(column(self.roster, "name"), "", _("The name is missing."))
        if not values.get("id_number"):
            result.reject(
                column(self.roster, "id_number"),
                "",
                _("The ID number is missing. Rows are matched to the people already registered by it."),
            )
        if result.outcome == RowOutcome.REJECTED:
            return None
        index = blind_index(values["id_number"])
        key = bytes.fromhex(index)[:16]
        signature = hash(tuple(sorted((k, str(v)) for k, v in values.items() if v is not None)))
        if key in self.seen:
            first_row, first_sig = self.seen[key]
            if first_sig == signature:
                result.outcome = RowOutcome.DUPLICATE
                result.notes.append(_("The same as row %(row)d, which is imported once.") % {"row": first_row})
            else:
                result.reject(
                    column(self.roster, "id_number"),
                    mask_id_number(values["id_number"]),
                    _("Row %(row)d has the same ID number with different details. Keep one of the two rows.")
                    % {"row": first_row},
                )
            return None
        self.seen[key] = (result.row, signature)
        person = match.existing.get(index)
        if person is not None and person.pk not in match.changeable:
            # Registered where the uploader may not change them. Outside what they may see, this
            # is the one answer to "is this ID number taken?" (people.services.answer_out_of_scope):
            # counted and audited, paused once the hour's answers are used up.
            if self.actor is not None and person.pk not in match.viewable:
                answer = people.answer_out_of_scope(
                    actor=self.actor, number=values["id_number"], found=person, record=not self.write
                )
            else:
                answer = people.IdNumberAnswer(people.ELSEWHERE)
            message = (
                answer.message if answer.kind == people.PAUSED else people.IdNumberAnswer(people.ELSEWHERE).message
            )
            if (
                answer.kind == people.ELSEWHERE
                and self.actor is not None  # there is a quota only for an actor (start_chunk)
                and self.quota is not None
                and person.pk not in match.viewable
            ):
                self.quota = id_checks.quota(self.actor)
            result.reject(column(self.roster, "id_number"), mask_id_number(values["id_number"]), message)
            return None
        if person is None and self.quota is not None and self.quota.left <= 0:
            # A new number once the answers are used up: the same pause, or the difference would tell.
            paused = people.IdNumberAnswer(people.PAUSED, until=self.quota.resets_at)
            result.reject(column(self.roster, "id_number"), mask_id_number(values["id_number"]), paused.message)
            return None
        return NEW if person is None else person
