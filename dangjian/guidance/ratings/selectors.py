"""Reads of branch ratings: the schemes a committee may use, its rounds, a round's candidates
with their totals, one candidate's criteria with every reviewer's score, a branch's history, and
the branches a round may add. Lists are narrowed by access.scopes (the resource "rating",
reached through the candidate branch)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from dangjian.access import permissions
from dangjian.access.scopes import VIEW, scope
from dangjian.organizations.models import PARTY_UNIT_KINDS, Organization

from .. import selectors as guidance
from ..models import Candidate, Criterion, Method, RatingRound, RatingScheme, Reviewer, Score

if TYPE_CHECKING:
    from dangjian.access.models import User


def schemes_for(org: Organization) -> QuerySet[RatingScheme]:
    """The built-in schemes and those of the committee or the committees above it."""
    ancestors = [org.path[: i + 1] for i, ch in enumerate(org.path) if ch == "/"]
    return (
        RatingScheme.objects.filter(Q(organization__isnull=True) | Q(organization__path__in=ancestors))
        .select_related("organization")
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk")))
        .order_by("organization_id", "name", "pk")
    )


def criteria_of(scheme: RatingScheme) -> list[Criterion]:
    return list(scheme.criteria.order_by("order", "pk"))


def rounds_of(committee: Organization) -> QuerySet[RatingRound]:
    """The committee's rounds, newest first, each with its candidates and those awarded counted
    (`n_candidates`, `n_awarded`) in the same query."""
    return (
        RatingRound.objects.filter(organization=committee)
        .select_related("scheme", "organization")
        .annotate(
            n_candidates=Count("candidates"),
            n_awarded=Count("candidates", filter=Q(candidates__result=Candidate.Result.AWARDED)),
        )
        .order_by("-year", "-pk")
    )


def visible_candidates(user: User, action: str = VIEW) -> QuerySet[Candidate]:
    return scope(user, Candidate.objects.select_related("organization", "round__scheme", "round__organization"), action)


def my_candidacies(user: User) -> QuerySet[Candidate]:
    """The candidacies the user reads as the branch's, its instructor's or its managers' (not as a
    committee, whose rounds list them): newest round first."""
    return visible_candidates(user).order_by("-round__year", "organization__path")[:30]


def round_candidates(rnd: RatingRound) -> list[Candidate]:
    return list(rnd.candidates.select_related("organization").order_by("-total", "organization__path"))


def branches_for(rnd: RatingRound) -> QuerySet[Organization]:
    """The party organisations under the round's committee that may stand, not yet candidates."""
    return (
        Organization.objects.filter(path__startswith=rnd.organization.path, kind__in=PARTY_UNIT_KINDS)
        .exclude(pk__in=rnd.candidates.values("organization_id"))
        .order_by("path")
    )


def history(branch: Organization) -> QuerySet[Candidate]:
    """Every round the branch stood in, newest first."""
    return (
        Candidate.objects.filter(organization=branch)
        .select_related("round__scheme", "round__organization")
        .order_by("-round__year", "-pk")
    )


@dataclass
class CriterionRow:
    criterion: Criterion
    counted: Score | None = None
    by: dict[str, Score] = field(default_factory=dict)

    @property
    def counted_method(self) -> bool:
        return self.criterion.method == Method.COUNTED

    def of(self, reviewer: str) -> Score | None:
        return self.by.get(reviewer)

    @property
    def result(self) -> Decimal | None:
        """The points the criterion adds to the total: the counted figure's, or the county's."""
        if self.counted_method:
            return self.counted.points if self.counted else None
        county = self.by.get(Reviewer.COUNTY)
        return county.points if county else None


@dataclass
class Sheet:
    """One candidate's score sheet: each criterion with its counted score or its reviewers'."""

    candidate: Candidate
    rows: list[CriterionRow]

    def total(self, reviewer: str | None = None) -> Decimal:
        """The counted points plus the reviewed points given by `reviewer` (None: the result's)."""
        out = Decimal(0)
        for r in self.rows:
            if r.counted_method:
                out += r.counted.points if r.counted else 0
            else:
                s = r.by.get(reviewer) if reviewer else r.by.get(Reviewer.COUNTY)
                out += s.points if s else 0
        return out

    def missing(self, reviewer: str) -> list[Criterion]:
        return [r.criterion for r in self.rows if not r.counted_method and reviewer not in r.by]

    @property
    def totals(self) -> list[tuple[str, Decimal, int]]:
        """Per reviewer: their total and how many reviewed criteria they have yet to score."""
        return [(rev.value, self.total(rev.value), len(self.missing(rev.value))) for rev in Reviewer]


def _sheets(candidates: list[Candidate], criteria: list[Criterion], scores: QuerySet[Score]) -> list[Sheet]:
    by: dict[int, dict[int, CriterionRow]] = {c.pk: {cr.pk: CriterionRow(cr) for cr in criteria} for c in candidates}
    for s in scores:
        row = by.get(s.candidate_id, {}).get(s.criterion_id)
        if row is None:
            continue
        if s.reviewer:
            row.by[s.reviewer] = s
        else:
            row.counted = s
    return [Sheet(c, list(by[c.pk].values())) for c in candidates]


def sheet(candidate: Candidate) -> Sheet:
    """The candidate's criteria with their scores (two queries)."""
    scores = Score.objects.filter(candidate=candidate).select_related("scored_by__person")
    return _sheets([candidate], criteria_of(candidate.round.scheme), scores)[0]


def round_sheets(rnd: RatingRound) -> list[Sheet]:
    """Every candidate of the round with its score sheet, highest total first: three queries
    however many candidates."""
    candidates = round_candidates(rnd)
    scores = Score.objects.filter(candidate__round=rnd).only(
        "candidate_id", "criterion_id", "reviewer", "points", "figure"
    )
    return _sheets(candidates, criteria_of(rnd.scheme), scores)


def rating_committees(user: User) -> QuerySet[Organization]:
    """The committees whose rounds the user keeps or reads (their organisation department's)."""
    return guidance.committee_orgs(user)


def reviewer_of(user: User, candidate: Candidate) -> str | None:
    return permissions.rating_reviewer(user, candidate)


def candidates_under(org: Organization, year: int) -> list[tuple[str, bool]]:
    """Every candidacy of `year`'s rounds of a branch under `org`: the branch's path and whether
    it was awarded (one query; the roll-ups count them)."""
    rows = Candidate.objects.filter(organization__path__startswith=org.path, round__year=year).values_list(
        "organization__path", "result"
    )
    return [(path, result == Candidate.Result.AWARDED) for path, result in rows]


def rating_units(user: User) -> QuerySet[Organization]:
    """The organisations whose candidacies the user may list: those under the committees they
    oversee."""
    return guidance.under_paths(list(rating_committees(user).values_list("path", flat=True)))


def candidates_of(user: User, under: Organization, year: int) -> list[Candidate]:
    """A year's candidacies of the branches under `under`, awarded first."""
    return list(
        visible_candidates(user)
        .filter(organization__path__startswith=under.path, round__year=year)
        .order_by("result", "-total", "organization__path")
    )
