"""A vote closed while a ballot is being cast: the close waits for the cast to commit, so the
count has the ballot of every voter it counts as having voted (PostgreSQL; SQLite runs one
writer at a time, so there the close cannot begin while a cast is open)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from dangjian.ballots import selectors, services
from dangjian.testing.factories import PersonFactory

pytestmark = [
    pytest.mark.usefixtures("transactional_db"),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's row locks; SQLite has one writer"),
]
WAIT = 20


def test_a_close_waits_for_the_cast_in_flight_and_the_count_has_its_ballot():
    people = PersonFactory.create_batch(2)
    poll = services.open_poll(
        actor=None,
        title="学习型标兵",
        org_path="/1/",
        questions=[services.QuestionSpec("学习型", "1", [("李晓燕", "10")])],
        voters=[p.pk for p in people],
    )
    [question] = selectors.questions(poll)
    [option] = question.options.all()
    cast_done, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def cast() -> None:
        try:
            with transaction.atomic():
                services.cast(
                    actor=None, voter=selectors.voter_line(poll, people[0].pk), choices={question.pk: option.pk}
                )
                cast_done.set()
                release.wait(WAIT)  # the cast is stored but not yet committed
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connection.close()

    tallies: list[selectors.Tally] = []

    def count() -> None:
        try:
            tallies.append(services.count(actor=None, poll=poll))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    caster = threading.Thread(target=cast)
    caster.start()
    assert cast_done.wait(WAIT)
    counter = threading.Thread(target=count)
    counter.start()
    time.sleep(0.5)
    assert counter.is_alive(), "the close did not wait for the cast in flight"
    release.set()
    caster.join(WAIT)
    counter.join(WAIT)
    assert not errors, errors
    [tally] = tallies
    assert (tally.turnout, tally.ballots) == (1, 1) and tally.option_votes(question.pk) == {option.pk: 1}
