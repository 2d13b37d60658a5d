"""Writes of the ballot engine: opening a poll with its roll, casting (on a phone, by a sheet's
one-time code, or on paper through two tellers), closing and counting.

Every function is keyword-only and runs in one audited transaction. A cast records on the voter's
roll line that they voted; nothing it writes about the ballot names them (models.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import services as audit
from dangjian.audit.models import Action

from . import rules, selectors
from .models import Ballot, Mark, Option, PaperEntry, Poll, PollState, Question, Voter

if TYPE_CHECKING:
    from dangjian.access.models import User

Choices = Mapping[int, int | None]  # question id → option id, or None for a blank


@dataclass(frozen=True)
class QuestionSpec:
    label: str
    ref: str
    options: Sequence[tuple[str, str]]  # (label, ref)
    max_choices: int = 1


@audit.write_transaction
def open_poll(
    *, actor: User | None, title: str, org_path: str, questions: Sequence[QuestionSpec], voters: Iterable[int]
) -> Poll:
    """A poll open for voting with its questions and its roll (person ids, each once)."""
    if not questions or not any(q.options for q in questions):
        raise ValidationError(_("A vote needs at least one question with something to choose."))
    poll = Poll.objects.create(title=title[:200], org_path=org_path)
    for qi, spec in enumerate(questions):
        question = Question.objects.create(
            poll=poll, order=qi, label=spec.label[:200], ref=spec.ref, max_choices=spec.max_choices
        )
        Option.objects.bulk_create(
            Option(question=question, order=oi, label=label[:200], ref=ref)
            for oi, (label, ref) in enumerate(spec.options)
        )
    roll = sorted(set(voters))
    Voter.objects.bulk_create((Voter(poll=poll, person_id=pid) for pid in roll), batch_size=2000)
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=poll,
        changes={"title": poll.title, "questions": len(questions), "roll": len(roll)},
    )
    return poll


def _checked(poll: Poll, choices: Choices) -> list[tuple[int, int | None]]:
    """The marks of a ballot, or a refusal: every question answered once (an option of that
    question, or a blank), nothing else."""
    questions = selectors.question_options(poll)
    unknown = set(choices) - set(questions)
    if unknown:
        raise ValidationError(
            _("The ballot answers a question this vote does not ask: reload the ballot and vote again.")
        )
    marks: list[tuple[int, int | None]] = []
    for qid, options in questions.items():
        option = choices.get(qid)
        if option is not None and option not in options:
            raise ValidationError(
                _("The choice for “%(question)s” is not one of its nominees: reload the ballot and vote again.")
                % {"question": selectors.question_label(poll, qid)}
            )
        marks.append((qid, option))
    return marks


def _refuse_unless_open(poll: Poll) -> None:
    if poll.state != PollState.OPEN:
        raise ValidationError(_("This vote is closed: ballots are taken only while it is open."))


def _store(poll: Poll, marks: Sequence[tuple[int, int | None]], receipt: str) -> None:
    """The ballot and its marks, in two INSERT statements written here rather than by the ORM's
    create and bulk_create: a cast is the one write thousands make in a day, and building the
    models was half its cost (docs/benchmarks.md, "Pacesetter selections"). The keys are random
    UUIDs prepared by their fields, so each engine stores them as it stores any UUID."""
    ballot_key = Ballot._meta.pk
    mark_key = Mark._meta.pk
    assert ballot_key is not None and mark_key is not None
    ballot_id = ballot_key.get_db_prep_value(uuid.uuid4(), connection)
    quote = connection.ops.quote_name
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(marks))
    params: list[Any] = []
    for q, o in marks:
        params += [mark_key.get_db_prep_value(uuid.uuid4(), connection), ballot_id, q, o]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Ballot._meta.db_table)} (id, poll_id, receipt) VALUES (%s, %s, %s)",
            [ballot_id, poll.pk, rules.digest_code(receipt) if receipt else ""],
        )
        if marks:
            cursor.execute(
                f"INSERT INTO {quote(Mark._meta.db_table)} (id, ballot_id, question_id, option_id) VALUES {rows}",
                params,
            )


def _claim_while_open(voter: Voter, *, sheet_code: str | None = None) -> bool:
    """Mark the voter's roll line voted, only while its poll is open (and, for a sheet, only while
    the line still holds that sheet's code, which it then drops): one statement, so of two
    casts at the same moment exactly one finds the line not yet voted — the other waits for its
    commit on PostgreSQL, for the write lock on SQLite, and then finds nothing to update.

    On PostgreSQL the poll row is read `FOR SHARE`: a close (`close`, which locks it `FOR
    UPDATE`) waits for the casts in flight to commit, and a cast that comes after the close sees
    it closed, so a count never misses a ballot whose voter it counts as having voted (SQLite
    runs one writer at a time). Written here rather than by the ORM for a cast's cost
    (docs/benchmarks.md, "Pacesetter selections"). False when nothing was claimed."""
    quote = connection.ops.quote_name
    voters, polls = quote(Voter._meta.db_table), quote(Poll._meta.db_table)
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    sets, where = "voted = %s", ""
    params: list[Any] = [True]
    if sheet_code is not None:
        sets, where = "voted = %s, sheet_code = %s", " AND sheet_code = %s"
        params.append("")
    params += [voter.pk, False, *([sheet_code] if sheet_code is not None else []), PollState.OPEN.value]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {voters} SET {sets} WHERE id = %s AND voted = %s{where} AND EXISTS"
            f" (SELECT 1 FROM {polls} p WHERE p.id = {voters}.poll_id AND p.state = %s{lock})",
            params,
        )
        claimed: bool = cursor.rowcount == 1
    if claimed:
        voter.voted = True
    return claimed


def _refuse_claim(voter: Voter) -> None:
    """Why a roll line was not claimed: the vote is closed, or the person has voted already."""
    _refuse_unless_open(Poll.objects.get(pk=voter.poll_id))
    raise ValidationError(_("%(name)s has voted already in this vote: one person, one vote.") % {"name": voter.person})


@audit.write_transaction
def cast(*, actor: User | None, voter: Voter, choices: Choices) -> str:
    """The voter's ballot; the receipt code to show them once (only its digest is kept)."""
    poll = voter.poll
    marks = _checked(poll, choices)
    if not _claim_while_open(voter):
        _refuse_claim(voter)
    receipt = rules.new_code(rules.RECEIPT_LENGTH)
    _store(poll, marks, receipt)
    audit.record(actor=actor, action=Action.UPDATE, obj=voter, changes={"voted": [False, True]})
    return receipt


@audit.write_transaction
def issue_sheets(*, actor: User | None, poll: Poll, voters: Sequence[Voter]) -> list[tuple[Voter, str]]:
    """A one-time code for each voter who has not voted, for their printed ballot sheet. A new
    code replaces the one printed before (a lost sheet is reprinted, the old one stops working)."""
    _refuse_unless_open(poll)
    issued: list[tuple[Voter, str]] = []
    for voter in voters:
        if voter.voted:
            continue
        code = rules.new_code(rules.SHEET_LENGTH)
        voter.sheet_code = rules.digest_code(code)
        issued.append((voter, code))
    Voter.objects.bulk_update([v for v, _c in issued], ["sheet_code"], batch_size=2000)
    audit.record(actor=actor, action=Action.EXPORT, obj=poll, changes={"ballot sheets": len(issued)})
    return issued


@audit.write_transaction
def cast_by_sheet(*, code: str, choices: Choices) -> str:
    """A ballot cast with a sheet's one-time code (no login); the code stops working."""
    voter = selectors.voter_by_sheet(code)
    if voter is None:
        raise ValidationError(
            _(
                "This ballot code is not valid or has been used: each code votes once. Ask the organiser for a new sheet."
            )
        )
    poll = voter.poll
    marks = _checked(poll, choices)
    if not _claim_while_open(voter, sheet_code=voter.sheet_code):
        _refuse_unless_open(Poll.objects.get(pk=poll.pk))
        raise ValidationError(_("This ballot code has been used: each code votes once."))
    receipt = rules.new_code(rules.RECEIPT_LENGTH)
    _store(poll, marks, receipt)
    audit.record(actor=None, action=Action.UPDATE, obj=voter, changes={"voted": [False, True]})
    return receipt


@audit.write_transaction
def hand_in_paper(*, actor: User | None, voter: Voter) -> None:
    """A teller marks on the roll that the voter put a paper ballot in the box."""
    if not _claim_while_open(voter):
        _refuse_claim(voter)
    Poll.objects.filter(pk=voter.poll_id).update(paper_handed=F("paper_handed") + 1)
    audit.record(actor=actor, action=Action.UPDATE, obj=voter, changes={"voted": [False, True]})


@dataclass(frozen=True)
class PaperOutcome:
    state: str  # "waiting" (for the second teller), "agreed" (stored), "differs" (enter again)
    sheet_no: int


@audit.write_transaction
def enter_paper(*, actor: User, poll: Poll, sheet_no: int, choices: Choices) -> PaperOutcome:
    """A teller's reading of paper sheet `sheet_no`. The first reading waits for a second teller;
    when a second teller's reading agrees the ballot is stored, when it differs both readings
    stay and either teller enters theirs again (a reading replaces that teller's earlier one)."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if poll.state == PollState.COUNTED:
        raise ValidationError(_("This vote is counted: no more paper ballots can be entered."))
    if sheet_no < 1:
        raise ValidationError({"sheet_no": [_("Give the number printed on the paper ballot, from 1.")]})
    marks = _checked(poll, choices)
    reading = {str(q): o for q, o in marks}
    entries = list(PaperEntry.objects.select_for_update().filter(poll=poll, sheet_no=sheet_no))
    if any(e.agreed for e in entries):
        raise ValidationError(
            {
                "sheet_no": [
                    _("Paper ballot %(n)d is entered and agreed already: check the sheet's number.") % {"n": sheet_no}
                ]
            }
        )
    mine = next((e for e in entries if e.teller_id == actor.pk), None)
    others = [e for e in entries if e.teller_id != actor.pk]
    if mine is None:
        mine = PaperEntry.objects.create(poll=poll, sheet_no=sheet_no, teller=actor, choices=reading)
        # The audit records that the teller read the sheet, never what it says.
        audit.record(actor=actor, action=Action.CREATE, obj=mine, changes={"sheet_no": sheet_no})
    else:
        mine.choices = reading
        mine.save(update_fields=["choices", "entered_at"])
        audit.record(actor=actor, action=Action.UPDATE, obj=mine, changes={"sheet_no": sheet_no, "read again": True})
    if not others:
        return PaperOutcome("waiting", sheet_no)
    if all(o.choices == reading for o in others):
        if selectors.paper_agreed(poll) >= poll.paper_handed:
            raise ValidationError(
                _(
                    "%(handed)d paper ballots were handed in and as many are entered already: a sheet more"
                    " than the roll shows cannot be counted. Check the tellers' marks on the roll."
                )
                % {"handed": poll.paper_handed}
            )
        PaperEntry.objects.filter(poll=poll, sheet_no=sheet_no).update(agreed=True)
        _store(poll, marks, "")
        audit.record(actor=actor, action=Action.UPDATE, obj=mine, changes={"agreed": [False, True]})
        return PaperOutcome("agreed", sheet_no)
    return PaperOutcome("differs", sheet_no)


@audit.write_transaction
def close(*, actor: User | None, poll: Poll) -> Poll:
    """No more ballots (paper ones already handed in may still be entered). The poll row is locked
    first, so the close waits for the casts in flight (`_claim_while_open`)."""
    locked = Poll.objects.select_for_update().get(pk=poll.pk)
    poll.state = locked.state
    if poll.state != PollState.OPEN:
        return poll
    audit.update_model(
        actor=actor, instance=poll, data={"state": PollState.CLOSED, "closed_at": timezone.now()}, clean=False
    )
    return poll


@audit.write_transaction
def count(*, actor: User | None, poll: Poll) -> selectors.Tally:
    """Count the stored ballots and keep the tally with its digest; refused while paper ballots
    handed in wait to be entered or the tellers disagree."""
    poll.refresh_from_db()
    if poll.state == PollState.OPEN:
        close(actor=actor, poll=poll)
    if poll.state == PollState.COUNTED:
        return selectors.stored_tally(poll)
    agreed = selectors.paper_agreed(poll)
    if agreed < poll.paper_handed:
        raise ValidationError(
            _(
                "%(handed)d paper ballots were handed in and %(agreed)d are entered by two tellers who agree:"
                " enter the other %(left)d before counting."
            )
            % {"handed": poll.paper_handed, "agreed": agreed, "left": poll.paper_handed - agreed}
        )
    tally = selectors.recount(poll)
    if tally.ballots != tally.turnout:
        raise ValidationError(
            _("%(voted)d people voted and %(ballots)d ballots are stored: the vote cannot be counted until they agree.")
            % {"voted": tally.turnout, "ballots": tally.ballots}
        )
    audit.update_model(
        actor=actor,
        instance=poll,
        data={
            "state": PollState.COUNTED,
            "counted_at": timezone.now(),
            "tally": tally.as_json(),
            "digest": tally.digest,
        },
        clean=False,
    )
    return tally
