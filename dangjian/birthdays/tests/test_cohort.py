"""Who is in a month's or a quarter's cohort: 29 February, year ends, quarters, the conversion
basis per organisation, the first year, transfers, and the scope."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.birthdays import selectors, services
from dangjian.calendar import QUARTER, Period
from dangjian.development import services as development
from dangjian.organizations.models import OrgKind
from dangjian.testing.factories import make_org
from dangjian.testing.members import member, transfer

pytestmark = pytest.mark.django_db


def _names(rows):
    return [c.person.name for c in rows]


def test_a_leap_day_member_is_celebrated_on_28_february_in_common_years(world):
    member(world.a, dt.date(2016, 2, 29), name="闰日")
    member(world.a, dt.date(2016, 2, 28), name="前一天")
    common = selectors.cohort(world.county_admin, world.county, 2025, 2)
    assert _names(common) == ["前一天", "闰日"]  # the same day: by name
    assert [c.anniversary for c in common] == [dt.date(2025, 2, 28)] * 2
    assert [c.years for c in common] == [9, 9]
    leap = selectors.cohort(world.county_admin, world.county, 2024, 2)
    assert [(c.person.name, c.anniversary) for c in leap] == [
        ("前一天", dt.date(2024, 2, 28)),
        ("闰日", dt.date(2024, 2, 29)),
    ]
    assert selectors.cohort(world.county_admin, world.county, 2025, 3) == []


def test_cohorts_are_sorted_by_date_then_name(world):
    member(world.a, dt.date(2012, 5, 20), name="赵六")
    member(world.b, dt.date(2018, 5, 3), name="钱七")
    member(world.a, dt.date(2012, 5, 20), name="孙八")
    rows = selectors.cohort(world.county_admin, world.county, 2026, 5)
    assert _names(rows) == ["钱七", "孙八", "赵六"]
    assert [c.years for c in rows] == [8, 14, 14]
    assert rows[0].org == world.b.branch and rows[0].basis == dt.date(2018, 5, 3)


def test_december_and_the_month_after_it(world):
    member(world.a, dt.date(2019, 12, 31), name="岁末")
    member(world.a, dt.date(2019, 1, 1), name="新年")
    december = Period(2026, 12)
    assert _names(selectors.cohort(world.county_admin, world.county, 2026, 12)) == ["岁末"]
    after = december.next()
    assert (after.year, after.index) == (2027, 1)
    rows = selectors.cohort(world.county_admin, world.county, after.year, after.index)
    assert _names(rows) == ["新年"] and rows[0].anniversary == dt.date(2027, 1, 1) and rows[0].years == 8


def test_quarter_cohorts(world):
    member(world.a, dt.date(2016, 2, 29), name="二月")
    member(world.a, dt.date(2017, 3, 31), name="三月")
    member(world.a, dt.date(2017, 4, 1), name="四月")
    member(world.a, dt.date(2018, 10, 8), name="十月")
    assert _names(selectors.cohort(world.county_admin, world.county, 2025, 1, QUARTER)) == ["二月", "三月"]
    assert _names(selectors.cohort(world.county_admin, world.county, 2025, 2, QUARTER)) == ["四月"]
    q4 = Period(2025, 4, QUARTER)
    assert _names(selectors.cohort(world.county_admin, world.county, 2025, 4, QUARTER)) == ["十月"]
    assert _names(selectors.cohort(world.county_admin, world.county, q4.next().year, 1, QUARTER)) == ["二月", "三月"]


def test_nobody_is_celebrated_in_the_year_they_were_admitted(world):
    member(world.a, dt.date(2026, 3, 2), name="新党员")
    assert selectors.cohort(world.county_admin, world.county, 2026, 3) == []
    (row,) = selectors.cohort(world.county_admin, world.county, 2027, 3)
    assert row.years == 1


def test_the_conversion_basis_of_the_county(world):
    development.save_config(actor=None, organization=world.county, birthday_basis="conversion")
    member(world.a, dt.date(2015, 3, 10), dt.date(2016, 5, 20), name="转正")
    member(world.a, dt.date(2025, 3, 10), name="预备")  # not yet converted: no political birthday yet
    assert selectors.cohort(world.county_admin, world.county, 2026, 3) == []
    (row,) = selectors.cohort(world.county_admin, world.county, 2026, 5)
    assert row.person.name == "转正" and row.basis == dt.date(2016, 5, 20) and row.years == 10


def test_each_organisation_under_the_root_uses_its_own_basis(world):
    # The park counts from conversion; a branch directly under the county keeps admission.
    development.save_config(actor=None, organization=world.park, birthday_basis="conversion")
    county_branch = make_org(OrgKind.BRANCH, "县直机关党支部", world.county)
    member(world.a, dt.date(2015, 3, 12), dt.date(2016, 5, 22), name="园区")
    member(world.a, dt.date(2015, 3, 10), dt.date(2016, 5, 20), name="县直", org=county_branch)
    assert _names(selectors.cohort(world.county_admin, world.county, 2026, 3)) == ["县直"]
    assert _names(selectors.cohort(world.county_admin, world.county, 2026, 5)) == ["园区"]
    # An organisation below the park, with settings of its own, goes back to admission.
    development.save_config(actor=None, organization=world.a.branch, birthday_basis="admission")
    assert _names(selectors.cohort(world.county_admin, world.county, 2026, 3)) == ["县直", "园区"]
    assert _names(selectors.cohort(world.county_admin, world.a.branch, 2026, 3)) == ["园区"]


def test_a_transferred_member_keeps_the_date_and_counts_where_they_are_now(world):
    person = member(world.a, dt.date(2014, 9, 9), dt.date(2015, 9, 9), name="转接")
    transfer(person, world.b.branch, dt.date(2024, 1, 5))
    (row,) = selectors.cohort(world.county_admin, world.county, 2026, 9)
    assert row.org == world.b.branch and row.basis == dt.date(2014, 9, 9)
    assert selectors.cohort(world.county_admin, world.a.branch, 2026, 9) == []
    assert _names(selectors.cohort(world.county_admin, world.b.branch, 2026, 9)) == ["转接"]


def test_a_member_whose_membership_ended_is_not_celebrated(world):
    from dangjian.people import services as people
    from dangjian.people.models import Membership

    person = member(world.a, dt.date(2014, 9, 9), dt.date(2015, 9, 9), name="离开")
    people.update_membership(
        actor=None,
        membership=person.memberships.get(),
        ended_on=dt.date(2025, 1, 1),
        end_reason=Membership.EndReason.WITHDRAWN,
    )
    assert selectors.cohort(world.county_admin, world.county, 2026, 9) == []


def test_a_secretary_never_sees_the_other_enterprise_in_a_cohort(world):
    member(world.a, dt.date(2015, 7, 2), name="甲七月")
    member(world.b, dt.date(2015, 7, 3), name="乙七月")
    # The fixture's members and secretaries were admitted on 1 July as well.
    a_rows = _names(selectors.cohort(world.a.secretary, world.park, 2026, 7))
    assert "甲七月" in a_rows and "A党员" in a_rows
    assert not any(n.startswith("乙") or n.startswith("B") for n in a_rows)
    assert _names(selectors.cohort(world.a.secretary, world.b.branch, 2026, 7)) == []
    both = _names(selectors.cohort(world.county_admin, world.park, 2026, 7))
    assert "甲七月" in both and "乙七月" in both


def test_cohort_people_is_what_a_collective_celebration_invites(world):
    services.save_config(actor=None, organization=world.county, period="quarter")
    member(world.a, dt.date(2015, 4, 2), name="四月")
    member(world.b, dt.date(2015, 5, 3), name="五月")
    member(world.a, dt.date(2026, 4, 2), name="今年")
    people = selectors.cohort_people(world.a.branch, dt.date(2026, 6, 28))
    assert [p.name for p in people] == ["四月"]
    assert people.model.__name__ == "Person"
    assert [p.name for p in selectors.cohort_people(world.park, dt.date(2026, 6, 28))] == ["五月", "四月"]
    # The fixture's July members join in the third quarter.
    assert {p.name for p in selectors.cohort_people(world.a.branch, dt.date(2026, 7, 1))} == {"A党员", "A书记"}


def test_cohort_people_costs_the_same_queries_for_any_size(world, django_assert_num_queries):
    for i in range(3):
        member(world.a, dt.date(2015, 4, 2 + i))
    with django_assert_num_queries(4):
        assert len(list(selectors.cohort_people(world.park, dt.date(2026, 4, 1)))) == 3
    for i in range(20):
        member(world.b, dt.date(2015, 4, 2 + i))
    with django_assert_num_queries(4):
        assert len(list(selectors.cohort_people(world.park, dt.date(2026, 4, 1)))) == 23
