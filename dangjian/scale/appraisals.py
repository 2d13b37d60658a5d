"""The democratic appraisal at scale (benchmark group `appraisal`), on last year's appraisals the
generator writes in every branch (scale/appraisal_rows.py):

- `appraisal.round`: what the round page reads for its officers, for the round with the largest
  roll (appraisal.views._round_page: the roll, the tally per member and grade, the cap's count,
  the rating's roll size).
- `appraisal.overview`: the county organisation department's rounds of last year with their
  figures (graded, written, excellent), the list page's query (selectors.with_counts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from dangjian.access.scopes import scope
from dangjian.appraisal import selectors
from dangjian.appraisal.models import Round, Step
from dangjian.ballots import selectors as ballot_selectors

from .bench import Figure, Settings, World, measured

# --- the benchmark ---------------------------------------------------------------------------------


def queries(fn: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def largest_round() -> Round | None:
    return (
        Round.objects.filter(step=Step.CONFIRMED)
        .annotate(roll=Count("participants"))
        .select_related("organization", "poll")
        .order_by("-roll", "pk")
        .first()
    )


def run_on(world: World, s: Settings) -> Iterator[Figure]:
    r = largest_round()
    if r is None:
        return
    user = world.county.user

    def round_page(_i: int) -> Any:
        roll = selectors.roll(r)
        assert r.poll is not None
        return (
            roll,
            selectors.tally(r),
            selectors.excellent_cap(r),
            ballot_selectors.roll_size(r.poll),
        )

    n_page = queries(lambda: round_page(0))
    size = getattr(r, "roll", 0)
    fig = measured("appraisal.round", round_page, s, note=f"{n_page} queries; a roll of {size:,}")
    fig.detail = {"queries": n_page, "roll": size}
    yield fig

    def overview(_i: int) -> list[Round]:
        return list(selectors.rounds_of_year(scope(user, Round.objects.all()), r.year))

    n_list = queries(lambda: overview(0))
    listed = len(overview(0))
    fig = measured("appraisal.overview", overview, s, note=f"{n_list} queries; {listed} branches")
    fig.detail = {"queries": n_list, "rounds": listed}
    yield fig
