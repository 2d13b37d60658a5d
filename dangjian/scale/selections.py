"""Pacesetter selections at scale (issue 18): casting a ballot in the generated round with the
largest roll (5,104 voters at prefecture scale, 5,000 ballots cast) against the floor of an
audited write, counting its ballots, and the reads of the round list and of a round's page.

- `floor.audited_write`: the cheapest audited write the stack makes — one user's language set
  through access.services (one row updated, one audit event, one transaction).
- `selections.cast`: ballots.services.cast for a voter of the round who has not voted — the poll
  and its questions checked, the roll line claimed, the ballot and its marks stored, the audit
  event — as a voter's request makes it after reading their roll line. The issue's target: at
  most 3× the floor.
- `selections.count`: ballots.services.count of the round — close, count every stored ballot with
  its digest, keep the tally — and `selections.recount`, the same count made again by anyone with
  the right (ballots.selectors.recount). The issue's target: at most 1 s for 5,000 ballots.
- `selections.rounds` and `selections.round`: the scoped round list of the county's organisation
  department and what a round's page reads (categories with their nominees, nominations, results,
  objections, the roll's size).

Every write runs in a transaction rolled back afterwards, so the dataset stays as generated and
each cast finds its voter not yet voted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from dangjian.access import services as access_services
from dangjian.access.scopes import scope
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import Voter
from dangjian.selections import selectors
from dangjian.selections.models import Phase, Round

from .bench import Figure, Settings, World, measured, rolled_back


def bench_round() -> Round | None:
    """The round in its vote with the largest roll (the generator writes one in the first county's
    largest enterprise and in every enterprise of 5,000 employees or more)."""
    return (
        Round.objects.filter(phase=Phase.VOTE, poll__isnull=False)
        .annotate(roll=Count("poll__voters"))
        .select_related("poll", "enterprise", "organization")
        .order_by("-roll", "pk")
        .first()
    )


def queries(fn: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def run_on(world: World, s: Settings) -> Iterator[Figure]:
    r = bench_round()
    if r is None or r.poll is None:
        return
    poll = r.poll
    roll, voted = ballot_selectors.roll_size(poll)
    user = world.county.user

    def audited_write(_i: int) -> None:
        with rolled_back():
            language = "en" if user.language != "en" else "zh-hans"
            access_services.set_language(actor=None, user=user, language=language)

    n_floor = queries(lambda: audited_write(0))
    floor = measured("floor.audited_write", audited_write, s, note=f"{n_floor} queries")
    floor.detail = {"queries": n_floor}
    yield floor

    # The voters still to vote, each line read as a voter's request reads it, and a ballot each.
    lines: list[Voter] = [
        line
        for v in ballot_selectors.unvoted(poll)[:200]
        if (line := ballot_selectors.voter_line(poll, v.person_id)) is not None
    ]
    options = [(q.pk, [o.pk for o in q.options.all()]) for q in ballot_selectors.questions(poll)]

    def cast(i: int) -> str:
        line = lines[i % len(lines)]
        choices: dict[int, int | None] = {qid: opts[(i + k) % len(opts)] for k, (qid, opts) in enumerate(options)}
        with rolled_back():
            return ballots.cast(actor=None, voter=line, choices=choices)

    if lines:
        n_cast = queries(lambda: cast(0))
        fig = measured(
            "selections.cast",
            cast,
            s,
            note=f"{n_cast} queries; a roll of {roll:,}, {voted:,} voted, {len(options)} questions",
        )
        fig.floor, fig.ratio = floor.scenario, fig.median_ms / floor.median_ms if floor.median_ms else None
        fig.detail = {"queries": n_cast, "roll": roll, "voted": voted}
        yield fig

    def count(_i: int) -> Any:
        with rolled_back():
            return ballots.count(actor=None, poll=poll)

    n_count = queries(lambda: count(0))
    fig = measured("selections.count", count, s, note=f"{n_count} queries; {voted:,} ballots")
    fig.detail = {"queries": n_count, "ballots": voted}
    yield fig
    n_recount = queries(lambda: ballot_selectors.recount(poll))
    fig = measured(
        "selections.recount",
        lambda _i: ballot_selectors.recount(poll),
        s,
        note=f"{n_recount} queries; {voted:,} ballots",
    )
    fig.detail = {"queries": n_recount, "ballots": voted}
    yield fig

    # The county organisation department's round list, and what a round's page reads.
    def round_list(_i: int) -> list[Round]:
        return list(selectors.rounds(scope(user, Round.objects.all())))

    n_list = queries(lambda: round_list(0))
    listed = len(round_list(0))
    fig = measured("selections.rounds", round_list, s, note=f"{n_list} queries; {listed} rounds")
    fig.detail = {"queries": n_list, "rounds": listed}
    yield fig

    # The page of the announced round with the largest roll (with its results), or of this one.
    shown = (
        Round.objects.filter(phase=Phase.ANNOUNCED, poll__isnull=False)
        .annotate(roll=Count("poll__voters"))
        .select_related("poll")
        .order_by("-roll", "pk")
        .first()
    ) or r

    def round_page(_i: int) -> Any:
        assert shown.poll is not None
        return (
            selectors.categories(shown),
            list(selectors.nominations(shown)),
            selectors.results(shown),
            list(selectors.objections(shown)),
            ballot_selectors.roll_size(shown.poll),
        )

    n_page = queries(lambda: round_page(0))
    fig = measured(
        "selections.round",
        round_page,
        s,
        note=f"{n_page} queries; a round of {getattr(shown, 'roll', roll):,} voters, {shown.get_phase_display()}",
    )
    fig.detail = {"queries": n_page}
    yield fig
