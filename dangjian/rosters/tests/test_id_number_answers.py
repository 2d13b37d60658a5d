"""A roster's rows answer "is this ID number registered?" as the person form does
(people/tests/test_id_number_oracle.py): a row of someone outside the uploader's scope is
rejected as registered outside their organisation, audited, and counted against the hourly
limit; once it is used up, every further row's number pauses alike, registered or not."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dangjian.testing.factories import PersonFactory, make_id_number
from dangjian.testing.id_numbers import ELSEWHERE, NOON, answers, b_people
from dangjian.testing.rosters import xlsx

pytestmark = pytest.mark.usefixtures("a_in_english")


def test_an_import_answers_alike_counts_against_the_limit_and_then_pauses(world, upload, settings):
    settings.ID_NUMBER_ELSEWHERE_PER_HOUR = 1
    people_of_b = b_people(world, 2)
    new_number = make_id_number(dt.date(1994, 6, 7), "F", 902)
    rows = [
        [1, "甲", "女", "汉族", people_of_b[0].id_number, "", "", "", "", ""],
        [2, "乙", "女", "汉族", people_of_b[1].id_number, "", "", "", "", ""],
        [3, "丙", "女", "汉族", new_number, "", "", "", "", ""],
    ]
    with time_machine.travel(NOON, tick=False):
        imp = upload(world.a.manager, world.a.enterprise, xlsx(rows))
    got = {r.row_number: r for r in imp.rows.all()}
    assert ELSEWHERE in got[2].problems[0]["message"]
    for row in (3, 4):  # the limit reached: a registered and an unregistered number alike
        assert got[row].outcome == "rejected"
        assert "paused until 2026-03-10 13:00" in got[row].problems[0]["message"]
    assert people_of_b[0].name not in str(got[2].problems)
    (event,) = answers(world.a.manager)
    assert event.object_id == str(people_of_b[0].pk)


def _check_queries(world, upload, count: int, serial: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    born = dt.date(1992, 4, 5)
    elsewhere = [
        PersonFactory(
            employer=world.b.enterprise, birth_date=born, gender="F", id_number=make_id_number(born, "F", serial + n)
        )
        for n in range(count)
    ]
    rows = [[n, f"人{n}", "女", "汉族", p.id_number, "", "", "", "", ""] for n, p in enumerate(elsewhere, 1)]
    manager = world.a.manager  # read afresh for each file: its roles are cached on the instance
    with time_machine.travel(NOON, tick=False), CaptureQueriesContext(connection) as ctx:
        imp = upload(type(manager).objects.get(pk=manager.pk), world.a.enterprise, xlsx(rows))
    assert imp.rows.filter(outcome="rejected").count() == count
    return len(ctx.captured_queries)


def test_rows_of_people_from_elsewhere_cost_no_query_each(world, upload, settings):
    """A hostile file of 200,000 numbers from elsewhere must not cost 400,000 look-ups: the
    chunk's people are looked up and scoped once, and past the hour's quota nothing more is asked."""
    settings.ID_NUMBER_ELSEWHERE_PER_HOUR = 1
    few = _check_queries(world, upload, 3, serial=100)
    from django.core.cache import cache

    cache.clear()  # the quota starts afresh for the second file
    many = _check_queries(world, upload, 12, serial=200)
    assert many == few
