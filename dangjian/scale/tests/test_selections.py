"""Pacesetter rounds of the generated dataset follow the rounds' and the ballot engine's rules (the
roll is the enterprise's employees, the stored count is what anyone counting again gets, the
committee confirmed as many as the places), the benchmark's open round takes a ballot and a count
through the services, and the selections benchmark group runs with query counts that do not grow
with the ballots."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import Ballot, PollState, Voter
from dangjian.scale import bench, dataset, selections
from dangjian.selections import selectors
from dangjian.selections.models import Decision, NominationKind, Phase, Round
from dangjian.testing.scale import TWO_COUNTIES

TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


@pytest.fixture
def generated(db):
    return dataset.generate(TWO_COUNTIES, 11)


def test_generated_rounds_follow_the_rules(generated):
    c = generated.counts
    rounds = list(Round.objects.select_related("poll", "enterprise__party_org", "organization"))
    assert len(rounds) == c.selection_rounds >= 2 and c.open_votes == 1
    # The rounds' ballots (the appraisals' ratings have theirs: test_appraisals.py).
    assert Ballot.objects.filter(poll__round__isnull=False).count() == c.ballots
    for r in rounds:
        assert r.poll is not None and r.enterprise.party_org is not None
        assert r.enterprise.party_org.path.startswith(r.organization.path)
        # The roll is the enterprise's employees; as many ballots as voters marked on it.
        roll = set(Voter.objects.filter(poll=r.poll).values_list("person_id", flat=True))
        assert roll == set(selectors.eligible(r, r.voters).values_list("pk", flat=True))
        size, voted = ballot_selectors.roll_size(r.poll)
        assert 0 < voted <= size and Ballot.objects.filter(poll=r.poll).count() == voted
        eligible = set(selectors.eligible(r, r.nominees).values_list("pk", flat=True))
        for n in r.nominations.select_related("nominee", "nominated_by"):
            assert n.nominee_id in eligible and n.nominated_by is not None
            if n.kind == NominationKind.SELF:
                assert n.nominated_by_id == n.nominee_id
            else:
                assert n.nominated_by_id != n.nominee_id and n.nominated_by.employer_id == r.enterprise_id
            if n.kind == NominationKind.TEAM_LEADER:
                assert n.nominated_by.team_id == n.nominee.team_id is not None
            assert n.evidence.exists()
        if r.phase == Phase.VOTE:
            assert r.poll.state == PollState.OPEN and not r.results.exists()
            continue
        # Announced: the count kept is the count anyone makes again; the places confirmed.
        assert r.phase == Phase.ANNOUNCED and r.poll.state == PollState.COUNTED
        same, stored, _again = ballot_selectors.recount_agrees(r.poll)
        assert same and stored.turnout == voted
        assert selectors.pending_review(r) == 0
        for category in r.categories.all():
            results = list(category.results.all())
            assert len(results) == category.nominations.count() >= 2
            confirmed = [x for x in results if x.decision == Decision.CONFIRMED]
            assert len(confirmed) == category.quota and all(x.elected or x.tied for x in confirmed)
            assert all(x.decided_on and x.decided_on < r.noticed_on for x in confirmed)
        assert r.noticed_on is not None and r.announced_on is not None and r.notice_until is not None
        assert r.vote_until < r.noticed_on <= r.notice_until < r.announced_on <= dataset.GUIDANCE_DAY


def test_the_open_round_takes_a_ballot_once_and_counts_as_its_stored_ballots(generated):
    r = selections.bench_round()
    assert r is not None and r.poll is not None and r.phase == Phase.VOTE
    roll, voted = ballot_selectors.roll_size(r.poll)
    assert voted == min(dataset.BENCH_BALLOTS, roll - dataset.BENCH_LEFT)
    line = ballot_selectors.unvoted(r.poll)[0]
    choices = {q.pk: q.options.all()[0].pk for q in ballot_selectors.questions(r.poll)}
    with transaction.atomic():
        receipt = ballots.cast(actor=None, voter=line, choices=choices)
        with translation.override("en"), pytest.raises(ValidationError, match="one person, one vote"):
            ballots.cast(actor=None, voter=ballot_selectors.voter_line(r.poll, line.person_id), choices=choices)
        tally = ballots.count(actor=None, poll=r.poll)
        assert (tally.roll, tally.turnout, tally.ballots) == (roll, voted + 1, voted + 1)
        assert ballot_selectors.receipt_counted(r.poll, receipt)
        assert ballot_selectors.recount_agrees(r.poll)[0]
        transaction.set_rollback(True)
    assert ballot_selectors.roll_size(r.poll) == (roll, voted)


def test_a_cast_is_five_statements_whatever_the_roll(generated):
    r = selections.bench_round()
    assert r is not None and r.poll is not None
    line = ballot_selectors.voter_line(r.poll, ballot_selectors.unvoted(r.poll)[0].person_id)
    choices = {q.pk: None for q in ballot_selectors.questions(r.poll)}
    ballot_selectors.question_options(r.poll)  # read once per process: a poll's options never change
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        ballots.cast(actor=None, voter=line, choices=choices)
        transaction.set_rollback(True)
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]
    # The roll line claimed while the poll is open (one statement), the ballot, its marks, and
    # the audit event (its id taken, then written).
    assert len(statements) == 5, statements


def test_the_selections_group_runs_and_its_queries_do_not_grow_with_the_ballots(generated):
    world = bench.find_world_of(TWO_COUNTIES)
    figures = {f.scenario: f for f in selections.run_on(world, bench.SHORT)}
    assert set(figures) == {
        "floor.audited_write",
        "selections.cast",
        "selections.count",
        "selections.recount",
        "selections.rounds",
        "selections.round",
    }
    cast = figures["selections.cast"]
    assert cast.floor == "floor.audited_write" and cast.ratio is not None and cast.ratio > 0
    recount = figures["selections.recount"].detail
    assert recount is not None and recount["ballots"] > 0 and recount["queries"] == 3
    county = Round.objects.filter(organization__path__startswith=world.county.org.path).count()
    assert figures["selections.rounds"].detail == {"queries": 2, "rounds": county} and county >= 1
    # The round stays as generated: every cast and count was rolled back.
    r = selections.bench_round()
    assert r is not None and r.poll is not None and r.poll.state == PollState.OPEN
    assert ballot_selectors.roll_size(r.poll)[1] == figures["selections.cast"].detail["voted"]
