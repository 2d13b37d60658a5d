"""The guidance benchmark group runs on a generated world: the largest county's appraisal list,
one row per generated instructor, in the list's fixed number of queries."""

from __future__ import annotations

import pytest

from dangjian.access.models import Role, RoleAssignment
from dangjian.organizations.selectors import enterprises_under
from dangjian.scale import bench, dataset, guidance
from dangjian.testing.scale import TWO_COUNTIES


@pytest.fixture
def generated(db):
    return dataset.generate(TWO_COUNTIES, 11)


def test_the_guidance_group_runs(generated):
    world = bench.find_world_of(TWO_COUNTIES)
    figures = {f.scenario: f for f in guidance.run_on(world, bench.SHORT, http=False)}
    assert set(figures) == {"guidance.appraisal_rows"}
    detail = figures["guidance.appraisal_rows"].detail
    instructors = RoleAssignment.objects.filter(
        role=Role.INSTRUCTOR, enterprise_id__in=enterprises_under(world.county.org.path)
    ).count()
    assert detail == {"queries": 5, "instructors": instructors} and instructors > 0
