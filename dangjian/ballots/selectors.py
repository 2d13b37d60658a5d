"""Reads of the ballot engine: a poll's questions, the roll, the count from the stored ballots
(the same function counts and recounts), and the receipt check. Nothing here reads who cast
which ballot: the tables cannot say (models.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from . import rules
from .models import Ballot, Mark, PaperEntry, Poll, PollState, Question, Voter

# A poll's questions and options are written with it and never change, so each process keeps
# them once read (a cast checks its choices against them): keyed by the poll's id and opening
# time, as an id alone may be reused after a rolled-back transaction.
_OPTIONS: dict[tuple[int, str], dict[int, set[int]]] = {}
_OPTIONS_KEPT = 256


def question_options(poll: Poll) -> dict[int, set[int]]:
    """Each question's option ids."""
    key = (poll.pk, poll.opened_at.isoformat() if poll.opened_at else "")
    cached = _OPTIONS.get(key)
    if cached is None:
        # One query, in the questions' order: the left join lists a question without options too (None).
        cached = {}
        for qid, oid in Question.objects.filter(poll=poll).order_by("order", "pk").values_list("pk", "options__pk"):
            options = cached.setdefault(qid, set())
            if oid is not None:
                options.add(oid)
        if len(_OPTIONS) >= _OPTIONS_KEPT:
            _OPTIONS.pop(next(iter(_OPTIONS)))
        _OPTIONS[key] = cached
    return cached


def question_label(poll: Poll, question_id: int) -> str:
    return Question.objects.filter(poll=poll, pk=question_id).values_list("label", flat=True).first() or ""


def questions(poll: Poll) -> list[Question]:
    """The ballot as shown: questions with their options, in order."""
    return list(Question.objects.filter(poll=poll).prefetch_related("options"))


def voter_line(poll: Poll, person_id: int) -> Voter | None:
    return Voter.objects.filter(poll=poll, person_id=person_id).select_related("poll", "person").first()


def voter_by_sheet(code: str) -> Voter | None:
    """The roll line a sheet's one-time code opens, while unused."""
    digest = rules.digest_code(code)
    if len(rules.normalise_code(code).replace("-", "")) != rules.SHEET_LENGTH:
        return None
    return Voter.objects.filter(sheet_code=digest, voted=False).select_related("poll", "person").first()


def paper_agreed(poll: Poll) -> int:
    return PaperEntry.objects.filter(poll=poll, agreed=True).values("sheet_no").distinct().count()


def paper_waiting(poll: Poll) -> int:
    """Paper ballots handed in that two tellers have not yet entered alike (the count waits)."""
    return max(0, Poll.objects.get(pk=poll.pk).paper_handed - paper_agreed(poll))


def paper_sheets(poll: Poll) -> list[dict[str, Any]]:
    """Each entered sheet's state for the tellers' page: number, readings, agreed or not."""
    sheets: dict[int, dict[str, Any]] = {}
    for e in PaperEntry.objects.filter(poll=poll).select_related("teller").order_by("sheet_no", "pk"):
        sheet = sheets.setdefault(e.sheet_no, {"sheet_no": e.sheet_no, "tellers": [], "agreed": e.agreed})
        sheet["tellers"].append(str(e.teller))
    for sheet in sheets.values():
        sheet["differs"] = not sheet["agreed"] and len(sheet["tellers"]) > 1
    return list(sheets.values())


@dataclass
class Tally:
    roll: int
    turnout: int
    ballots: int
    votes: dict[int, dict[int | None, int]] = field(default_factory=dict)  # question → option (None: blank) → votes
    digest: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "roll": self.roll,
            "turnout": self.turnout,
            "ballots": self.ballots,
            "votes": {
                str(q): {("" if o is None else str(o)): n for o, n in opts.items()} for q, opts in self.votes.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], digest: str) -> Tally:
        votes = {
            int(q): {(None if o == "" else int(o)): int(n) for o, n in opts.items()}
            for q, opts in data.get("votes", {}).items()
        }
        return cls(int(data.get("roll", 0)), int(data.get("turnout", 0)), int(data.get("ballots", 0)), votes, digest)

    def option_votes(self, question_id: int) -> dict[int, int]:
        return {o: n for o, n in self.votes.get(question_id, {}).items() if o is not None}


def recount(poll: Poll) -> Tally:
    """The count from the stored ballots, as anyone with the right may make it again: the roll
    and turnout from the roll, the votes from the marks, and the digest of every ballot."""
    roll, turnout = roll_size(poll)
    votes: dict[int, dict[int | None, int]] = {
        q: dict.fromkeys(options, 0) for q, options in question_options(poll).items()
    }
    per_ballot: dict[Any, list[tuple[int, int | None]]] = defaultdict(list)
    for ballot_id, qid, oid in Mark.objects.filter(ballot__poll=poll).values_list(
        "ballot_id", "question_id", "option_id"
    ):
        per_ballot[ballot_id].append((qid, oid))
        votes[qid][oid] = votes[qid].get(oid, 0) + 1
    ballots = Ballot.objects.filter(poll=poll).count()
    return Tally(
        roll=roll,
        turnout=turnout,
        ballots=ballots,
        votes=votes,
        digest=rules.ballots_digest(per_ballot.items()),
    )


def _voted() -> Q:
    return Q(voted=True)


def stored_tally(poll: Poll) -> Tally:
    return Tally.from_json(poll.tally, poll.digest)


def recount_agrees(poll: Poll) -> tuple[bool, Tally, Tally]:
    """Count again from the ballots and compare with what was stored at the count."""
    again = recount(poll)
    stored = stored_tally(poll)
    same = poll.state == PollState.COUNTED and again.digest == stored.digest and again.as_json() == stored.as_json()
    return same, stored, again


def receipt_counted(poll: Poll, code: str) -> bool:
    """Whether a ballot with this receipt code is among the poll's counted ballots. It says no
    more: not the choice, not who."""
    if poll.state != PollState.COUNTED:
        return False
    return Ballot.objects.filter(poll=poll, receipt=rules.digest_code(code)).exists()


def roll_people(poll: Poll) -> QuerySet[Voter, int]:
    """The roll's person ids, as a subquery (a vote's roll runs to thousands)."""
    return Voter.objects.filter(poll=poll).values_list("person_id", flat=True)


def roll_size(poll: Poll) -> tuple[int, int]:
    counts = Voter.objects.filter(poll=poll).aggregate(n=Count("pk"), voted=Count("pk", filter=_voted()))
    return counts["n"], counts["voted"]


def unvoted(poll: Poll) -> list[Voter]:
    return list(Voter.objects.filter(poll=poll, voted=False).select_related("person").order_by("person__name", "pk"))


def roll_lines(
    poll: Poll, *, voted: bool | None = None, search: str = "", team_id: int | None = None
) -> QuerySet[Voter]:
    """The roll's lines by name, for the tellers and the organiser's sheets: who has (not) voted,
    whose name holds `search`, of one production team. A line says whether, never how."""
    qs = Voter.objects.filter(poll=poll).select_related("person", "person__team")
    if voted is not None:
        qs = qs.filter(voted=voted)
    if search.strip():
        qs = qs.filter(person__name__icontains=search.strip())
    if team_id is not None:
        qs = qs.filter(person__team_id=team_id)
    return qs.order_by("person__name", "pk")


def line_of(poll: Poll, pk: int) -> Voter | None:
    """One line of the poll's roll by its id (a teller's tap), or None if it is not this poll's."""
    return Voter.objects.filter(poll=poll, pk=pk).select_related("person").first()


def poll_of_receipt(code: str) -> Poll | None:
    """The poll holding a ballot with this receipt code, for the check of a voter without a login
    (who knows no poll's page): the code's holder learns only which vote took their ballot."""
    if len(rules.normalise_code(code).replace("-", "")) != rules.RECEIPT_LENGTH:
        return None
    ballot = Ballot.objects.filter(receipt=rules.digest_code(code)).select_related("poll").first()
    return ballot.poll if ballot is not None else None


def open_lines_of(person_id: int) -> list[Voter]:
    """A person's roll lines in open polls where they have not voted yet (their to-do)."""
    return list(
        Voter.objects.filter(person_id=person_id, voted=False, poll__state=PollState.OPEN).select_related("poll")
    )
