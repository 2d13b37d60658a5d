"""The round's results as Excel (dangjian.sheets): each graded member's rating tally (ballots per
grade, blanks), the committee's proposed grade, the confirmed grade and any follow-up; probationary
members and representatives listed as taking part, not graded. Totals only: no file says who
voted how (the tables cannot, ballots.models)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.sheets import labelled, one_table, titled

from . import selectors
from .models import GRADES, Grade, Part, Round

RESULTS = gettext_lazy("Democratic appraisal")


def workbook(r: Round) -> tuple[bytes, str, int]:
    columns = labelled(
        [
            (_("name"), 12),
            (_("takes part as"), 18),
            *[(str(Grade(g).label), 10) for g in GRADES],
            (_("no choice"), 8),
            (_("proposed grade"), 12),
            (_("grade"), 12),
            (_("organisational follow-up"), 40),
        ]
    )
    tally = selectors.tally(r)
    counts = {m.participant_id: m for m in tally.members} if tally is not None else {}

    def rows() -> Iterator[list[Any]]:
        for p in selectors.roll(r):
            m = counts.get(p.pk)
            votes: list[Any] = [m.votes[g] for g in GRADES] + [m.blank] if m is not None else [""] * (len(GRADES) + 1)
            yield [
                p.person.name,
                p.get_part_display(),
                *votes,
                p.get_proposed_grade_display() if p.part == Part.MEMBER else "",
                p.get_grade_display() if p.part == Part.MEMBER else "",
                p.follow_up,
            ]

    turnout = (
        _("%(voted)d of %(roll)d voted") % {"voted": tally.turnout, "roll": tally.roll} if tally is not None else ""
    )
    return one_table(
        RESULTS,
        columns,
        rows(),
        title=titled(RESULTS, r.year, r.organization.display_name, turnout),
        today=timezone.localdate(),
    )
