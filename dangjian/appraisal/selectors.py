"""Reads of the democratic appraisal: rounds and their roll, the mutual assessment, the rating's
tally per member and grade (only of a counted rating), the cap's count, each person's grades by
year, and a branch's or a committee's figures (the 三好 rating and the county overview read
these).

Nothing here reads who voted how: the ballot engine's tables cannot say (ballots/models.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots.models import PollState
from dangjian.organizations.models import Organization

from . import rules
from .models import GRADES, Grade, Part, Participant, PeerComment, Round, Step


def rounds() -> QuerySet[Round]:
    """Rounds with what every page of one shows (to be scoped by the caller)."""
    return Round.objects.select_related("organization", "poll")


def with_counts(qs: QuerySet[Round]) -> QuerySet[Round]:
    """Rounds annotated with their roll's figures: graded, not graded, representatives,
    self-assessments written, excellent and qualified grades confirmed."""
    return qs.annotate(
        n_graded=Count("participants", filter=Q(participants__part=Part.MEMBER)),
        n_probationary=Count("participants", filter=Q(participants__part=Part.PROBATIONARY)),
        n_representatives=Count("participants", filter=Q(participants__part=Part.REPRESENTATIVE)),
        n_written=Count("participants", filter=Q(participants__self_written_on__isnull=False)),
        n_excellent=Count("participants", filter=Q(participants__grade=Grade.EXCELLENT)),
        n_qualified=Count("participants", filter=Q(participants__grade=Grade.QUALIFIED)),
        n_proposed_excellent=Count("participants", filter=Q(participants__proposed_grade=Grade.EXCELLENT)),
    )


def roll(r: Round) -> list[Participant]:
    """The round's roll by name: graded members, probationary members, representatives; each line
    with the number of comments it received in the mutual assessment (`n_comments`)."""
    order = {Part.MEMBER: 0, Part.PROBATIONARY: 1, Part.REPRESENTATIVE: 2}
    lines = list(
        Participant.objects.filter(round=r)
        .select_related("person")
        .annotate(n_comments=Count("comments_received"))
        .order_by("person__name", "pk")
    )
    return sorted(lines, key=lambda p: order.get(Part(p.part), 3))


def participant_of(r: Round, person_id: int | None) -> Participant | None:
    if not person_id:
        return None
    return Participant.objects.filter(round=r, person_id=person_id).select_related("person", "round").first()


def line_of(r: Round, pk: object) -> Participant | None:
    """One line of the round's roll by its id, or None if it is not this round's."""
    try:
        number = int(str(pk))
    except ValueError:
        return None
    return Participant.objects.filter(round=r, pk=number).select_related("person", "round").first()


def comments_by(author: Participant) -> dict[int, PeerComment]:
    """The author's comments by the subject's line."""
    return {c.subject_id: c for c in PeerComment.objects.filter(author=author)}


def comments_about(subject: Participant) -> list[PeerComment]:
    return list(PeerComment.objects.filter(subject=subject).select_related("author__person"))


@dataclass(frozen=True)
class MemberTally:
    participant_id: int
    name: str
    votes: dict[str, int]  # grade → ballots
    blank: int
    proposed: str = ""
    grade: str = ""

    @property
    def counted(self) -> int:
        return sum(self.votes.values()) + self.blank


@dataclass
class Tally:
    roll: int
    turnout: int
    members: list[MemberTally] = field(default_factory=list)


def tally(r: Round) -> Tally | None:
    """The rating's count per graded member and grade, once it is counted (None before: a tally
    that moved while the roll shows who just voted would tell who chose what)."""
    poll = r.poll
    if poll is None or poll.state != PollState.COUNTED:
        return None
    stored = ballot_selectors.stored_tally(poll)
    lines = {p.pk: p for p in Participant.objects.filter(round=r, part=Part.MEMBER).select_related("person")}
    members = []
    for q in ballot_selectors.questions(poll):
        p = lines.get(int(q.ref))
        if p is None:
            continue
        grade_of = {o.pk: o.ref for o in q.options.all()}
        votes = dict.fromkeys(GRADES, 0)
        for oid, n in stored.option_votes(q.pk).items():
            votes[grade_of[oid]] = n
        blank = stored.votes.get(q.pk, {}).get(None, 0)
        members.append(MemberTally(p.pk, p.person.name, votes, blank, p.proposed_grade, p.grade))
    members.sort(key=lambda m: m.name)
    return Tally(stored.roll, stored.turnout, members)


@dataclass(frozen=True)
class Cap:
    graded: int
    allowed: int
    excellent: int  # proposed (or confirmed) excellent


def excellent_cap(r: Round) -> Cap:
    """The cap's count for the committee's page: "3 of at most 3"."""
    field_name = "grade" if r.step == Step.CONFIRMED else "proposed_grade"
    counts = Participant.objects.filter(round=r).aggregate(
        graded=Count("pk", filter=Q(part=Part.MEMBER)),
        excellent=Count("pk", filter=Q(part=Part.MEMBER, **{field_name: Grade.EXCELLENT})),
    )
    return Cap(counts["graded"], rules.excellent_cap(counts["graded"]), counts["excellent"])


def grades_of_person(person_id: int) -> list[Participant]:
    """A person's lines in every round, latest year first, with the round and its branch (the
    person page's panel)."""
    return list(
        Participant.objects.filter(person_id=person_id)
        .select_related("round__organization")
        .order_by("-round__year", "pk")
    )


@dataclass(frozen=True)
class BranchResult:
    """A branch's appraisal of a year, as the 三好 rating counts it."""

    held: bool  # confirmed by the general meeting
    graded: int
    excellent: int
    qualified: int

    @property
    def good_share(self) -> float:
        """The share of graded members graded excellent or qualified (0 when none)."""
        return (self.excellent + self.qualified) / self.graded if self.graded else 0.0


def branch_result(org_id: int, year: int, on: dt.date | None = None) -> BranchResult:
    """The branch's appraisal of `year`: whether its general meeting confirmed it (by `on`, when
    given: a rating as of a day counts what was confirmed by then), and its grades. The 三好
    rating (guidance.ratings.measures) may count it.

    A branch under a general branch that held the year's appraisal for everyone under it (a
    branch and one above it never both hold one: services.open_round) reads that round: its
    members were appraised there. The figures are the whole round's, as its roll does not say
    which branch each member was in."""
    # The branch and those above it: the organisations whose path begins the branch's.
    along_path = Organization.objects.filter(pk=org_id, path__startswith=OuterRef("organization__path"))
    held = Round.objects.filter(Exists(along_path), year=year, step=Step.CONFIRMED)
    if on is not None:
        held = held.filter(confirmed_on__lte=on)
    # The branch's own round first, else the nearest above it.
    found = held.order_by("-organization__path").values_list("pk", flat=True).first()
    if found is None:
        return BranchResult(False, 0, 0, 0)
    counts = Participant.objects.filter(round_id=found, part=Part.MEMBER).aggregate(
        graded=Count("pk"),
        excellent=Count("pk", filter=Q(grade=Grade.EXCELLENT)),
        qualified=Count("pk", filter=Q(grade=Grade.QUALIFIED)),
    )
    return BranchResult(True, counts["graded"], counts["excellent"], counts["qualified"])


def rounds_of_year(qs: QuerySet[Round], year: int) -> QuerySet[Round]:
    """A year's rounds (of a scoped queryset), with their figures, by branch: the overview."""
    return with_counts(qs.filter(year=year).select_related("organization")).order_by("organization__path", "pk")


def open_parts(person_id: int) -> QuerySet[Participant]:
    """The person's member lines in rounds taking self-assessments or in their mutual assessment
    (to-do: a self-assessment not written yet, peers to comment on)."""
    return Participant.objects.filter(
        person_id=person_id,
        part__in=[Part.MEMBER, Part.PROBATIONARY],
        round__step__in=[Step.SELF, Step.MUTUAL],
    ).select_related("round__organization")


def open_ballots(person_id: int) -> list[Round]:
    """Rounds whose rating is open and where the person has not voted yet (to-do)."""
    poll_ids = [v.poll_id for v in ballot_selectors.open_lines_of(person_id)]
    if not poll_ids:
        return []
    return list(Round.objects.filter(poll_id__in=poll_ids, step=Step.VOTE).select_related("organization"))
