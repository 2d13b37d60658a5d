"""Last year's appraisals of the generated dataset follow the appraisal's rules (every branch with
full members has one, confirmed; at most one third excellent; probationary members on the roll,
not graded; the stored count is what anyone counting again gets), and the appraisal benchmark
group runs with query counts that do not grow with the roll."""

from __future__ import annotations

import pytest

from dangjian.appraisal import rules
from dangjian.appraisal.models import Grade, Part, Round, Step
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots.models import Ballot
from dangjian.scale import appraisals, bench, dataset
from dangjian.testing.scale import TWO_COUNTIES


@pytest.fixture
def generated(db):
    return dataset.generate(TWO_COUNTIES, 11)


def test_generated_appraisals_follow_the_rules_and_the_benchmark_runs(generated):
    c = generated.counts
    rounds = list(Round.objects.select_related("poll"))
    assert len(rounds) == c.appraisals >= 2
    assert Ballot.objects.filter(poll__appraisal_round__isnull=False).count() == c.appraisal_ballots
    for r in rounds:
        assert r.step == Step.CONFIRMED and r.year == dataset.GUIDANCE_DAY.year - 1
        graded = r.participants.filter(part=Part.MEMBER)
        assert graded.filter(grade=Grade.EXCELLENT).count() <= rules.excellent_cap(graded.count())
        assert not r.participants.filter(part=Part.PROBATIONARY).exclude(grade="").exists()
        assert ballot_selectors.recount_agrees(r.poll)[0]
    world = bench.find_world_of(TWO_COUNTIES)
    figures = {f.scenario: f for f in appraisals.run_on(world, bench.SHORT)}
    assert set(figures) == {"appraisal.round", "appraisal.overview"}
    assert figures["appraisal.round"].detail["queries"] == 6
    county = Round.objects.filter(organization__path__startswith=world.county.org.path).count()
    assert figures["appraisal.overview"].detail == {"queries": 2, "rounds": county} and county >= 1
