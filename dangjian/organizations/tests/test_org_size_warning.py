"""Whether an organisation's kind fits its size (党章, 基层组织工作条例): ≥100 members a party
committee, 50–99 a general branch, 3–49 with at least 3 full members a branch."""

import pytest

from dangjian.organizations.models import OrgKind
from dangjian.organizations.rules import committee_required, kind_warning


@pytest.mark.parametrize(
    ("members", "full", "warns"),
    [
        (2, 2, True),  # fewer than 3 full members: a joint branch instead
        (10, 2, True),  # members counted, but only 2 of them full
        (3, 3, False),
        (49, 40, False),
        (50, 40, True),  # should become a general branch
    ],
)
def test_branch(members, full, warns):
    assert (kind_warning(OrgKind.BRANCH, members, full) is not None) is warns


@pytest.mark.parametrize(("members", "warns"), [(49, True), (50, False), (99, False), (100, True)])
def test_general_branch(members, warns):
    assert (kind_warning(OrgKind.GENERAL_BRANCH, members, members) is not None) is warns


@pytest.mark.parametrize(("members", "warns"), [(99, True), (100, False), (816, False)])
def test_enterprise_committee(members, warns):
    assert (kind_warning(OrgKind.ENTERPRISE_COMMITTEE, members, members) is not None) is warns


def test_the_warning_gives_the_count():
    assert "2" in kind_warning(OrgKind.BRANCH, 2, 2)
    assert "49" in kind_warning(OrgKind.GENERAL_BRANCH, 49, 49)


@pytest.mark.parametrize("kind", [OrgKind.JOINT_BRANCH, OrgKind.PARTY_GROUP, OrgKind.COUNTY_COMMITTEE])
def test_other_kinds_never_warn(kind):
    assert kind_warning(kind, 1, 0) is None


@pytest.mark.parametrize(("full", "required"), [(6, False), (7, True)])
def test_branch_committee_from_seven_full_members(full, required):
    assert committee_required(full) is required
