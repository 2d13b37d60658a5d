"""The dues in the generated dataset, and the dues benchmark group: a year of charges for every
member, a share unpaid (some six months: flagged), and the group's floors read the same rows the
ledger and the unpaid list show."""

from __future__ import annotations

import pytest
from django.db import connection

from dangjian.dues import selectors
from dangjian.dues.models import Charge, DuesBase
from dangjian.scale import bench, dataset, dues
from dangjian.testing.scale import TWO_COUNTIES


@pytest.fixture
def generated(db):
    return dataset.generate(TWO_COUNTIES, 12)


def test_a_year_of_dues_for_every_member_and_the_group_runs(generated):
    assert generated.counts.dues_charges == Charge.objects.count() > 0
    with connection.cursor() as cursor:  # stored as the app stores it: encrypted
        cursor.execute("SELECT base_pay FROM dues_duesbase LIMIT 1")
        assert cursor.fetchone()[0].startswith("v1:")
    assert DuesBase.objects.first().pay > 0
    world = bench.find_world_of(TWO_COUNTIES)
    month = dues.last_month()
    branch = dues.busiest_branch(world.widest.org.path, month)
    assert dues.ledger_sql(branch.path, month) == len(selectors.ledger(branch, month))
    assert dues.unpaid_sql(world.county.org.path, month) == len(selectors.unpaid_list(world.county.org, month))
    assert selectors.unpaid_list(world.county.org, month)
    figures = {f.scenario: f for f in dues.run_on(world, bench.SHORT)}
    assert set(figures) == {
        "sql.dues.ledger",
        "dues.ledger",
        "sql.dues.unpaid.county",
        "dues.unpaid.county",
        "dues.statement.year",
    }
    assert figures["dues.ledger"].ratio is not None
