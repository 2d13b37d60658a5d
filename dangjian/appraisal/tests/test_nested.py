"""A general branch (党总支) and a branch under it: a round's roll takes everyone under its branch,
so the two never both hold an appraisal of the same year (either may come first, the other is
refused naming it, on the page and through the API as in the service); a branch under a general
branch that held the year's appraisal reads that round as its result (the 三好 rating's measure)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.appraisal import selectors
from dangjian.appraisal.models import Participant, Round
from dangjian.organizations.models import OrgKind
from dangjian.testing import appraisal as scene
from dangjian.testing.api import API
from dangjian.testing.factories import UserFactory, make_org
from dangjian.testing.members import member


@pytest.fixture
def nested(world):
    """A general branch in the park with one branch under it and two full members in that branch."""
    general = make_org(OrgKind.GENERAL_BRANCH, "A机关党总支", world.park)
    branch = make_org(OrgKind.BRANCH, "A机关第一党支部", general)
    for name in ("甲党员", "乙党员"):
        member(world.a, dt.date(2012, 7, 1), dt.date(2013, 7, 1), name=name, org=branch)
    return SimpleNamespace(general=SimpleNamespace(branch=general), branch=SimpleNamespace(branch=branch))


def test_a_branch_under_a_general_branch_with_the_years_round_is_refused_naming_it(nested):
    scene.round_of(nested.general)
    with pytest.raises(
        ValidationError, match="A机关党总支, which A机关第一党支部 belongs to, has an appraisal for 2026"
    ):
        scene.round_of(nested.branch)
    assert not Round.objects.filter(organization=nested.branch.branch).exists()
    # Another year is another matter.
    scene.round_of(nested.branch, year=2025)


def test_a_general_branch_with_a_branchs_round_under_it_is_refused_naming_it(nested):
    scene.round_of(nested.branch)
    with pytest.raises(ValidationError, match="A机关第一党支部, under A机关党总支, has an appraisal for 2026"):
        scene.round_of(nested.general)
    assert not Round.objects.filter(organization=nested.general.branch).exists()
    # Nobody is on two rolls of a year.
    assert Participant.objects.filter(round__year=2026).values("person").distinct().count() == 2


def _officer(org):
    user = UserFactory(username=f"sec_{org.pk}")
    access_services.assign_role(actor=None, user=user, role=Role.SECRETARY, organization=org)
    return user


PLAN = {
    "self_until": "2026-12-10",
    "mutual_until": "2026-12-15",
    "vote_until": "2026-12-18",
    "meeting_on": "2026-12-22",
}


def test_the_page_and_the_api_refuse_it_too(nested, login, api_as):
    scene.round_of(nested.branch)
    general = nested.general.branch
    user = _officer(general)
    page = login(user).post(reverse("appraisal:round_new"), {"organization": general.pk, "year": 2026, **PLAN})
    assert page.status_code == 400 and "has an appraisal for 2026 already" in page.content.decode()
    response = api_as(user).post(f"{API}/appraisal/rounds", {"organization_id": general.pk, "year": 2026, **PLAN})
    assert response.status_code == 422 and "A机关第一党支部, under A机关党总支" in str(response.json())
    assert not Round.objects.filter(organization=general).exists()


def test_a_branch_reads_the_general_branchs_confirmed_round_as_its_result(nested):
    r = scene.confirmed(scene.round_of(nested.general), **{"甲党员": "basic"})
    for org in (nested.general.branch, nested.branch.branch):
        result = selectors.branch_result(org.pk, 2026)
        assert (result.held, result.graded, result.qualified) == (True, 2, 1)
    assert not selectors.branch_result(nested.branch.branch.pk, 2026, on=r.confirmed_on - dt.timedelta(days=1)).held
    assert not selectors.branch_result(nested.branch.branch.pk, 2025).held


def test_a_general_branch_does_not_read_a_branchs_round_below_it(nested):
    scene.confirmed(scene.round_of(nested.branch))
    assert selectors.branch_result(nested.branch.branch.pk, 2026).held
    assert not selectors.branch_result(nested.general.branch.pk, 2026).held


def test_a_branchs_result_is_read_in_two_queries(nested, django_assert_num_queries):
    """The round (the branch's own or the nearest above it) and its grades: what the 三好 rating
    reads per candidate branch."""
    scene.confirmed(scene.round_of(nested.general))
    assert nested.branch.branch.path.startswith(nested.general.branch.path) and nested.branch.branch.path.endswith("/")
    with django_assert_num_queries(2):
        assert selectors.branch_result(nested.branch.branch.pk, 2026).held
