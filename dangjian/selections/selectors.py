"""Reads of pacesetter selections: who is eligible, a round's nominations, results and objections,
the honours a person holds, the rounds of a branch or an enterprise, and what each person has to
do (a ballot to cast, a nomination to answer, a review or an objection to handle). Callers pass
querysets already narrowed by access.scopes where a list is shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from dangjian.ballots import selectors as ballot_selectors
from dangjian.choices import PARTY_MEMBER_STATUSES
from dangjian.people.models import Person

from .models import (
    Category,
    Decision,
    Eligible,
    Evidence,
    EvidenceFile,
    Nomination,
    NominationStatus,
    Objection,
    Phase,
    Result,
    Round,
)


def eligible(r: Round, which: str) -> QuerySet[Person]:
    """The people a round's nominee or voter rule (`Eligible`) names, as of now: the enterprise's
    employees, the members of the organising organisation's subtree, or both."""
    employees = Q(employer_id=r.enterprise_id)
    members = Q(party_org__path__startswith=r.organization.path, political_status__in=PARTY_MEMBER_STATUSES)
    rules: dict[str, Q] = {Eligible.EMPLOYEES: employees, Eligible.MEMBERS: members}
    q = rules.get(which, employees | members)
    return Person.objects.filter(q)


def categories(r: Round) -> list[Category]:
    """The round's categories, each with its standing nominations (nominee and nominator)."""
    standing = Nomination.objects.filter(status=NominationStatus.STANDING).select_related("nominee", "nominated_by")
    return list(r.categories.prefetch_related(Prefetch("nominations", queryset=standing, to_attr="standing")))


def nominations(r: Round) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(round=r)
        .select_related("category", "nominee", "nominated_by", "nominee__team")
        .annotate(evidence_count=Count("evidence"))
        .order_by("category__order", "nominee__name", "pk")
    )


def nomination_detail(r: Round, pk: int) -> Nomination | None:
    return (
        Nomination.objects.filter(round=r, pk=pk)
        .select_related("category", "nominee", "nominated_by")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.prefetch_related(
                    Prefetch("files", queryset=EvidenceFile.objects.defer("sealed_file"))
                ),
            )
        )
        .first()
    )


def results(r: Round) -> list[Result]:
    return list(
        Result.objects.filter(round=r)
        .select_related("category", "nomination__nominee")
        .order_by("category__order", "rank", "pk")
    )


def winners(r: Round) -> list[Result]:
    """The confirmed results: the notice's and the announcement's list."""
    return [res for res in results(r) if res.decision == Decision.CONFIRMED]


def pending_review(r: Round) -> int:
    """Results the committee must still decide: those within the places or tied for the last."""
    return Result.objects.filter(round=r, decision=Decision.PENDING).filter(Q(elected=True) | Q(tied=True)).count()


def objections(r: Round) -> QuerySet[Objection]:
    return Objection.objects.filter(round=r).select_related("result__nomination__nominee", "raised_by", "answered_by")


def rounds(qs: QuerySet[Round]) -> QuerySet[Round]:
    """A scoped list of rounds with what the list shows."""
    return (
        qs.select_related("enterprise", "organization", "poll")
        .annotate(
            standing=Count("nominations", filter=Q(nominations__status=NominationStatus.STANDING), distinct=True),
            winners=Count("results", filter=Q(results__decision=Decision.CONFIRMED), distinct=True),
        )
        .order_by("-opens_on", "-pk")
    )


@dataclass(frozen=True)
class Honour:
    round_id: int
    round_title: str
    category: str
    announced_on: Any
    enterprise: str


def honours_of(person_id: int) -> list[Honour]:
    """The titles a person won: confirmed results of announced rounds, newest first."""
    rows = (
        Result.objects.filter(
            nomination__nominee_id=person_id, decision=Decision.CONFIRMED, round__phase=Phase.ANNOUNCED
        )
        .select_related("round__enterprise", "category")
        .order_by("-round__announced_on", "category__order")
    )
    return [
        Honour(
            res.round_id, res.round.title, res.category.name, res.round.announced_on, res.round.enterprise.display_name
        )
        for res in rows
    ]


def open_ballots(person_id: int) -> list[tuple[Round, Any]]:
    """The rounds in their vote phase where the person is on the roll and has not voted."""
    lines = ballot_selectors.open_lines_of(person_id)
    if not lines:
        return []
    by_poll = {r.poll_id: r for r in Round.objects.filter(poll_id__in=[v.poll_id for v in lines], phase=Phase.VOTE)}
    return [(by_poll[v.poll_id], v) for v in lines if v.poll_id in by_poll]


def nominations_to_answer(person_id: int) -> list[Nomination]:
    """A nominee's standing nominations in rounds still before the vote (to add evidence or decline)."""
    return list(
        Nomination.objects.filter(
            nominee_id=person_id,
            status=NominationStatus.STANDING,
            round__phase__in=[Phase.NOMINATION, Phase.EVIDENCE],
            evidence__isnull=True,
        ).select_related("round", "category")
    )
