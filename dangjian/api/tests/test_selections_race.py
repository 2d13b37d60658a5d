"""Two casts for one voter at the same moment: exactly one counts (issue 18, "a race of two at
once: exactly one counts, tested with two concurrent requests on PostgreSQL").

Two threads, each with its own database connection (and its own token: the voter's phone and
laptop), fire the same cast together. Both requests read the voter's roll line unvoted before
either claims it — a barrier inside the look-up holds each until the other has read — so nothing
but the claim itself (one conditional update, ballots.services._claim) can decide. The requests
commit for real, so the test database is transactional.

On PostgreSQL (CI's second run) the later claim waits for the earlier one's commit on the row,
then finds the line voted: 422 "has voted already". SQLite has one writer at a time: a file
database makes the second wait (its busy timeout) and then refuses it alike; the test suite's
in-memory database (a shared cache) refuses it at once as busy, 503 "try again" with nothing
stored — unless the first has committed before the second begins, which is the 422 again. Either
way exactly one ballot counts."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from dangjian.audit.models import AuditEvent
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots.models import Ballot, Mark, Voter
from dangjian.selections.models import Builtin
from dangjian.testing.api import API
from dangjian.testing.factories import UserFactory
from dangjian.testing.selections import in_vote

pytestmark = pytest.mark.usefixtures("transactional_db")

EN = {"accept-language": "en"}
WAIT = 20  # seconds a thread waits for the other at a barrier before the test fails


def test_two_casts_for_one_voter_at_once_count_once(world, api_as, monkeypatch):
    r = in_vote(world.a)
    voter = UserFactory(username="worker_a", person=world.a.worker)
    phone, laptop = api_as(voter, **EN), api_as(voter, **EN)
    learning = r.nominations.get(category__builtin=Builtin.LEARNING)
    url = f"{API}/selections/rounds/{r.pk}/ballot"
    body = {"choices": [{"category_id": learning.category_id, "nomination_id": learning.pk}]}

    start, both_read = threading.Barrier(2, timeout=WAIT), threading.Barrier(2, timeout=WAIT)
    read_line = ballot_selectors.voter_line

    def voter_line(poll, person_id):
        line = read_line(poll, person_id)
        both_read.wait()  # each request holds the line, still unvoted, until the other has read it too
        return line

    monkeypatch.setattr(ballot_selectors, "voter_line", voter_line)
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    responses: dict[str, object] = {}

    def cast(name: str, client) -> None:
        try:
            start.wait()
            responses[name] = client.post(url, body)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=cast, args=(name, c)) for name, c in (("phone", phone), ("laptop", laptop))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 3)
    assert not any(t.is_alive() for t in threads), "a request never finished"
    monkeypatch.undo()

    answers = sorted(((resp.status_code, resp.json()) for resp in responses.values()), key=lambda a: a[0])
    refusals = {422, 503} if connection.vendor == "sqlite" else {422}
    assert answers[0][0] == 200 and answers[1][0] in refusals, answers
    (_, counted), (status, refused) = answers
    assert set(counted) == {"receipt"}
    if status == 422:
        assert refused["message"] == "A工人 has voted already in this vote: one person, one vote."
    else:
        assert refused["code"] == "busy"
    # One ballot, with its one mark per question; the voter marked once, and recorded once.
    assert Ballot.objects.filter(poll=r.poll).count() == 1
    assert Mark.objects.filter(ballot__poll=r.poll).count() == len(ballot_selectors.questions(r.poll))
    assert Voter.objects.filter(poll=r.poll, voted=True).count() == 1
    assert Voter.objects.get(poll=r.poll, person=world.a.worker).voted
    votes = AuditEvent.objects.filter(pk__gt=last_event, object_type="ballots.Voter")
    assert [e.changes for e in votes] == [{"voted": [False, True]}]
    # The count agrees: one ballot for one voter who voted.
    tally = ballot_selectors.recount(r.poll)
    assert (tally.turnout, tally.ballots) == (1, 1)
