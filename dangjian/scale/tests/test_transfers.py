"""Transfers of the generated dataset follow the rules a service would enforce (another branch,
validity, one letter on its way per member, the records moved for an accepted one), and the
transfers benchmark group runs."""

from __future__ import annotations

import pytest

from dangjian.people.models import Membership
from dangjian.scale import bench, dataset
from dangjian.scale import transfers as transfers_bench
from dangjian.testing.scale import TWO_COUNTIES
from dangjian.transfers import rules
from dangjian.transfers.models import Transfer


@pytest.mark.django_db
def test_generated_letters_follow_the_rules_and_the_group_runs():
    result = dataset.generate(TWO_COUNTIES, 12)
    letters = list(Transfer.objects.select_related("from_org", "to_org"))
    assert len(letters) == result.counts.transfers > 0
    assert sum(t.status == "issued" for t in letters) == result.counts.open_transfers > 0
    for t in letters:
        assert t.from_org_id != t.to_org_id
        assert rules.validity_error(t.issued_on, t.valid_until) is None
        if t.status == "accepted":
            ended = Membership.objects.get(person=t.person, organization=t.from_org, ended_on=t.done_on)
            assert ended.end_reason == "transferred"
            now = Membership.objects.get(person=t.person, ended_on__isnull=True)
            assert (now.organization_id, now.joined_org_on) == (t.to_org_id, t.done_on)
        else:
            assert t.person.party_org_id == t.from_org_id
    issued = [t.person_id for t in letters if t.status == "issued"]
    assert len(issued) == len(set(issued))
    assert len({t.number for t in letters}) == len(letters)
    world = bench.find_world_of(TWO_COUNTIES)
    s = bench.Settings(seconds=0.0, min_runs=1, max_runs=1)
    names = [f.scenario for f in transfers_bench.run_on(world, s)]
    assert {"transfers.list.all", "transfers.list.open", "sql.transfers.list.all"} <= set(names)
