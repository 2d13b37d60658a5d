"""A vote's tally as the count page and `manage.py recount_round` show it: by category, each
nominee's votes and rank (a tie at the last place flagged: the committee decides it), and the
ballots that chose nobody in the category. Only ever of a counted vote (views_vote.count)."""

from __future__ import annotations

from dataclasses import dataclass

from dangjian.ballots import rules as ballot_rules
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots.models import Poll

from .models import Round


@dataclass(frozen=True)
class Line:
    label: str
    votes: int
    rank: int
    tied: bool
    within: bool  # within the category's places, untied


@dataclass(frozen=True)
class CategoryCount:
    label: str
    quota: int
    lines: list[Line]
    blank: int


def category_counts(r: Round, poll: Poll, tally: ballot_selectors.Tally) -> list[CategoryCount]:
    """The tally by category, in the ballot's order, nominees by votes."""
    quotas = {str(c.pk): c.quota for c in r.categories.all()}
    rows = []
    for q in ballot_selectors.questions(poll):
        quota = quotas.get(q.ref, q.max_choices)
        labels = {o.pk: o.label for o in q.options.all()}
        counted = tally.option_votes(q.pk)
        votes = {oid: counted.get(oid, 0) for oid in labels}
        lines = [
            Line(labels[oid], n, rank, tied, n > 0 and rank <= quota and not tied)
            for oid, n, rank, tied in ballot_rules.ranked(votes, quota)
        ]
        rows.append(CategoryCount(q.label, quota, lines, tally.votes.get(q.pk, {}).get(None, 0)))
    return rows
